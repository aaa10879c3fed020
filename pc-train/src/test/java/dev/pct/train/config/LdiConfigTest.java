package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fd-ldi treatment in a job file: its keys, their defaults, their checks and the loss they build. Floating
 * values are parsed from decimal text or set from literals and compared exactly: no arithmetic in between.
 */
class LdiConfigTest {

    /** A valid job with 10 synthetic classes; the loss section is appended by each test. */
    private static final String JOB = """
            name: ldi
            data:
              source: synthetic
              synthetic:
                classes: 10
            old_model:
              architecture:
                type: mlp
            new_model:
              architecture:
                type: cnn
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("job.yaml"), yaml);
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in:\n" + message);
        }
    }

    @Test
    void ldiKeysParseAndTheBuiltLossUsesThem() throws IOException {
        Path file =
                write(JOB + "loss: {treatment: fd-ldi, margin: 0.5, power: 1, top_k: 3, exclude_true_class: true}\n");
        LossConfig loss = JobConfigLoader.load(file, List.of()).loss();
        assertEquals(Treatment.FD_LDI, loss.treatment());
        assertEquals(0.5, loss.margin());
        assertEquals(1.0, loss.power());
        assertEquals(3, loss.topK());
        assertTrue(loss.excludeTrueClass());

        FocalDistillationLoss built = loss.toLoss();
        assertEquals(Distance.LDI, built.getDistance());
        assertEquals(0.5f, built.getMargin());
        assertEquals(1f, built.getPower());
        assertEquals(3, built.getTopK());
        assertTrue(built.isExcludeTrueClass());
        // The other values keep the defaults.
        assertEquals(1f, built.getAlpha());
        assertEquals(5f, built.getBeta());
        assertEquals(1f, built.getLambda());
    }

    @Test
    void ldiKeysDefaultToElodisHingeOverEveryClass() throws IOException {
        LossConfig loss = JobConfigLoader.load(write(JOB + "loss: {treatment: fd-ldi}\n"), List.of()).loss();
        assertEquals(0.0, loss.margin());
        assertEquals(2.0, loss.power());
        assertEquals(0, loss.topK());
        assertFalse(loss.excludeTrueClass());
        assertEquals(LossConfig.defaults().withTreatment(Treatment.FD_LDI), loss);
    }

    @Test
    void ldiKeysCanBeSetFromTheCommandLine() throws IOException {
        LossConfig loss = JobConfigLoader.load(write(JOB), List.of("loss.treatment=fd-ldi", "loss.top_k=2",
                "loss.exclude_true_class=true", "loss.margin=0.25")).loss();
        assertEquals(Treatment.FD_LDI, loss.treatment());
        assertEquals(2, loss.topK());
        assertTrue(loss.excludeTrueClass());
        assertEquals(0.25, loss.margin());
    }

    @Test
    void badValuesNameTheirKey() throws IOException {
        Path file = write(JOB + "loss: {treatment: fd-ldi, power: 0.5}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(file, List.of()));
        assertContains(e.getMessage(), "loss.power: got 0.5, expected a number >= 1");

        Path several = write(JOB + """
                loss:
                  treatment: fd-ldi
                  margin: -0.5
                  power: 0.99
                  top_k: -1
                """);
        String m = assertThrows(ConfigException.class, () -> JobConfigLoader.load(several, List.of())).getMessage();
        assertContains(m, several + ":14:3: loss.margin: got -0.5, expected a number >= 0",
                "loss.power: got 0.99, expected a number >= 1", "loss.top_k: got -1, expected an integer >= 0");

        Path notInteger = write(JOB + "loss: {treatment: fd-ldi, top_k: 2.5}\n");
        assertContains(assertThrows(ConfigException.class, () -> JobConfigLoader.load(notInteger, List.of()))
                .getMessage(), "loss.top_k", "an integer");
        Path notBoolean = write(JOB + "loss: {treatment: fd-ldi, exclude_true_class: 1}\n");
        assertContains(assertThrows(ConfigException.class, () -> JobConfigLoader.load(notBoolean, List.of()))
                .getMessage(), "loss.exclude_true_class", "true or false");
    }

    @Test
    void topKBeyondTheSyntheticClassesIsAnError() throws IOException {
        Path file = write(JOB + "loss: {treatment: fd-ldi, top_k: 11}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(file, List.of()));
        assertContains(e.getMessage(),
                "loss.top_k: got 11, expected an integer >= 0 and <= data.synthetic.classes (10)");
        // Every class is allowed.
        assertEquals(10, JobConfigLoader.load(write(JOB + "loss: {treatment: fd-ldi, top_k: 10}\n"), List.of())
                .loss().topK());
    }
}
