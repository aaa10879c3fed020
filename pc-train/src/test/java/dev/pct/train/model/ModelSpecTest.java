package dev.pct.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

// Floating values here are parsed from decimal text or set from literals and compared exactly: the same decimal
// always gives the same double (or float), with no arithmetic in between.
class ModelSpecTest {

    @Test
    void builderDefaults() {
        ModelSpec s = ModelSpec.builder().setType(" CNN ").build();
        assertEquals(Architecture.CNN, s.type());
        assertEquals(List.of(256), s.hidden());
        assertEquals(List.of(32, 64), s.channels());
        assertFalse(s.batchNorm());
        assertEquals(0.0, s.dropout());
        assertEquals(20, s.depth());
    }

    @Test
    void builderSetsValues() {
        ModelSpec s =
                ModelSpec.builder()
                        .setType("mlp")
                        .optHidden(List.of(8, 4))
                        .optChannels(List.of())
                        .optBatchNorm(true)
                        .optDropout(0.25)
                        .optDepth(56)
                        .build();
        assertEquals(new ModelSpec(Architecture.MLP, List.of(8, 4), List.of(), true, 0.25, 56), s);
    }

    @Test
    void unknownTypeNamesValueAndAllowedOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder().setType("transformer"));
        assertTrue(e.getMessage().contains("transformer"), e.getMessage());
        assertTrue(e.getMessage().contains("one of mlp, cnn, lenet, resnet"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder().build());
    }

    @Test
    void badValuesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder().setType("mlp").optDropout(1.0).build());
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder().setType("mlp").optDropout(Double.NaN).build());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ModelSpec.builder().setType("mlp").optHidden(List.of(8, 0)).build());
        assertTrue(e.getMessage().contains("hidden") && e.getMessage().contains("[8, 0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder().setType("resnet").optDepth(0).build());
    }
}
