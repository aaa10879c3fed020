package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.SampleFilter;
import dev.pct.train.io.Spelling;
import dev.pct.train.optim.PcOptimizer;
import dev.pct.train.reference.ReferenceSource;
import dev.pct.train.reference.WeightsFrom;
import dev.pct.train.selection.SelectionRule;
import dev.pct.train.selection.TestEvaluation;
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
        assertEquals(Treatment.FD_LDI, Spelling.parse(Treatment.class, "fd-ldi"));
        assertEquals("fd-ldi", Spelling.of(Treatment.FD_LDI));
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
        assertEquals(Treatment.FD_KL, Spelling.parse(Treatment.class, "fd-kl"));
        assertEquals("negative_flip", Spelling.of(SampleFilter.NEGATIVE_FLIP));
        assertEquals(SampleFilter.OLD_CORRECT, Spelling.parse(SampleFilter.class, "old_correct"));
        assertEquals(DataSource.IMAGE_FOLDER, Spelling.parse(DataSource.class, "image-folder"));
        assertEquals("image-folder", DataSource.IMAGE_FOLDER.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Spelling.parse(PcOptimizer.Kind.class, "rmsprop"));
        assertTrue(e.getMessage().contains("one of: sgd, nesterov, adam"), e.getMessage());
    }

    @Test
    void theYamlMapperSpellsEveryEnumerationByTheOneRule() throws Exception {
        // A config enumeration with a hyphenated spelling, a domain one and pc-core's, each written by hand.
        Object[][] cases = {{Treatment.FD_KL, "fd-kl"}, {DataSource.IMAGE_FOLDER, "image-folder"},
            {SelectionRule.LOWEST_NFR, "lowest_nfr"}, {TestEvaluation.EVERY_EPOCH, "every_epoch"},
            {WeightsFrom.REFERENCE, "reference"}, {SampleFilter.OLD_CORRECT, "old_correct"},
            {PcOptimizer.Kind.NESTEROV, "nesterov"}};
        for (Object[] c : cases) {
            Enum<?> constant = (Enum<?>) c[0];
            assertEquals(c[1], ConfigMappers.YAML.convertValue(constant, String.class), constant.name());
            assertEquals(constant, ConfigMappers.YAML.readValue((String) c[1], constant.getDeclaringClass()));
        }
        Exception e = assertThrows(Exception.class, () -> ConfigMappers.YAML.readValue("FD_KL", Treatment.class));
        assertTrue(e.getMessage().contains("expected one of: none, fd-kl, fd-lm, fd-ldi, kd"), e.getMessage());
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
