package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.interpolation.InterpolationSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code interpolation}: defaults, values, and the errors that name the key and what is expected. */
class InterpolationConfigTest {
    /** An old model of the new model's architecture, trained in the job. */
    private static final String SAME = """
            name: same
            data:
              source: synthetic
            old_model:
              architecture: {type: cnn, channels: [8]}
            new_model:
              architecture: {type: cnn, channels: [8]}
            """;

    @TempDir
    Path dir;

    @Test
    void itIsOffByDefaultOnAGridOfElevenWeights() throws IOException {
        InterpolationSettings settings = JobFiles.load(dir, JobConfigLoaderTest.MINIMAL).interpolation();
        assertFalse(settings.enabled());
        assertEquals(List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0), settings.alphas());
        assertEquals(100, settings.bnBatches());
        assertEquals(1, settings.soupMembers());
    }

    @Test
    void valuesAreReadAndWrittenBack() throws IOException {
        JobConfig config = JobFiles.load(dir, SAME
                + "interpolation: {enabled: true, alphas: [0, 0.25, 1], bn_batches: 7, soup_members: 3}\n");
        assertEquals(new InterpolationSettings(true, List.of(0.0, 0.25, 1.0), 7, 3), config.interpolation());
        Path again = dir.resolve("effective.yaml");
        Files.writeString(again, config.toYaml());
        assertEquals(config.interpolation(), JobConfigLoader.load(again, List.of()).interpolation());
    }

    @Test
    void badValuesNameTheKeyAndWhatIsExpected() throws IOException {
        String order = JobFiles.failure(dir, SAME + "interpolation: {alphas: [0, 0.5, 0.4, 1.2]}\n");
        assertTrue(order.contains("interpolation.alphas[2]") && order.contains("interpolation.alphas[3]")
                && order.contains("in [0, 1]"), order);
        String batches = JobFiles.failure(dir, SAME + "interpolation: {bn_batches: 0}\n");
        assertTrue(batches.contains("interpolation.bn_batches") && batches.contains(">= 1"), batches);
        String members = JobFiles.failure(dir, SAME + "interpolation: {soup_members: 0}\n");
        assertTrue(members.contains("interpolation.soup_members"), members);
        String other = JobFiles.failure(dir, JobConfigLoaderTest.MINIMAL + "interpolation: {enabled: true}\n");
        assertTrue(other.contains("new_model.architecture") && other.contains("old model's architecture"), other);
        String baseline = JobFiles.failure(dir, SAME + "interpolation: {enabled: true}\n", "compare_baseline=false");
        assertTrue(baseline.contains("compare_baseline") && baseline.contains("interpolation"), baseline);
        String validation = JobFiles.failure(dir, SAME + "interpolation: {enabled: true}\n",
                "data.validation_fraction=0");
        assertTrue(validation.contains("data.validation_fraction") && validation.contains("interpolation"),
                validation);
        String logits = JobFiles.failure(dir, """
                name: logits
                data: {source: synthetic}
                old_model: {source: logits, logits: {train: a.csv, test: b.csv}}
                new_model: {architecture: {type: cnn}}
                interpolation: {enabled: true}
                """);
        assertTrue(logits.contains("old_model.source") && logits.contains("train or checkpoint"), logits);
    }
}
