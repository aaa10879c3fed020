package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LossConfigTest {

    private static final LossConfig GIVEN =
            new LossConfig(Treatment.FD_KL, 2.0, 3.0, 4.0, 0.5, LossFilter.NEGATIVE_FLIP, ClassReduction.MEAN);

    @Test
    void focalDistillationUsesTheValuesAsGiven() {
        EffectiveLoss kl = GIVEN.effective();
        assertEquals(new EffectiveLoss(Treatment.FD_KL, 2.0, 3.0, 4.0, 0.5, LossFilter.NEGATIVE_FLIP,
                ClassReduction.MEAN), kl);
        assertTrue(kl.distills());
        assertFalse(kl.logitMatching());
        assertEquals(5.0, kl.sampleWeight(true));
        assertEquals(2.0, kl.sampleWeight(false));
        assertTrue(GIVEN.withTreatment(Treatment.FD_LM).effective().logitMatching());
        assertEquals(0.5, GIVEN.withTreatment(Treatment.FD_LM).effective().lambda());
    }

    @Test
    void noneMeansPlainCrossEntropy() {
        EffectiveLoss none = GIVEN.withTreatment(Treatment.NONE).effective();
        assertEquals(0.0, none.lambda());
        assertFalse(none.distills());
    }

    @Test
    void kdWeighsEverySampleOne() {
        EffectiveLoss kd = GIVEN.withTreatment(Treatment.KD).effective();
        assertEquals(new EffectiveLoss(Treatment.KD, 1.0, 0.0, 4.0, 0.5, LossFilter.ALL, ClassReduction.MEAN), kd);
        assertEquals(1.0, kd.sampleWeight(true));
        assertEquals(1.0, kd.sampleWeight(false));
        assertTrue(kd.distills());
    }

    @Test
    void enumSpellings() {
        assertEquals(Treatment.FD_KL, Treatment.fromSpelling("fd-kl"));
        assertEquals("negative_flip", LossFilter.NEGATIVE_FLIP.spelling());
        assertEquals(DataSource.IMAGE_FOLDER, DataSource.fromSpelling("image-folder"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> OptimizerType.fromSpelling("rmsprop"));
        assertTrue(e.getMessage().contains("one of: sgd, nesterov, adam"), e.getMessage());
    }
}
