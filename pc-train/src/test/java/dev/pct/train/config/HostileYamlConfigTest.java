package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job files written to mislead or exhaust the loader: each fails with a message that says where and why. */
class HostileYamlConfigTest {
    /** Nine lines; a key appended to it is on line 10. */
    private static final String MINIMAL = JobConfigLoaderTest.MINIMAL;

    @TempDir
    Path dir;

    private ConfigException fails(String yaml, String... overrides) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, yaml);
        return assertThrows(ConfigException.class, () -> JobConfigLoader.load(file, List.of(overrides)));
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in:\n" + message);
        }
    }

    /** The 1-based line of {@code text} in {@code yaml}, counted from the text itself. */
    private static int lineOf(String yaml, String text) {
        int line = yaml.lines().toList().indexOf(text) + 1;
        assertTrue(line > 0, text);
        return line;
    }

    @Test
    void aDuplicateKeyInsideASectionNamesFileLineAndKey() throws IOException {
        String yaml = MINIMAL + "training:\n  epochs: 3\n  epochs: 4\n";
        ConfigException e = fails(yaml);
        assertEquals(1, e.problems().size());
        ConfigProblem p = e.problems().get(0);
        assertEquals(dir.resolve("job.yaml").toAbsolutePath(), p.file());
        assertEquals(12, p.line());
        assertEquals(12, lineOf(yaml, "  epochs: 4"));
        assertContains(e.getMessage(), "job.yaml:12:", "Duplicate field 'epochs'");
    }

    @Test
    void aDuplicateKeyInAFlowMappingIsCaughtToo() throws IOException {
        ConfigException e = fails(MINIMAL + "training: {epochs: 3, batch_size: 8, epochs: 4}\n");
        assertEquals(10, e.problems().get(0).line());
        assertContains(e.getMessage(), "Duplicate field 'epochs'");
    }

    @Test
    void billionLaughsFailsAtOnceAtItsFirstAlias() throws IOException {
        // Ten levels of nine aliases each would expand to 9^10 (about 3.5 billion) strings.
        StringBuilder laughs = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (char level = 'b'; level <= 'j'; level++) {
            String previous = "*" + (char) (level - 1);
            laughs.append(level).append(": &").append(level).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, previous))).append("]\n");
        }
        String yaml = MINIMAL + laughs;
        ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> fails(yaml));
        assertEquals(1, e.problems().size(), e.getMessage());
        ConfigProblem p = e.problems().get(0);
        assertEquals(lineOf(yaml, "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]"), p.line());
        assertEquals("b[0]", p.keyPath());
        assertContains(p.detail(), "alias *a is not supported");
    }

    @Test
    void anAliasIsRefusedRatherThanReadAsTheAnchorsName() throws IOException {
        // Jackson would bind "output: *results" as the folder "results", not as "/data/runs".
        String yaml = MINIMAL.replace("name: minimal", "name: minimal\nseeds: [1]") + "x_runs: &results /data/runs\n"
                + "output: *results\n";
        ConfigException e = fails(yaml);
        ConfigProblem p = e.problems().get(0);
        assertEquals("output", p.keyPath());
        assertEquals(lineOf(yaml, "output: *results"), p.line());
        assertContains(e.getMessage(), "alias *results is not supported", "read as the text 'results'");
    }

    @Test
    void anAliasInASetOverrideIsRefused() throws IOException {
        ConfigException e = fails(MINIMAL, "output=*somewhere");
        assertContains(e.getMessage(), "--set output=*somewhere", "output: the alias *somewhere is not supported");
    }

    @Test
    void aJavaClassTagInstantiatesNothingAndIsRefused() throws IOException {
        // The classic SnakeYAML gadget, and a class of our own whose loading the test would see.
        String gadget = "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL"
                + " [\"http://localhost:1/\"]]]]";
        ConfigException e = fails(MINIMAL.replace("name: minimal", "name: " + gadget));
        assertContains(e.getMessage(), "job.yaml:1:7: YAML tag 'tag:yaml.org,2002:javax.script.ScriptEngineManager'"
                + " is not accepted", "job.yaml:1:71: YAML tag 'tag:yaml.org,2002:java.net.URL' is not accepted");

        Path file = dir.resolve("tagged.yaml");
        Files.writeString(file, MINIMAL.replace("name: minimal", "name: !!dev.pct.train.config.TagTrap minimal")
                .replace("old_model:", "old_model: !!dev.pct.train.config.TagTrap"));
        ConfigException tagged = assertThrows(ConfigException.class, () -> JobConfigLoader.load(file));
        assertContains(tagged.getMessage(), "tagged.yaml:", "dev.pct.train.config.TagTrap' is not accepted");
        assertFalse(TagTrap.Touched.TOUCHED.get(), "a YAML tag loaded or made a class");
    }

    @Test
    void aFileFarLargerThanAnyJobFileIsRefusedBeforeItIsRead() throws IOException {
        int size = ConfigMappers.MAX_JOB_FILE_SIZE + 1;
        String yaml = MINIMAL + "#" + "x".repeat(size - MINIMAL.length() - 2) + "\n";
        assertEquals(size, yaml.length());
        ConfigException e = fails(yaml);
        assertContains(e.getMessage(), "job.yaml", "has 1048577 bytes", "at most 1048576");
    }
}
