package dev.pct.train.io;

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
 * <p>An optional header is recognised as a first line whose first field is not a number. A header
 * that names columns {@code label}, {@code prediction} or {@code logit_0 ... logit_<C-1>} (what {@code
 * pc-train predict} writes, see {@link #writePredictions}) selects those columns: labels are read from
 * {@code label}, predictions from {@code prediction}, logits from the {@code logit_} columns. Trailing
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
        Table table = readTable(file).select(file, "label", false);
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
        if (table.column("prediction") >= 0) {
            return classes(file, table.select(file, "prediction", false));
        }
        table = table.select(file, LOGIT, true);
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
        Table table = readTable(file).select(file, LOGIT, true);
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
                String column = table.names == null ? "column " + (c + 1) : "column " + table.names[c];
                float value;
                try {
                    value = Float.parseFloat(fields[c]);
                } catch (NumberFormatException e) {
                    if (NON_FINITE.matcher(fields[c]).matches()) {
                        value = Float.NaN; // NumPy's and R's spellings (nan, inf, -Inf): reported below
                    } else {
                        throw new IllegalArgumentException(file + ":" + line + ": '" + fields[c] + "' in " + column
                                + " is not a number; expected a finite number", e);
                    }
                }
                if (!Float.isFinite(value)) {
                    throw new IllegalArgumentException(
                            file + ":" + line + ": score in " + column + " is " + fields[c]
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

    /**
     * Writes predictions as CSV with a header naming the columns: {@code index,label,prediction,logit_0,...}
     * ({@code label} only when labels are given), which {@link #readLabels}, {@link #readPredictions} and
     * {@link #readLogits} read back.
     *
     * @param file the file, written atomically
     * @param indices each sample's index in its data set
     * @param labels each sample's true class, or null when unknown
     * @param logits the logits, row-major N×C
     * @param classes C
     * @throws IOException if writing fails
     */
    public static void writePredictions(Path file, int[] indices, int[] labels, float[] logits, int classes)
            throws IOException {
        int[] predicted = FlipAccumulator.argmax(logits, classes);
        StringBuilder sb = new StringBuilder("index").append(labels == null ? "" : ",label").append(",prediction");
        for (int c = 0; c < classes; c++) {
            sb.append(",").append(LOGIT).append(c);
        }
        sb.append('\n');
        for (int i = 0; i < indices.length; i++) {
            sb.append(indices[i]);
            if (labels != null) {
                sb.append(',').append(labels[i]);
            }
            sb.append(',').append(predicted[i]);
            for (int c = 0; c < classes; c++) {
                sb.append(',').append(logits[i * classes + c]);
            }
            sb.append('\n');
        }
        dev.pct.train.io.AtomicFiles.writeString(file, sb.toString());
    }

    private static final String LOGIT = "logit_";
    /** Not-a-number and infinity as other tools write them, which {@link Float#parseFloat} does not read. */
    private static final Pattern NON_FINITE = Pattern.compile("(?i)[+-]?(nan|inf|infinity)");

    /**
     * Data lines split into fields, with their 1-based line numbers in the file, the header if there is one, and
     * the names of the fields of {@code rows} (the header's, or those selected from it; null when unnamed).
     */
    private record Table(String[][] rows, int[] lineNumbers, int width, int firstDataLine, String[] header,
            String[] names) {

        int column(String name) {
            if (header != null) {
                for (int i = 0; i < header.length; i++) {
                    if (header[i].equals(name)) {
                        return i;
                    }
                }
            }
            return -1;
        }

        /** The named column, or with {@code prefix} every column named so; the table itself when unnamed. */
        Table select(Path file, String name, boolean prefix) {
            if (header == null) {
                return this;
            }
            List<Integer> picked = new java.util.ArrayList<>();
            for (int i = 0; i < header.length; i++) {
                if (prefix ? header[i].startsWith(name) : header[i].equals(name)) {
                    picked.add(i);
                }
            }
            if (picked.isEmpty()) {
                boolean named = column("index") >= 0 || column("prediction") >= 0 || column("label") >= 0;
                if (named) {
                    throw new IllegalArgumentException(file + ":" + (firstDataLine - 1) + ": the header names no "
                            + (prefix ? name + "* columns" : "'" + name + "' column") + ": " + String.join(",", header));
                }
                return this;
            }
            String[][] projected = new String[rows.length][];
            for (int r = 0; r < rows.length; r++) {
                projected[r] = new String[picked.size()];
                for (int k = 0; k < picked.size(); k++) {
                    projected[r][k] = rows[r][picked.get(k)];
                }
            }
            String[] names = picked.stream().map(i -> header[i]).toArray(String[]::new);
            return new Table(projected, lineNumbers, picked.size(), firstDataLine, null, names);
        }
    }

    private static Table readTable(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isBlank()) {
            end--;
        }
        int start = 0;
        String[] header = null;
        if (end > 0 && !isNumber(SEPARATOR.split(lines.get(0).strip())[0])) {
            start = 1; // header
            header = SEPARATOR.split(lines.get(0).strip());
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
            if (header != null && fields.length != header.length) {
                // Columns are picked by the header's names, so a short row would shift or lose a score.
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected " + header.length
                        + " fields like the header (line 1), got " + fields.length);
            }
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
        return new Table(rows, lineNumbers, Math.max(width, 0), start + 1, header, header);
    }

    private static boolean isNumber(String field) {
        if (NON_FINITE.matcher(field).matches()) {
            return true; // a data line that starts with nan or inf is not a header: it is refused as data
        }
        try {
            Double.parseDouble(field);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
