package dev.pct.train.config;

import java.util.List;

/** Null-tolerant immutable copies for record components (templates carry nulls for required values). */
final class Lists {
    private Lists() {}

    static <T> List<T> copy(List<T> list) {
        return list == null ? null : List.copyOf(list);
    }
}
