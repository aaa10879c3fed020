package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job file as an input from elsewhere: trusting a model's code is off unless asked, the export holds no code
 * unless asked, YAML tags cannot name classes, and model paths resolve against the job file's folder.
 */
class ModelInputsConfigTest {

    static final String JOB = """
            name: inputs
            data: {source: synthetic}
            old_model: {source: djl, file: ../models/old}
            new_model: {architecture: {type: mlp}}
            """;

    @TempDir
    Path dir;

    /** Counts its instances: a YAML loader that builds objects from tags would make one. */
    public static final class Probe {
        static int made;

        public Probe() {
            made++;
        }
    }

    @Test
    void trustingModelCodeAndShippingTheArchitectureJarAreOffUnlessAsked() throws IOException {
        JobConfig config = JobFiles.load(dir, JOB);
        assertFalse(config.oldModel().trustCode());
        assertFalse(config.newModel().exportArchitectureJar());
        JobConfig asked = JobFiles.load(dir, JOB, "old_model.trust_code=true", "new_model.export_architecture_jar=true");
        assertTrue(asked.oldModel().trustCode());
        assertTrue(asked.newModel().exportArchitectureJar());
        String message = JobFiles.failure(dir, JOB.replace("file: ../models/old}", "file: ../models/old, trust_code: "
                + "maybe}"));
        assertTrue(message.contains("old_model.trust_code") && message.contains("maybe"), message);
    }

    @Test
    void modelPathsResolveAgainstTheJobFilesFolder() throws IOException {
        JobConfig config = JobFiles.load(dir, JOB);
        assertEquals(dir.toAbsolutePath().getParent().resolve("models/old").normalize(), config.oldModel().file());
    }

    @Test
    void yamlTagsThatNameClassesAreRefusedAndBuildNothing() throws IOException {
        String tagged = JOB.replace("name: inputs", "name: !!" + Probe.class.getName() + " {}");
        String message = JobFiles.failure(dir, tagged);
        assertTrue(message.contains(":1:") && message.contains("YAML tag")
                && message.contains(Probe.class.getName()), message);
        String gadget = JOB.replace("name: inputs",
                "name: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"file:/x\"]]]]");
        assertTrue(JobFiles.failure(dir, gadget).contains("javax.script.ScriptEngineManager"));
        assertEquals(0, Probe.made, "a tag built an object");
        // The core schema's tags are plain value types.
        assertEquals("5", JobFiles.load(dir, JOB.replace("name: inputs", "name: !!str 5")).name());
    }
}
