package dev.pct.train.io;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How an enumeration constant is written in job files, logs and reports: the one rule for every enumeration
 * pct reads or writes as text (the config's choices, the domain's, pc-core's).
 *
 * <p>A constant is spelled as its name in lower case ({@code old_correct}, {@code lowest_nfr}), unless it
 * carries Jackson's own {@link JsonProperty} with another spelling ({@code @JsonProperty("fd-kl") FD_KL}). The
 * config's YAML mapper applies this rule to every enumeration, so an enumeration declares no parsing code and a
 * renamed constant changes its spelling visibly in one place.
 */
public final class Spelling {

    private Spelling() {}

    /**
     * Returns how a constant is written.
     *
     * @param constant the constant
     * @return its {@link JsonProperty} value if it has one, else its name in lower case
     */
    public static String of(Enum<?> constant) {
        try {
            JsonProperty property = constant.getDeclaringClass().getField(constant.name())
                    .getAnnotation(JsonProperty.class);
            if (property != null && !property.value().isEmpty()) {
                return property.value();
            }
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("enum constant without its field: " + constant.name(), e);
        }
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the constant of {@code type} spelled {@code text}.
     *
     * @param type the enumeration
     * @param text the spelling
     * @param <E> the enumeration type
     * @return the constant
     * @throws IllegalArgumentException if no constant has that spelling; the message lists the valid ones
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String text) {
        for (E constant : type.getEnumConstants()) {
            if (of(constant).equals(text)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not a valid " + type.getSimpleName() + "; expected one of: " + all(type));
    }

    /**
     * Returns whether {@code text} spells a constant of an enumeration.
     *
     * @param type the enumeration
     * @param text the candidate spelling
     * @return true if some constant is spelled so
     */
    public static boolean isSpelling(Class<?> type, String text) {
        return Arrays.stream(type.getEnumConstants()).anyMatch(c -> of((Enum<?>) c).equals(text));
    }

    /**
     * Returns the valid spellings of an enumeration, comma separated, for error messages.
     *
     * @param type the enumeration
     * @return e.g. {@code "sgd, nesterov, adam"}
     */
    public static String all(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(c -> of((Enum<?>) c)).collect(Collectors.joining(", "));
    }
}
