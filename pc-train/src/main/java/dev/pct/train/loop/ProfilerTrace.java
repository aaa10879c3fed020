package dev.pct.train.loop;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The top-level aten operators of a libtorch profiler trace: those no other aten operator on the same thread
 * encloses, i.e. one dispatch each that Java (through JNI) or autograd's backward asked for; the operators nested
 * in them are their implementation. Calls of a marker operator (one the profiled code issues to mark moments, see
 * {@link PhaseClock}) are kept apart, as the trace's own record of those moments.
 *
 * <p>DJL's {@code JniUtils.stopProfile} writes the legacy profiler's events as a Chrome trace: a JSON array of
 * complete events ({@code "ph": "X"}) with a name, a start {@code ts} and a duration {@code dur} in microseconds
 * from the start of profiling, and a thread id. There are no parent links, so nesting is read from time. The file
 * of a whole epoch holds hundreds of thousands of events; it is read as a stream, keeping four numbers per aten
 * event.
 */
final class ProfilerTrace {

    /**
     * The top-level aten operators of one thread.
     *
     * @param thread the thread id
     * @param names operator names, indexed by {@code nameIndex}
     * @param nameIndex each operator's name
     * @param startMicros each operator's start, ascending
     * @param durationMicros each operator's duration
     * @param markerMicros the starts of the marker operator's calls, ascending
     */
    record Ops(String thread, List<String> names, int[] nameIndex, double[] startMicros, double[] durationMicros,
            double[] markerMicros) {

        /** The number of operators. */
        int size() {
            return nameIndex.length;
        }

        /** The time inside the operators, in seconds. */
        double seconds() {
            return Arrays.stream(durationMicros).sum() / 1e6;
        }
    }

    private ProfilerTrace() {}

    /**
     * Reads the top-level aten operators of every thread of a trace.
     *
     * @param file the trace
     * @param marker the marker operator's name, e.g. {@code aten::erfinv}
     * @return per thread: the one with the most marker calls first, then by operator time
     * @throws IOException if the file cannot be read or is not such a trace (the message names it)
     */
    static List<Ops> topLevelAtenOps(Path file, String marker) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return topLevelAtenOps(in, marker);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(file + ": not a libtorch profiler trace (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads the top-level aten operators of every thread of a trace.
     *
     * @param in the trace's JSON: an array of events, or an object with a {@code traceEvents} array
     * @param marker the marker operator's name
     * @return per thread: the one with the most marker calls first, then by operator time
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not a Chrome trace
     */
    static List<Ops> topLevelAtenOps(InputStream in, String marker) throws IOException {
        Map<String, Integer> nameIds = new HashMap<>();
        List<String> names = new ArrayList<>();
        Map<String, Events> byThread = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(in)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                // {"traceEvents": [...], ...}
                while (p.nextToken() == JsonToken.FIELD_NAME && !"traceEvents".equals(p.currentName())) {
                    p.nextToken();
                    p.skipChildren();
                }
                first = p.nextToken();
            }
            if (first != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("expected a JSON array of trace events");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String name = null;
                String phase = null;
                String thread = "";
                double ts = Double.NaN;
                double dur = Double.NaN;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "name" -> name = p.getValueAsString();
                        case "ph" -> phase = p.getValueAsString();
                        case "tid" -> thread = p.getValueAsString();
                        case "ts" -> ts = value.isNumeric() ? p.getDoubleValue() : Double.NaN;
                        case "dur" -> dur = value.isNumeric() ? p.getDoubleValue() : Double.NaN;
                        default -> p.skipChildren();
                    }
                }
                if (!"X".equals(phase) || name == null || !name.startsWith("aten::")) {
                    continue;
                }
                if (Double.isNaN(ts) || Double.isNaN(dur)) {
                    throw new IllegalArgumentException("expected numeric 'ts' and 'dur' in event " + name);
                }
                int id = nameIds.computeIfAbsent(name, n -> {
                    names.add(n);
                    return names.size() - 1;
                });
                byThread.computeIfAbsent(thread, t -> new Events()).add(id, ts, dur);
            }
        }
        List<Ops> out = new ArrayList<>();
        Integer markerId = nameIds.get(marker);
        byThread.forEach((thread, events) -> out.add(events.topLevel(thread, names, markerId == null ? -1 : markerId)));
        out.sort(Comparator.<Ops>comparingInt(o -> o.markerMicros().length).reversed()
                .thenComparing(Comparator.comparingDouble(Ops::seconds).reversed()));
        return out;
    }

    /** One thread's aten events as they come. */
    private static final class Events {
        private int[] name = new int[4096];
        private double[] start = new double[4096];
        private double[] duration = new double[4096];
        private int count;

        void add(int id, double ts, double dur) {
            if (count == name.length) {
                name = Arrays.copyOf(name, 2 * count);
                start = Arrays.copyOf(start, 2 * count);
                duration = Arrays.copyOf(duration, 2 * count);
            }
            name[count] = id;
            start[count] = ts;
            duration[count] = dur;
            count++;
        }

        Ops topLevel(String thread, List<String> names, int marker) {
            // Outer before inner: by start, and at equal starts the longer first.
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> start[i])
                    .thenComparing(Comparator.<Integer>comparingDouble(i -> duration[i]).reversed()));
            int[] topName = new int[count];
            double[] topStart = new double[count];
            double[] topDuration = new double[count];
            int top = 0;
            double[] markers = new double[count];
            int markerCount = 0;
            double openEnd = Double.NEGATIVE_INFINITY;
            for (int i : order) {
                // Inside the last top-level operator when it starts before that one ends.
                if (start[i] < openEnd) {
                    continue;
                }
                if (name[i] == marker) {
                    markers[markerCount++] = start[i];
                    continue;
                }
                topName[top] = name[i];
                topStart[top] = start[i];
                topDuration[top] = duration[i];
                top++;
                openEnd = start[i] + duration[i];
            }
            return new Ops(thread, List.copyOf(names), Arrays.copyOf(topName, top), Arrays.copyOf(topStart, top),
                    Arrays.copyOf(topDuration, top), Arrays.copyOf(markers, markerCount));
        }
    }
}
