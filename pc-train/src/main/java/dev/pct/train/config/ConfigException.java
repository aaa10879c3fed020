package dev.pct.train.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An invalid job configuration: unreadable file, bad YAML, unknown key, wrong type, missing or out-of-range
 * value. The message lists every problem found, each with file, line and column (or the {@code --set}
 * argument), key path, the bad value and what was expected.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    /**
     * Creates an exception for the given problems.
     *
     * @param problems what is wrong; at least one
     */
    public ConfigException(List<ConfigProblem> problems) {
        this(problems, null);
    }

    /**
     * Creates an exception for the given problems with an underlying cause.
     *
     * @param problems what is wrong; at least one
     * @param cause the parser or I/O exception behind it, or null
     */
    public ConfigException(List<ConfigProblem> problems, Throwable cause) {
        super(format(problems), cause);
        this.problems = List.copyOf(problems);
    }

    /**
     * Returns the problems found.
     *
     * @return the problems, in file order where known
     */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(List<ConfigProblem> problems) {
        if (problems.size() == 1) {
            return "Invalid job config: " + problems.get(0);
        }
        return "Invalid job config (" + problems.size() + " problems):"
                + problems.stream().map(p -> "\n  " + p).collect(Collectors.joining());
    }
}
