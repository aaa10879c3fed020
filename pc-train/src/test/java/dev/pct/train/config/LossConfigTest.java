package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.SampleFilter;
import dev.pct.train.optim.PcOptimizer;
import org.junit.jupiter.api.Test;

// Floating values here are parsed from decimal text or set from literals and compared exactly: the same decimal
// always gives the same double (or float), with no arithmetic in between.
class LossConfigTest {

    private static final LossConfig GIVEN =
            new LossConfig(Treatment.FD_KL, 2.0, 3.0, 4.0, 0.5, SampleFilter.NEGATIVE_FLIP, ClassReduction.MEAN,
                    0.25, 1.5, 3, true, ReferenceSource.OLD, 4, WeightsFrom.OLD);

    @Test
    void focalDistillationUsesTheValuesAsGiven() {
        EffectiveLoss kl = GIVEN.effective();
        assertEquals(new EffectiveLoss(Treatment.FD_KL, 2.0, 3.0, 4.0, 0.5, SampleFilter.NEGATIVE_FLIP,
                ClassReduction.MEAN, 0.25, 1.5, 3, true), kl);
        assertTrue(kl.distills());
        assertEquals(Distance.KL, kl.distance());
        assertEquals(5.0, kl.sampleWeight(true));
        assertEquals(2.0, kl.sampleWeight(false));
        assertEquals(Distance.LOGIT_MATCHING, GIVEN.withTreatment(Treatment.FD_LM).effective().distance());
        assertEquals(0.5, GIVEN.withTreatment(Treatment.FD_LM).effective().lambda());
    }

    @Test
    void fdLdiDistilsWithLdiAndPassesItsSettingsToTheLoss() {
        assertEquals(Treatment.FD_LDI, Treatment.fromSpelling("fd-ldi"));
        assertEquals("fd-ldi", Treatment.FD_LDI.spelling());
        EffectiveLoss ldi = GIVEN.withTreatment(Treatment.FD_LDI).effective();
        assertEquals(new EffectiveLoss(Treatment.FD_LDI, 2.0, 3.0, 4.0, 0.5, SampleFilter.NEGATIVE_FLIP,
                ClassReduction.MEAN, 0.25, 1.5, 3, true), ldi);
        assertTrue(ldi.distills());
        assertEquals(Distance.LDI, ldi.distance());
        dev.pct.core.loss.FocalDistillationLoss loss = ldi.toLoss();
        assertEquals(Distance.LDI, loss.getDistance());
        assertEquals(0.25f, loss.getMargin());
        assertEquals(1.5f, loss.getPower());
        assertEquals(3, loss.getTopK());
        assertTrue(loss.isExcludeTrueClass());
        assertEquals(ClassReduction.MEAN, loss.getClassReduction());
        assertEquals(Distance.KL, Treatment.KD.distance());
        assertEquals(Distance.KL, Treatment.NONE.distance());
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
        assertEquals(new EffectiveLoss(Treatment.KD, 1.0, 0.0, 4.0, 0.5, SampleFilter.ALL, ClassReduction.MEAN,
                0.25, 1.5, 3, true), kd);
        assertEquals(1.0, kd.sampleWeight(true));
        assertEquals(1.0, kd.sampleWeight(false));
        assertTrue(kd.distills());
    }

    @Test
    void enumSpellings() {
        assertEquals(Treatment.FD_KL, Treatment.fromSpelling("fd-kl"));
        assertEquals("negative_flip", ConfigEnum.spelling(SampleFilter.NEGATIVE_FLIP));
        assertEquals(SampleFilter.OLD_CORRECT, ConfigEnum.fromSpelling(SampleFilter.class, "old_correct"));
        assertEquals(DataSource.IMAGE_FOLDER, DataSource.fromSpelling("image-folder"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigEnum.fromSpelling(PcOptimizer.Kind.class, "rmsprop"));
        assertTrue(e.getMessage().contains("one of: sgd, nesterov, adam"), e.getMessage());
    }

    @Test
    void effectiveLossBuildsTheFocalDistillationLossWithTheseValues() {
        dev.pct.core.loss.FocalDistillationLoss loss = GIVEN.withTreatment(Treatment.FD_LM).effective().toLoss();
        assertEquals(2f, loss.getAlpha());
        assertEquals(3f, loss.getBeta());
        assertEquals(4f, loss.getTau());
        assertEquals(0.5f, loss.getLambda());
        assertEquals(Distance.LOGIT_MATCHING, loss.getDistance());
        assertEquals(SampleFilter.NEGATIVE_FLIP, loss.getFilter());
        assertEquals(ClassReduction.MEAN, loss.getClassReduction());
    }
}
