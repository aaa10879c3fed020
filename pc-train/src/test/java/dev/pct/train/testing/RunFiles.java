package dev.pct.train.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The result files of a run directory, for tests that compare an interrupted run with an uninterrupted one. */
public final class RunFiles {

    private RunFiles() {}

    /**
     * The files whose bytes a resumed run must reproduce: parameters, logits, teacher caches and flip files,
     * by path relative to the run directory (logs, timings and charts are left out: they record wall times).
     *
     * @param run the run directory
     * @return relative path to file
     * @throws IOException if the directory cannot be walked
     */
    public static TreeMap<String, Path> results(Path run) throws IOException {
        TreeMap<String, Path> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(run)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String leaf = f.getFileName().toString();
                if (leaf.endsWith(".params") || leaf.endsWith(".bin") || leaf.endsWith(".logits")
                        || leaf.endsWith(".cache") || leaf.startsWith("negative_flips_")) {
                    out.put(run.relativize(f).toString(), f);
                }
            });
        }
        return out;
    }

    /**
     * Asserts that two runs have the same result files with the same bytes.
     *
     * @param want the uninterrupted run
     * @param got the interrupted and resumed run
     * @param context what happened to {@code got}, for the failure message
     * @throws IOException if a file cannot be read
     */
    public static void assertSameResults(Path want, Path got, String context) throws IOException {
        TreeMap<String, Path> expected = results(want);
        TreeMap<String, Path> actual = results(got);
        assertEquals(expected.keySet(), actual.keySet(), "result files (" + context + ")");
        for (String file : expected.keySet()) {
            assertArrayEquals(Files.readAllBytes(expected.get(file)), Files.readAllBytes(actual.get(file)),
                    file + " differs (" + context + ")");
        }
    }
}
