package dev.pct.train.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A configuration enumeration whose constants are written in YAML with a fixed spelling (e.g. {@code fd-kl}).
 */
public interface ConfigEnum {

    /**
     * Returns how this constant is written in a job file.
     *
     * @return the YAML spelling
     */
    String spelling();

    /**
     * Returns the constant of {@code type} spelled {@code text}.
     *
     * @param type the enumeration
     * @param text the YAML spelling
     * @param <E> the enumeration type
     * @return the constant
     * @throws IllegalArgumentException if no constant has that spelling; the message lists the valid ones
     */
    static <E extends Enum<E> & ConfigEnum> E fromSpelling(Class<E> type, String text) {
        for (E constant : type.getEnumConstants()) {
            if (constant.spelling().equals(text)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not a valid " + type.getSimpleName() + "; expected one of: " + spellings(type));
    }

    /**
     * Returns the valid spellings of an enumeration, comma separated, for error messages.
     *
     * @param type the enumeration
     * @return e.g. {@code "sgd, nesterov, adam"}
     */
    static String spellings(Class<?> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(c -> ((ConfigEnum) c).spelling())
                .collect(Collectors.joining(", "));
    }
}
