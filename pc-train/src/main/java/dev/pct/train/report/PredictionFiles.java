package dev.pct.train.report;

import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.core.metrics.FlipReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads test labels and model predictions from text files, for comparing two models offline.
 *
 * <p>Formats, one sample per line, in sample order:
 *
 * <ul>
 *   <li>class file: one class index (a non-negative integer) per line;
 *   <li>logits file: one row of scores per line, separated by commas, semicolons or whitespace, the
 *       same number on every line; the predicted class is the first maximum of each row.
 * </ul>
 *
 * <p>An optional header is recognised as a first line whose first field is not a number. Trailing
 * blank lines are ignored; a blank line between data lines is an error, since skipping it would
 * shift every later sample. Errors name the file and the 1-based line.
 */
public final class PredictionFiles {

    private static final Pattern SEPARATOR = Pattern.compile("[,;\\s]+");

    private PredictionFiles() {}

    /**
     * Reads a class file of labels.
     *
     * @param file the file, one class index per line
     * @return the classes
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming file and line if a line is not a single class index
     */
    public static int[] readLabels(Path file) throws IOException {
        Table table = readTable(file);
        if (table.width > 1) {
            throw new IllegalArgumentException(
                    file + ":" + table.firstDataLine + ": expected one class index per line, got "
                            + table.width + " fields");
        }
        return classes(file, table);
    }

    /**
     * Reads predictions from a class file or a logits file (detected from the first data line).
     *
     * @param file the file
     * @return the predicted class per sample
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming file and line on a malformed line
     */
    public static int[] readPredictions(Path file) throws IOException {
        Table table = readTable(file);
        if (table.width <= 1) {
            return classes(file, table);
        }
        return FlipAccumulator.argmax(logits(file, table), table.width);
    }

    /**
     * Reads a logits file: one row of {@code numClasses} scores per sample (an optional header line first).
     *
     * @param file the file
     * @param numClasses the number of scores every row must have
     * @return the scores, row-major N×C
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming file and line on a malformed line or a row of another width
     */
    public static float[] readLogits(Path file, int numClasses) throws IOException {
        Table table = readTable(file);
        if (table.rows.length > 0 && table.width != numClasses) {
            throw new IllegalArgumentException(file + ":" + table.firstDataLine + ": " + table.width
                    + " values, expected one logit per class (" + numClasses + ")");
        }
        return logits(file, table);
    }

    private static float[] logits(Path file, Table table) {
        float[] logits = new float[table.rows.length * table.width];
        for (int r = 0; r < table.rows.length; r++) {
            String[] fields = table.rows[r];
            int line = table.lineNumbers[r];
            for (int c = 0; c < fields.length; c++) {
                float value;
                try {
                    value = Float.parseFloat(fields[c]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            file + ":" + line + ": '" + fields[c] + "' in column " + (c + 1) + " is not a number", e);
                }
                if (!Float.isFinite(value)) {
                    throw new IllegalArgumentException(
                            file + ":" + line + ": score in column " + (c + 1) + " is " + fields[c]
                                    + "; expected a finite number");
                }
                logits[r * table.width + c] = value;
            }
        }
        return logits;
    }

    /**
     * Compares two models' predictions on labelled samples; the number of classes is the largest
     * class seen plus one.
     *
     * @param labels the label file
     * @param oldPredictions the old model's class or logits file
     * @param newPredictions the new model's class or logits file
     * @return the flip report of new against old
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException on a malformed line or if the files differ in length
     */
    public static FlipReport compare(Path labels, Path oldPredictions, Path newPredictions) throws IOException {
        return compare(labels, oldPredictions, newPredictions, 0);
    }

    /**
     * Compares two models' predictions on labelled samples.
     *
     * @param labels the label file
     * @param oldPredictions the old model's class or logits file
     * @param newPredictions the new model's class or logits file
     * @param numClasses the number of classes, or 0 to take the largest class seen plus one
     * @return the flip report of new against old
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException on a malformed line, if the files differ in length, or if a
     *     class is not below {@code numClasses}
     */
    public static FlipReport compare(Path labels, Path oldPredictions, Path newPredictions, int numClasses)
            throws IOException {
        int[] y = readLabels(labels);
        int[] old = readPredictions(oldPredictions);
        int[] neu = readPredictions(newPredictions);
        checkLength(labels, y, oldPredictions, old);
        checkLength(labels, y, newPredictions, neu);
        int classes = numClasses;
        if (classes <= 0) {
            classes = 1;
            for (int[] a : List.of(y, old, neu)) {
                for (int v : a) {
                    classes = Math.max(classes, v + 1);
                }
            }
        }
        FlipAccumulator accumulator = new FlipAccumulator(classes);
        accumulator.add(y, old, neu);
        return accumulator.report();
    }

    private static void checkLength(Path labelFile, int[] labels, Path file, int[] predictions) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException(
                    file + " has " + predictions.length + " samples but " + labelFile + " has " + labels.length);
        }
    }

    private static int[] classes(Path file, Table table) {
        int[] classes = new int[table.rows.length];
        for (int r = 0; r < classes.length; r++) {
            String field = table.rows[r][0];
            int value;
            try {
                value = Integer.parseInt(field);
            } catch (NumberFormatException e) {
                value = -1;
            }
            if (value < 0) {
                throw new IllegalArgumentException(
                        file + ":" + table.lineNumbers[r] + ": '" + field
                                + "' is not a class index (a non-negative integer)");
            }
            classes[r] = value;
        }
        return classes;
    }

    /** Data lines split into fields, with their 1-based line numbers in the file. */
    private record Table(String[][] rows, int[] lineNumbers, int width, int firstDataLine) {}

    private static Table readTable(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isBlank()) {
            end--;
        }
        int start = 0;
        if (end > 0 && !isNumber(SEPARATOR.split(lines.get(0).strip())[0])) {
            start = 1; // header
        }
        String[][] rows = new String[end - start][];
        int[] lineNumbers = new int[end - start];
        int width = -1;
        for (int i = start; i < end; i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": blank line between data lines");
            }
            String[] fields = SEPARATOR.split(line);
            if (width < 0) {
                width = fields.length;
            } else if (fields.length != width) {
                throw new IllegalArgumentException(
                        file + ":" + (i + 1) + ": expected " + width + " fields like line " + (start + 1)
                                + ", got " + fields.length);
            }
            rows[i - start] = fields;
            lineNumbers[i - start] = i + 1;
        }
        return new Table(rows, lineNumbers, Math.max(width, 0), start + 1);
    }

    private static boolean isNumber(String field) {
        try {
            Double.parseDouble(field);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
