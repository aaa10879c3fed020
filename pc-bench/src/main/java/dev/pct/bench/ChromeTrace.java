package dev.pct.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Chrome trace of PyTorch's profiler reduced to what the op census needs: the top-level aten
 * operators, those not nested inside another aten operator on the same thread.
 *
 * <p>DJL's {@code JniUtils.stopProfile} writes libtorch's legacy profiler events as a JSON array of
 * complete events ({@code "ph": "X"}) with a name, a start {@code ts} and a duration {@code dur} in
 * microseconds and a thread id; Kineto's traces wrap the same kind of events in {@code
 * traceEvents}. Both carry no parent links, so nesting is read from time: an event lies inside
 * another on its thread when it starts within that event's interval.
 *
 * <p>Why top-level aten operators: each is one dispatch through libtorch's operator machinery that
 * the caller asked for (from Java through JNI, or from autograd's backward nodes); the aten
 * operators nested below them (for example {@code aten::_log_softmax} inside {@code
 * aten::log_softmax}) are the implementation of that one call. Non-aten events (autograd's {@code
 * autograd::engine::evaluate_function: ...} and node scopes) neither count nor hide what runs
 * inside them, so backward's operators count as top-level.
 */
public final class ChromeTrace {

    private ChromeTrace() {}

    /**
     * One complete event of a trace.
     *
     * @param name the operator or scope name, e.g. {@code aten::mul}
     * @param start the start in microseconds from the trace's origin
     * @param duration the duration in microseconds
     * @param thread the thread id, as text
     */
    public record Event(String name, double start, double duration, String thread) {

        double end() {
            return start + duration;
        }

        boolean isAten() {
            return name.startsWith("aten::");
        }
    }

    /**
     * Reads the complete events of a trace file.
     *
     * @param file a trace written by PyTorch's profiler
     * @return the events in file order
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a Chrome trace
     */
    public static List<Event> read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the complete events of a trace.
     *
     * @param json a JSON array of events, or an object with a {@code traceEvents} array
     * @return the events in file order
     * @throws IllegalArgumentException if it is neither
     */
    public static List<Event> parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("expected a Chrome trace, got unparsable text", e);
        }
        JsonNode events = root != null && root.isObject() ? root.path("traceEvents") : root;
        if (events == null || !events.isArray()) {
            throw new IllegalArgumentException(
                    "expected a JSON array of trace events or an object with 'traceEvents'");
        }
        List<Event> out = new ArrayList<>();
        for (JsonNode e : events) {
            if (!"X".equals(e.path("ph").asText())) {
                continue;
            }
            if (!e.has("name") || !e.path("ts").isNumber() || !e.path("dur").isNumber()) {
                throw new IllegalArgumentException(
                        "expected 'name', numeric 'ts' and 'dur' in every complete event, got " + e);
            }
            out.add(new Event(e.get("name").asText(), e.get("ts").asDouble(),
                    e.get("dur").asDouble(), e.path("tid").asText("")));
        }
        return out;
    }

    /**
     * Selects the aten operators that no other aten operator on the same thread encloses.
     *
     * @param events the events of a trace
     * @return the top-level aten operators, ordered by thread and start
     */
    public static List<Event> topLevelAtenOps(List<Event> events) {
        List<Event> aten = new ArrayList<>();
        for (Event e : events) {
            if (e.isAten()) {
                aten.add(e);
            }
        }
        // Outer before inner: by start, and at equal starts the longer first.
        aten.sort(Comparator.comparing(Event::thread)
                .thenComparingDouble(Event::start)
                .thenComparing(Comparator.comparingDouble(Event::duration).reversed()));
        List<Event> top = new ArrayList<>();
        Deque<Event> open = new ArrayDeque<>();
        String thread = null;
        for (Event e : aten) {
            if (!e.thread().equals(thread)) {
                open.clear();
                thread = e.thread();
            }
            while (!open.isEmpty() && e.start() >= open.peek().end()) {
                open.pop();
            }
            if (open.isEmpty()) {
                top.add(e);
            }
            open.push(e);
        }
        return top;
    }

    /**
     * Counts operators by name.
     *
     * @param ops the operators
     * @return name to count, sorted by name
     */
    public static Map<String, Integer> histogram(List<Event> ops) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Event e : ops) {
            counts.merge(e.name(), 1, Integer::sum);
        }
        return counts;
    }
}
