package dev.pct.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JmhResultTest {

    @Test
    void readsParamsSecondaryRawDataAndForkArguments() throws URISyntaxException {
        List<JmhResult> results = JmhResult.read(ResultTableTest.fixture("jmh.json"));
        assertEquals(6, results.size(), "the skipped GPU case is dropped");
        JmhResult small = results.get(0);
        assertEquals("LossPathBenchmark.interleaved", small.benchmark());
        assertEquals("kl_tau1", small.param("distance"));
        assertEquals(133e-6, small.secondsPerOp(), 1e-12);
        assertArrayEquals(new double[] {1e6, 1.2e6, 0.9e6}, small.secondary("naiveNanos"));
        assertEquals(0, small.secondary("noSuchMetric").length);
        assertEquals(Optional.of("2"), small.systemProperty("ai.djl.pytorch.num_threads"));
        assertEquals(Optional.empty(), small.systemProperty("ai.djl.pytorch.num"));
        // Forks are flattened in order: [[2, 2], [2, 0]].
        assertArrayEquals(new double[] {2, 2, 2, 0}, results.get(1).secondary("crossEntropyCalls"));
        // Throughput and other time units: 0.1 ops/ms is 10 ms per operation.
        assertEquals(0.01, JmhResult.secondsPerOp(0.1, "ops/ms", "x"), 1e-15);
        assertEquals(20e-3, results.get(3).secondsPerOp(), 1e-15);
    }

    @Test
    void lastPropertyWins() {
        JmhResult r = JmhResult.parse("[{\"benchmark\":\"a.B.c\",\"jvmArgs\":[\"-Dx=1\",\"-Dx=3\"],"
                + "\"primaryMetric\":{\"score\":1,\"scoreUnit\":\"us/op\"}}]").get(0);
        assertEquals(Optional.of("3"), r.systemProperty("x"));
    }

    @Test
    void unknownUnitIsRejectedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JmhResult.parse("[{\"benchmark\":\"a.B.c\",\"primaryMetric\":"
                        + "{\"score\":1,\"scoreUnit\":\"furlongs/op\"}}]"));
        assertTrue(e.getMessage().contains("furlongs"), e.getMessage());
    }

    @Test
    void nonArrayAndMissingScoreAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> JmhResult.parse("{}"));
        assertThrows(IllegalArgumentException.class,
                () -> JmhResult.parse("[{\"benchmark\":\"a.B.c\"}]"));
    }
}
