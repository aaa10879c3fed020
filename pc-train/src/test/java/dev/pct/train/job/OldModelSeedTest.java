package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code old_model.seed} trains the job's old model with its own seed: the job's first seed gives the run
 * without the key, another seed another old model (the seed-change update: the same network retrained).
 */
class OldModelSeedTest {

    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");

    @TempDir
    Path tmp;

    @Test
    void theFirstSeedIsTheDefaultAndAnotherSeedTrainsAnotherOldModel() throws Exception {
        Path plain = tmp.resolve("plain");
        Path same = tmp.resolve("same");
        Path other = tmp.resolve("other");
        assertEquals(0, CliRun.run("train", SMOKE.toString(), "--run-dir", plain.toString()).status());
        assertEquals(0, CliRun.run("train", SMOKE.toString(), "--run-dir", same.toString(),
                "--set", "old_model.seed=1").status());
        CliRun.Result seven = CliRun.run("train", SMOKE.toString(), "--run-dir", other.toString(),
                "--set", "old_model.seed=7");
        assertEquals(0, seven.status(), seven.err());
        byte[] plainOld = Files.readAllBytes(plain.resolve("old/final.params"));
        assertArrayEquals(plainOld, Files.readAllBytes(same.resolve("old/final.params")), "seed 1 is the default");
        assertEquals(Files.readString(plain.resolve("metrics.json")), Files.readString(same.resolve("metrics.json")));
        assertFalse(Arrays.equals(plainOld, Files.readAllBytes(other.resolve("old/final.params"))),
                "seed 7 trains another old model");
        assertNotEquals(Files.readString(plain.resolve("metrics.json")), Files.readString(other.resolve(
                "metrics.json")));
        assertTrue(Files.readString(other.resolve("run-info.json")).contains("trained in the job (seed 7)"));
        assertFalse(Files.readString(same.resolve("run-info.json")).contains("(seed"));
    }

    @Test
    void aSeedNeedsAnOldModelTrainedInTheJob() {
        CliRun.Result refused = CliRun.run("train", SMOKE.toString(), "--run-dir", tmp.resolve("r").toString(),
                "--set", "old_model={source: onnx, file: m.onnx, preprocessing: {mean: [0.5], std: [0.25]}, seed: 3}");
        assertNotEquals(0, refused.status());
        assertTrue(refused.err().contains("old_model.seed") && refused.err().contains("source train"), refused.err());
    }
}
