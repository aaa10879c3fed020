package dev.pct.train.config;

import java.nio.file.Path;

/**
 * One problem found in a job configuration, with where it came from.
 *
 * @param file the job file
 * @param line 1-based line of the offending node in the file, or 0 if the value did not come from a line
 *     (an override or a default)
 * @param column 1-based column, or 0 with {@code line}
 * @param override the {@code --set} argument the value came from, or null
 * @param keyPath dotted key path, e.g. {@code training.batch_size} or {@code seeds[1]}; empty for the document
 * @param detail what is wrong and what is expected
 */
public record ConfigProblem(Path file, int line, int column, String override, String keyPath, String detail) {

    /**
     * Returns where the problem is, e.g. {@code /jobs/a.yaml:12:5} or {@code /jobs/a.yaml (from --set
     * training.epochs=0)}.
     *
     * @return the location
     */
    public String location() {
        if (override != null) {
            return file + " (from --set " + override + ")";
        }
        if (line > 0) {
            return file + ":" + line + ":" + column;
        }
        return file.toString();
    }

    @Override
    public String toString() {
        return location() + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ") + detail;
    }
}
