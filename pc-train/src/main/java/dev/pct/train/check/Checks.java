package dev.pct.train.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the {@link SettingProblem}s of one settings record, each value checked against a range written once
 * here: {@code atLeast}, {@code positive}, {@code unitInterval}; anything else through {@link #fail}.
 */
public final class Checks {
    private final String path;
    private final List<SettingProblem> found = new ArrayList<>();

    /**
     * Starts the checks of a section.
     *
     * @param path the section's path for the keys (e.g. {@code training}), or empty for bare keys
     */
    public Checks(String path) {
        this.path = path;
    }

    /**
     * Returns a key under this section's path.
     *
     * @param key the key in the section
     * @return {@code path.key}, or {@code key} without a path
     */
    public String key(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /**
     * Checks an integer's lower bound.
     *
     * @param key the key in the section
     * @param value the value
     * @param minimum the least valid value
     * @return these checks
     */
    public Checks atLeast(String key, int value, int minimum) {
        return when(value < minimum, key, value, "an integer >= " + minimum);
    }

    /**
     * Checks a finite number's lower bound.
     *
     * @param key the key in the section
     * @param value the value
     * @param minimum the least valid value
     * @return these checks
     */
    public Checks atLeast(String key, double value, double minimum) {
        return when(!(value >= minimum) || Double.isInfinite(value), key, value,
                "a number >= " + (minimum == 0 ? "0" : minimum));
    }

    /**
     * Checks that a number is finite and above 0.
     *
     * @param key the key in the section
     * @param value the value
     * @return these checks
     */
    public Checks positive(String key, double value) {
        return when(!(value > 0) || Double.isInfinite(value), key, value, "a number > 0");
    }

    /**
     * Checks that a number is in [0, 1).
     *
     * @param key the key in the section
     * @param value the value
     * @return these checks
     */
    public Checks unitInterval(String key, double value) {
        return when(!(value >= 0 && value < 1), key, value, "a number >= 0 and < 1");
    }

    /**
     * Adds a problem when a condition holds.
     *
     * @param failed whether the value fails
     * @param key the key in the section
     * @param value the value
     * @param expected what a valid value is
     * @return these checks
     */
    public Checks when(boolean failed, String key, Object value, String expected) {
        if (failed) {
            fail(key, value, expected);
        }
        return this;
    }

    /**
     * Adds a problem.
     *
     * @param key the key in the section
     * @param value the value
     * @param expected what a valid value is
     * @return these checks
     */
    public Checks fail(String key, Object value, String expected) {
        found.add(new SettingProblem(key(key), value, expected));
        return this;
    }

    /**
     * Adds the problems of a nested section, whose keys already carry their path.
     *
     * @param nested the problems
     * @return these checks
     */
    public Checks addAll(List<SettingProblem> nested) {
        found.addAll(nested);
        return this;
    }

    /**
     * Returns what was found.
     *
     * @return the problems in the order checked, empty when every value passed
     */
    public List<SettingProblem> problems() {
        return List.copyOf(found);
    }
}
