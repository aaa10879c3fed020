package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.SampleFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The second source of two-source distillation in the job file: {@code loss.second_*}, errors, sweeps. */
class TwoSourceConfigTest {
    private static final String MINIMAL = JobConfigLoaderTest.MINIMAL;

    @TempDir
    Path dir;

    @Test
    void thereIsNoSecondSourceByDefault() throws IOException {
        LossConfig loss = JobFiles.load(dir, MINIMAL).loss();
        assertEquals(Treatment.NONE, loss.secondTreatment());
        assertFalse(loss.twoSources());
        assertFalse(loss.usesEnsemble());
        assertNull(loss.toSecondLoss());
    }

    @Test
    void theSecondTermsValuesReachItsLossAndRoundTrip() throws IOException {
        JobConfig config = JobFiles.load(dir, MINIMAL + """
                loss: {treatment: fd-kl, tau: 1, class_reduction: mean, ensemble_members: 1,
                       second_treatment: fd-lm, second_lambda: 0.25, second_alpha: 0.5, second_beta: 2,
                       second_filter: negative_flip, second_tau: 3}
                """);
        LossConfig loss = config.loss();
        assertTrue(loss.twoSources());
        assertTrue(loss.usesEnsemble(), "the second source is an ensemble of plain retrains");
        FocalDistillationLoss second = loss.toSecondLoss();
        assertEquals(Distance.LOGIT_MATCHING, second.getDistance());
        assertEquals(0.25f, second.getLambda());
        assertEquals(0.5f, second.getAlpha());
        assertEquals(2f, second.getBeta());
        assertEquals(3f, second.getTau());
        assertEquals(SampleFilter.NEGATIVE_FLIP, second.getFilter());
        assertEquals(loss.toLoss().getClassReduction(), second.getClassReduction(), "the first term's reduction");
        Path again = dir.resolve("effective.yaml");
        Files.writeString(again, config.toYaml());
        assertEquals(loss, JobConfigLoader.load(again, List.of()).loss());
    }

    @Test
    void theDefaultSecondTermCountsWhereTheOldModelIsWrong() throws IOException {
        FocalDistillationLoss second = JobFiles.load(dir, MINIMAL + "loss: {second_treatment: fd-kl}\n").loss()
                .toSecondLoss();
        assertEquals(SampleFilter.OLD_INCORRECT, second.getFilter());
        assertEquals(0f, second.getAlpha());
        assertEquals(1f, second.getBeta());
        assertEquals(1f, second.getTau());
        assertEquals(1f, second.getLambda());
    }

    @Test
    void badValuesNameTheKeyAndWhatIsExpected() throws IOException {
        String tau = JobFiles.failure(dir, MINIMAL + "loss: {second_treatment: fd-kl, second_tau: 0}\n");
        assertTrue(tau.contains("loss.second_tau") && tau.contains("> 0"), tau);
        String weights = JobFiles.failure(dir, MINIMAL + "loss: {second_treatment: fd-kl, second_beta: -1}\n");
        assertTrue(weights.contains("loss.second_beta") && weights.contains(">= 0"), weights);
        String filter = JobFiles.failure(dir, MINIMAL + "loss: {second_filter: wrong}\n");
        assertTrue(filter.contains("loss.second_filter") && filter.contains("old_incorrect"), filter);
        String plain = JobFiles.failure(dir, MINIMAL + "loss: {treatment: none, second_treatment: fd-kl}\n");
        assertTrue(plain.contains("loss.second_treatment") && plain.contains("does not distil"), plain);
        String augmented = JobFiles.failure(dir, MINIMAL + "loss: {second_treatment: fd-kl}\n",
                "data.augment.horizontal_flip=true");
        assertTrue(augmented.contains("loss.second_treatment") && augmented.contains("augment"), augmented);
        String noBaseline = JobFiles.failure(dir, MINIMAL + "loss: {second_treatment: fd-kl}\n",
                "compare_baseline=false");
        assertTrue(noBaseline.contains("compare_baseline") && noBaseline.contains("second_treatment"), noBaseline);
    }

    @Test
    void aSweepVariesTheSecondTerm() throws IOException {
        JobConfig config = JobFiles.load(dir, MINIMAL + """
                loss: {second_treatment: fd-kl, ensemble_members: 1}
                sweep:
                  - {key: loss.second_lambda, values: [0.5, 2]}
                """);
        Map<String, LossConfig> settings = SweepGrid.settings(config);
        assertEquals(List.of("pc-secondlambda0.5", "pc-secondlambda2"), List.copyOf(settings.keySet()));
        assertEquals(2f, settings.get("pc-secondlambda2").toSecondLoss().getLambda());
    }
}
