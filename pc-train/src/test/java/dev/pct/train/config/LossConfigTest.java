package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
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
                    0.25, 1.5, 3, true, ReferenceSource.OLD, 4, WeightsFrom.OLD,
                Treatment.NONE, 0, 1, 1, 1, SampleFilter.OLD_INCORRECT);

    /** Asserts every setting of a loss, each against the value written by hand. */
    private static void assertLoss(FocalDistillationLoss loss, float alpha, float beta, float tau, float lambda,
            Distance distance, SampleFilter filter) {
        assertEquals(alpha, loss.getAlpha());
        assertEquals(beta, loss.getBeta());
        assertEquals(tau, loss.getTau());
        assertEquals(lambda, loss.getLambda());
        assertEquals(distance, loss.getDistance());
        assertEquals(filter, loss.getFilter());
        assertEquals(ClassReduction.MEAN, loss.getClassReduction());
        assertEquals(0.25f, loss.getMargin());
        assertEquals(1.5f, loss.getPower());
        assertEquals(3, loss.getTopK());
        assertTrue(loss.isExcludeTrueClass());
    }

    @Test
    void focalDistillationUsesTheValuesAsGiven() {
        assertLoss(GIVEN.toLoss(), 2f, 3f, 4f, 0.5f, Distance.KL, SampleFilter.NEGATIVE_FLIP);
        assertTrue(GIVEN.distills());
        assertLoss(GIVEN.withTreatment(Treatment.FD_LM).toLoss(), 2f, 3f, 4f, 0.5f, Distance.LOGIT_MATCHING,
                SampleFilter.NEGATIVE_FLIP);
    }

    @Test
    void fdLdiDistilsWithLdiAndPassesItsSettingsToTheLoss() {
        assertEquals(Treatment.FD_LDI, Spelling.parse(Treatment.class, "fd-ldi"));
        assertEquals("fd-ldi", Spelling.of(Treatment.FD_LDI));
        LossConfig ldi = GIVEN.withTreatment(Treatment.FD_LDI);
        assertTrue(ldi.distills());
        assertLoss(ldi.toLoss(), 2f, 3f, 4f, 0.5f, Distance.LDI, SampleFilter.NEGATIVE_FLIP);
        assertEquals(Distance.KL, Treatment.KD.distance());
        assertEquals(Distance.KL, Treatment.NONE.distance());
    }

    @Test
    void noneMeansPlainCrossEntropy() {
        LossConfig none = GIVEN.withTreatment(Treatment.NONE);
        assertFalse(none.distills());
        assertLoss(none.toLoss(), 2f, 3f, 4f, 0f, Distance.KL, SampleFilter.NEGATIVE_FLIP);
        assertFalse(new LossConfig(Treatment.FD_KL, 2.0, 3.0, 4.0, 0.0, SampleFilter.NEGATIVE_FLIP,
                ClassReduction.MEAN, 0.25, 1.5, 3, true, ReferenceSource.OLD, 4, WeightsFrom.OLD,
                Treatment.NONE, 0, 1, 1, 1, SampleFilter.OLD_INCORRECT).distills());
    }

    @Test
    void kdWeighsEverySampleOne() {
        // w_i = alpha + beta * 1[filter] = 1 + 0 for every sample, whatever the written alpha, beta and filter.
        LossConfig kd = GIVEN.withTreatment(Treatment.KD);
        assertTrue(kd.distills());
        assertLoss(kd.toLoss(), 1f, 0f, 4f, 0.5f, Distance.KL, SampleFilter.ALL);
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
}
