package dev.pct.train.config;

/**
 * Where a node of the configuration tree came from: a line and column of the job file, or a {@code --set}
 * argument.
 */
record Origin(int line, int column, String override) {

    static Origin at(int line, int column) {
        return new Origin(line, column, null);
    }

    static Origin fromSet(String override) {
        return new Origin(0, 0, override);
    }

    boolean fromSet() {
        return override != null;
    }
}
