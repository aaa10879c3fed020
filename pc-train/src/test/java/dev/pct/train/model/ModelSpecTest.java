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
        // One default for the builder and job files (it was 256 here and 128 in job files until they were merged).
        assertEquals(List.of(128), s.hidden());
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
    void problemsListsEveryBadValueUnderItsJobFileKey() {
        // A job file's values bind onto the record as written; problems() names each one that cannot be built.
        ModelSpec s = new ModelSpec(Architecture.CNN, List.of(8, 0, -3), List.of(), false, 1.5, -1);
        List<String> found = s.problems().stream().map(ModelSpec.Problem::toString).toList();
        assertEquals(List.of(
                "hidden[1]: got 0, expected an integer >= 1",
                "hidden[2]: got -3, expected an integer >= 1",
                "channels: got [], expected a non-empty list for type cnn",
                "dropout: got 1.5, expected a number >= 0 and < 1",
                "depth: got -1, expected an integer >= 0"), found);
        // Depth matters to resnet only: 0 is fine elsewhere, and resnet must give one.
        assertTrue(new ModelSpec(Architecture.MLP, List.of(), List.of(), false, 0, 0).problems().isEmpty());
        assertEquals(List.of("type: got null, expected one of mlp, cnn, lenet, resnet",
                        "depth: got 0, expected an integer > 0 (required for type resnet)"),
                List.of(new ModelSpec(null, List.of(), List.of(), false, 0, 0).problems().get(0).toString(),
                        new ModelSpec(Architecture.RESNET, List.of(), List.of(), true, 0, 0).problems().get(0)
                                .toString()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::checked);
        assertTrue(e.getMessage().endsWith(": hidden[1]: got 0, expected an integer >= 1"), e.getMessage());
    }

    @Test
    void aJobFilesUnsetDepthBuildsTheSameNetworkAsTheBuildersDefault() {
        ModelSpec unset = new ModelSpec(Architecture.CNN, List.of(64), List.of(16, 32), true, 0, 0);
        ModelSpec built = ModelSpec.builder().setType("cnn").optHidden(List.of(64)).optChannels(List.of(16, 32))
                .optBatchNorm(true).build();
        assertEquals(20, built.depth());
        assertTrue(unset.sameNetwork(built) && built.sameNetwork(unset));
        assertFalse(unset.sameNetwork(new ModelSpec(Architecture.CNN, List.of(64), List.of(16, 32), true, 0, 5)));
        assertFalse(unset.sameNetwork(new ModelSpec(Architecture.CNN, List.of(32), List.of(16, 32), true, 0, 0)));
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
