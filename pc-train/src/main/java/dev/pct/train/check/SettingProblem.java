package dev.pct.train.check;

import java.util.List;
import java.util.Objects;

/**
 * One value of a setting that fails its check.
 *
 * @param key the value's key as a job file spells it, with the path of its section when the check was given one:
 *     {@code training.batch_size}, {@code hidden[0]}, {@code interpolation.alphas[2]}
 * @param value the value as set (may be null, for a missing one)
 * @param expected what a valid value is, e.g. "an integer &gt;= 1"
 */
public record SettingProblem(String key, Object value, String expected) {

    /**
     * Checks the fields.
     *
     * @param key the key
     * @param value the value
     * @param expected the expectation
     */
    public SettingProblem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(expected, "expected");
    }

    /**
     * Throws for the first of some problems, as a builder refuses its settings.
     *
     * @param what the settings, for the message (e.g. the record's text)
     * @param problems the problems, maybe empty
     * @throws IllegalArgumentException naming {@code what} and the first problem, when there is one
     */
    public static void refuse(Object what, List<SettingProblem> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(what + ": " + problems.get(0));
        }
    }

    /** The problem as one line: {@code key: got value, expected ...}. */
    @Override
    public String toString() {
        return key + ": got " + value + ", expected " + expected;
    }
}
