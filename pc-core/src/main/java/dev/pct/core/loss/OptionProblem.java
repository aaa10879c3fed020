package dev.pct.core.loss;

import java.util.Objects;

/**
 * An option of a loss builder whose value fails its check, as {@link FocalDistillationLoss.Builder#problems()}
 * reports it: the check is written once, in the builder, and a job file's validator names the key that set it.
 *
 * @param option the option's name as the builder's {@code opt} method spells it (e.g. {@code tau}, {@code topK})
 * @param value the value that was set (a {@link Float} or an {@link Integer})
 * @param expected what a valid value is, e.g. "a number &gt; 0"
 */
public record OptionProblem(String option, Number value, String expected) {

    /**
     * Checks the fields.
     *
     * @param option the option's name
     * @param value the value
     * @param expected the expectation
     */
    public OptionProblem {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expected, "expected");
    }

    /**
     * Returns the message a builder throws: the option, what is expected, and the value.
     *
     * @return e.g. "tau: expected a number &gt; 0, got 0.0"
     */
    public String message() {
        return option + ": expected " + expected + ", got " + value;
    }
}
