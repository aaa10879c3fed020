package dev.pct.train.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A configuration enumeration whose constants are written in YAML with a fixed spelling (e.g. {@code fd-kl}).
 *
 * <p>Enumerations of the domain used in job files directly (pc-core's {@code SampleFilter} and {@code
 * ClassReduction}, the optimizer's kind, the schedule's type, the model architecture) do not implement this
 * interface: they are spelled as their name in lower case ({@code old_correct}, {@code nesterov}), see {@link
 * #spelling(Enum)}, so a renamed constant breaks the build rather than a job file silently.
 */
public interface ConfigEnum {

    /**
     * Returns how this constant is written in a job file.
     *
     * @return the YAML spelling
     */
    String spelling();

    /**
     * Returns how any enumeration constant is written in a job file: its {@link #spelling()} if it is a
     * {@code ConfigEnum}, otherwise its name in lower case.
     *
     * @param constant the constant
     * @return the YAML spelling
     */
    static String spelling(Enum<?> constant) {
        return constant instanceof ConfigEnum c ? c.spelling() : constant.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the constant of {@code type} spelled {@code text}.
     *
     * @param type the enumeration
     * @param text the YAML spelling
     * @param <E> the enumeration type
     * @return the constant
     * @throws IllegalArgumentException if no constant has that spelling; the message lists the valid ones
     */
    static <E extends Enum<E>> E fromSpelling(Class<E> type, String text) {
        for (E constant : type.getEnumConstants()) {
            if (spelling(constant).equals(text)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not a valid " + type.getSimpleName() + "; expected one of: " + spellings(type));
    }

    /**
     * Returns whether {@code text} spells a constant of an enumeration.
     *
     * @param type the enumeration
     * @param text the candidate spelling
     * @return true if some constant is spelled so
     */
    static boolean isSpelling(Class<?> type, String text) {
        return Arrays.stream(type.getEnumConstants()).anyMatch(c -> spelling((Enum<?>) c).equals(text));
    }

    /**
     * Returns the valid spellings of an enumeration, comma separated, for error messages.
     *
     * @param type the enumeration
     * @return e.g. {@code "sgd, nesterov, adam"}
     */
    static String spellings(Class<?> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(c -> spelling((Enum<?>) c))
                .collect(Collectors.joining(", "));
    }
}
