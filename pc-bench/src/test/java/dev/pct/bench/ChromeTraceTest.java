package dev.pct.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Top-level aten operators of a trace excerpt shaped like DJL's (legacy profiler, events in pop
 * order, times in µs with ns digits).
 */
class ChromeTraceTest {

    @Test
    void countsAtenOperatorsNotNestedInAnotherOnTheSameThread() throws URISyntaxException {
        List<ChromeTrace.Event> events = ChromeTrace.read(ResultTableTest.fixture("trace-legacy.json"));
        assertEquals(15, events.size(), "the instant event is not a complete event");
        List<ChromeTrace.Event> top = ChromeTrace.topLevelAtenOps(events);
        // Thread 1: detach (its 'detach' child is no aten op), log_softmax (hides aten::to,
        // _log_softmax and a zero-length as_strided inside it), mul, ones (hides empty), the
        // backward mul (inside autograd scopes, which do not hide it), clone (hides copy_).
        // Thread 2: one mul, top-level although thread 1 runs an operator at that time.
        assertEquals(List.of("1 aten::detach", "1 aten::log_softmax", "1 aten::mul", "1 aten::ones",
                "1 aten::mul", "1 aten::clone", "2 aten::mul"),
                top.stream().map(e -> e.thread() + " " + e.name()).toList());
        assertEquals(Map.of("aten::clone", 1, "aten::detach", 1, "aten::log_softmax", 1,
                "aten::mul", 3, "aten::ones", 1), ChromeTrace.histogram(top));
    }

    @Test
    void kinetoTraceObjectIsReadToo() {
        String kineto = "{\"traceEvents\":[{\"ph\":\"X\",\"cat\":\"cpu_op\",\"name\":\"aten::add\","
                + "\"ts\":10,\"dur\":5,\"tid\":7},{\"ph\":\"X\",\"cat\":\"cpu_op\",\"name\":"
                + "\"aten::empty\",\"ts\":11,\"dur\":1,\"tid\":7},{\"ph\":\"X\",\"name\":\"aten::mul\","
                + "\"ts\":15,\"dur\":1,\"tid\":7}]}";
        // aten::mul starts where aten::add ends: after it, not inside.
        assertEquals(List.of("aten::add", "aten::mul"),
                ChromeTrace.topLevelAtenOps(ChromeTrace.parse(kineto)).stream()
                        .map(ChromeTrace.Event::name).toList());
    }

    @Test
    void malformedTracesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ChromeTrace.parse("{\"x\":1}"));
        assertThrows(IllegalArgumentException.class,
                () -> ChromeTrace.parse("[{\"ph\":\"X\",\"name\":\"aten::add\",\"ts\":\"soon\"}]"));
    }
}
