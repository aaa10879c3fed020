package dev.pct.train.config;

import java.util.List;

/**
 * One axis of a trade-off sweep: a key of the {@code loss} section and the values it takes.
 *
 * @param key the key, as in {@code --set}: {@code loss.tau}, {@code loss.beta}, {@code loss.treatment}, ...
 * @param values the values, each written as in YAML (e.g. {@code [1, 10, 100]} or {@code [fd-kl, fd-lm]})
 */
public record SweepAxis(String key, List<String> values) {

    /** Makes the list immutable. */
    public SweepAxis {
        values = Lists.copy(values);
    }
}
