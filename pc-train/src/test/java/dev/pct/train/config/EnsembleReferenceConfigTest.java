package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.reference.ReferenceSource;
import dev.pct.train.reference.WeightsFrom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loss.reference}, {@code loss.ensemble_members} and {@code loss.weights_from}: values, errors, sweeps. */
class EnsembleReferenceConfigTest {
    private static final String MINIMAL = JobConfigLoaderTest.MINIMAL;

    @TempDir
    Path dir;

    private JobConfig load(String yaml, String... overrides) throws IOException {
        return JobFiles.load(dir, yaml, overrides);
    }

    private String failure(String yaml, String... overrides) throws IOException {
        return JobFiles.failure(dir, yaml, overrides);
    }

    @Test
    void theOldModelIsTheDefaultReference() throws IOException {
        LossConfig loss = load(MINIMAL).loss();
        assertEquals(ReferenceSource.OLD, loss.reference());
        assertEquals(4, loss.ensembleMembers());
        assertEquals(WeightsFrom.OLD, loss.weightsFrom());
        assertFalse(loss.usesEnsemble());
    }

    @Test
    void anEnsembleIsReadAndWrittenBack() throws IOException {
        JobConfig config = load(MINIMAL + "loss: {reference: ensemble, ensemble_members: 3, weights_from: reference}\n");
        LossConfig loss = config.loss();
        assertEquals(ReferenceSource.ENSEMBLE, loss.reference());
        assertEquals(3, loss.ensembleMembers());
        assertEquals(WeightsFrom.REFERENCE, loss.weightsFrom());
        assertTrue(loss.usesEnsemble());
        assertFalse(loss.withTreatment(Treatment.NONE).usesEnsemble(), "the baseline distils toward nothing");
        Path again = dir.resolve("effective.yaml");
        Files.writeString(again, config.toYaml());
        assertEquals(config.loss(), JobConfigLoader.load(again, List.of()).loss());
    }

    @Test
    void badValuesNameTheKeyAndWhatIsExpected() throws IOException {
        String members = failure(MINIMAL + "loss: {reference: ensemble, ensemble_members: 0}\n");
        assertTrue(members.contains("loss.ensemble_members") && members.contains(">= 1"), members);
        String source = failure(MINIMAL + "loss: {reference: new}\n");
        assertTrue(source.contains("loss.reference") && source.contains("old") && source.contains("ensemble"),
                source);
        String weights = failure(MINIMAL + "loss: {weights_from: ensemble}\n");
        assertTrue(weights.contains("loss.weights_from") && weights.contains("reference"), weights);
    }

    @Test
    void anEnsembleNeedsFixedInputsAndTheBaseline() throws IOException {
        String augmented = failure(MINIMAL + "loss: {reference: ensemble}\n", "data.augment.horizontal_flip=true");
        assertTrue(augmented.contains("loss.reference") && augmented.contains("augment"), augmented);
        String noBaseline = failure(MINIMAL + "loss: {reference: ensemble}\n", "compare_baseline=false");
        assertTrue(noBaseline.contains("compare_baseline") && noBaseline.contains("first member"), noBaseline);
        // Augmentation is fine while the ensemble is not used.
        load(MINIMAL + "loss: {reference: ensemble, treatment: none}\n", "data.augment.horizontal_flip=true");
    }

    @Test
    void aSweepCanCompareReferencesAndNamesThemByTheirValues() throws IOException {
        JobConfig config = load(MINIMAL + """
                loss: {ensemble_members: 3}
                sweep:
                  - {key: loss.treatment, values: [fd-kl, fd-ldi]}
                  - {key: loss.reference, values: [old, ensemble]}
                """);
        Map<String, LossConfig> settings = SweepGrid.settings(config);
        assertEquals(List.of("pc-fd-kl-old", "pc-fd-kl-ensemble", "pc-fd-ldi-old", "pc-fd-ldi-ensemble"),
                List.copyOf(settings.keySet()));
        assertEquals(ReferenceSource.ENSEMBLE, settings.get("pc-fd-ldi-ensemble").reference());
        assertEquals(3, settings.get("pc-fd-ldi-ensemble").ensembleMembers());
        String augmented = failure(MINIMAL + """
                sweep:
                  - {key: loss.reference, values: [old, ensemble]}
                """, "data.augment.horizontal_flip=true");
        assertTrue(augmented.contains("sweep[0].values[1]") && augmented.contains("augment"), augmented);
    }
}
