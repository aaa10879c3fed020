package dev.pct.train.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pct.train.io.Spelling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Collects configuration problems with their origins so the loader can report all of them at once. */
final class Problems {

    private final Path file;
    private final Map<String, Origin> origins;
    private final List<ConfigProblem> found = new ArrayList<>();

    Problems(Path file, Map<String, Origin> origins) {
        this.file = file;
        this.origins = origins;
    }

    Map<String, Origin> origins() {
        return origins;
    }

    /** The origin of {@code path}, or of its nearest ancestor that has one (e.g. for a missing key). */
    Origin originOf(String path) {
        String p = path;
        while (true) {
            Origin origin = origins.get(p);
            if (origin != null || p.isEmpty()) {
                return origin;
            }
            p = JobConfigSchema.parent(p);
        }
    }

    void add(String path, String detail) {
        add(path, originOf(path), detail);
    }

    void add(String path, Origin origin, String detail) {
        if (origin == null) {
            found.add(new ConfigProblem(file, 0, 0, null, path, detail));
        } else {
            found.add(new ConfigProblem(file, origin.line(), origin.column(), origin.override(), path, detail));
        }
    }

    /** A value present but wrong: names the value and what is expected. */
    void invalid(String path, Object value, String expected) {
        add(path, "got " + show(value) + ", expected " + expected);
    }

    void missing(String path, String expected) {
        add(path, "missing required value, expected " + expected);
    }

    void unknownKey(String path, Origin origin, Collection<String> valid) {
        String key = JobConfigSchema.lastKey(path);
        String parent = JobConfigSchema.parent(path);
        StringBuilder detail = new StringBuilder("unknown key '").append(key).append("', expected one of ");
        detail.append(parent.isEmpty() ? "the top-level keys: " : "the keys under " + parent + ": ");
        detail.append(String.join(", ", valid));
        String near = closest(key, valid);
        if (near != null) {
            detail.append(" (did you mean '").append(near).append("'?)");
        }
        add(path, origin, detail.toString());
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    void throwIfAny() {
        if (!found.isEmpty()) {
            throw exception(null);
        }
    }

    ConfigException exception(Throwable cause) {
        List<ConfigProblem> sorted = new ArrayList<>(found);
        // File order first, then --set problems, then those without a location.
        sorted.sort(Comparator.comparingInt((ConfigProblem p) -> p.line() > 0 ? 0 : p.override() != null ? 1 : 2)
                .thenComparingInt(ConfigProblem::line)
                .thenComparingInt(ConfigProblem::column));
        return new ConfigException(sorted, cause);
    }

    static String show(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof JsonNode node) {
            if (node.isMissingNode() || node.isNull()) {
                return "null";
            }
            if (node.isTextual()) {
                return '"' + node.textValue() + '"';
            }
            return node.toString();
        }
        if (value instanceof Enum<?> constant) {
            return "\"" + Spelling.of(constant) + '"';
        }
        if (value instanceof CharSequence || value instanceof Path) {
            return "\"" + value + '"';
        }
        return String.valueOf(value);
    }

    /** The valid key within edit distance 2 of a misspelled one, for a "did you mean" hint. */
    private static String closest(String key, Collection<String> valid) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : valid) {
            int d = editDistance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
