package dev.pct.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The op census on a tiny batch: the counts come from libtorch's profiler, agree from step to step,
 * and show the soft-target path running far fewer operators than the naive composition (nothing
 * here is timed).
 */
class OpCensusTest {

    @Test
    void countsAreStableAndTheClosedFormRunsFewerOperators(@TempDir Path dir) throws IOException {
        LossPathBenchmark.Batch batch = new LossPathBenchmark.Batch();
        batch.device = "cpu";
        batch.batchSize = 16;
        batch.numClasses = 5;
        batch.setUpBatch();
        try {
            LossPathBenchmark.Implementations impls = new LossPathBenchmark.Implementations();
            // KL at tau 1 is pct's soft-target path, three forward ops by design (see the project guide).
            impls.distance = "kl_tau1";
            impls.setUpImplementations(batch);
            OpCensus.Count naive = OpCensus.count(batch, impls.get(LossImplementation.NAIVE), 2,
                    dir.resolve("naive.json"));
            OpCensus.Count pct = OpCensus.count(batch, impls.get(LossImplementation.PCT), 2, null);
            OpCensus.Count ce = OpCensus.count(batch,
                    impls.get(LossImplementation.CROSS_ENTROPY), 2, null);
            for (OpCensus.Count c : new OpCensus.Count[] {naive, pct, ce}) {
                assertEquals(2, c.opsPerProfiledStep().size());
                assertEquals(c.opsPerStep(), c.opsPerProfiledStep().get(0), "steps agree");
                assertEquals(c.opsPerStep(), c.opsPerProfiledStep().get(1), "steps agree");
                assertEquals(c.opsPerStep(),
                        c.ops().values().stream().mapToInt(Integer::intValue).sum());
                assertTrue(c.ops().keySet().stream().allMatch(n -> n.startsWith("aten::")),
                        c.ops().toString());
                assertTrue(c.atenMicros() > 0 && c.atenMicros() <= c.traceMicros(),
                        c.atenMicros() + " of " + c.traceMicros());
            }
            // The naive form has three log-softmaxes; each runs forward (and two backward).
            assertEquals(3, naive.ops().get("aten::log_softmax"), naive.ops().toString());
            assertTrue(naive.opsPerStep() > 2 * pct.opsPerStep(),
                    "naive " + naive.opsPerStep() + " vs pct " + pct.opsPerStep());
            assertTrue(ce.opsPerStep() > 0);
            assertEquals(naive.opsPerStep(), ChromeTrace.topLevelAtenOps(
                    ChromeTrace.read(dir.resolve("naive.json"))).size(), "the kept trace");
        } finally {
            batch.tearDownBatch();
        }
    }

    @Test
    void mainWritesACensusThatReadsBack(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("census.json");
        OpCensus.main(new String[] {"--out", out.toString(), "--batch-sizes", "8",
            "--classes", "3", "--distances", "lm,kl_tau1", "--profiled-steps", "1"});
        OpCensus.Census census = OpCensus.read(out);
        assertEquals(2, census.opsPerStep().size());
        for (String key : new String[] {"cpu|8|3|lm", "cpu|8|3|kl_tau1"}) {
            for (LossImplementation impl : LossImplementation.values()) {
                assertTrue(census.ops(key, impl) > 0, key + " " + impl);
            }
        }
        assertTrue(Files.readString(out).contains("\"engineVersion\""));
    }
}
