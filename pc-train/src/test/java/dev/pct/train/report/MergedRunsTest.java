package dev.pct.train.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.core.metrics.FlipReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runs of one sweep split into jobs, merged: shared models once, clashing names told apart, mixed runs refused. */
class MergedRunsTest {

    static final int[] LABELS = {0, 1, 2, 0, 1, 2};
    static final int[] OLD = {0, 1, 2, 1, 1, 0};
    static final int[] BASE = {0, 2, 2, 0, 1, 0};
    static final int[] PC_A = {0, 1, 2, 0, 1, 0};
    static final int[] PC_B = {0, 1, 1, 0, 1, 2};

    private static FlipReport flips(int[] predictions) {
        FlipAccumulator acc = new FlipAccumulator(3);
        acc.add(LABELS, OLD, predictions);
        return acc.report();
    }

    private static EpochRecord epoch(String model, int seed, int epoch) {
        return new EpochRecord(model, seed, epoch, 1.0, 1.0, 0.0, 0.2, 0.2, 0.01, 0.2, 0.01, 900.0, 3.0, 0.0, 0.1);
    }

    private static SelectedEpoch kept(String model, int seed) {
        return new SelectedEpoch(model, seed, "lowest_nfr", 2, 2, false, 0.25, epoch(model, seed, 2));
    }

    /** A run with the plain retrain and one PC setting named pc, as each job of a split sweep has. */
    private static MergedRuns.Run run(String name, int[] pc, String description) {
        RunResults results = new RunResults(LABELS, OLD,
                List.of(new ModelResult("baseline", 1, BASE, flips(BASE)), new ModelResult("pc", 1, pc, flips(pc))),
                List.of(epoch("baseline", 1, 1), epoch("baseline", 1, 2), epoch("pc", 1, 1), epoch("pc", 1, 2)));
        return new MergedRuns.Run(name, results, List.of(kept("baseline", 1), kept("pc", 1)),
                Map.of("pc", description));
    }

    @Test
    void theSharedRetrainIsListedOnceAndTheSecondRunsPcIsNamedAfterItsRun() {
        MergedRuns.Merged merged = MergedRuns.merge(List.of(run("gpu-0", PC_A, "KL, lambda 1"),
                run("gpu-1", PC_B, "KL, lambda 2")));
        List<ModelResult> models = merged.results().models();
        assertEquals(List.of("baseline", "pc", "gpu-1/pc"), models.stream().map(ModelResult::model).toList());
        assertArrayEquals(PC_B, models.get(2).testPredictions());
        assertEquals(flips(PC_B).negativeFlipRate(), models.get(2).vsOld().negativeFlipRate());
        assertEquals(List.of("baseline", "baseline", "pc", "pc", "gpu-1/pc", "gpu-1/pc"),
                merged.results().history().stream().map(EpochRecord::model).toList());
        assertEquals(List.of("baseline", "pc", "gpu-1/pc"),
                merged.selected().stream().map(SelectedEpoch::model).toList());
        assertEquals("gpu-1/pc", merged.selected().get(2).figures().model());
        assertEquals(Map.of("pc", "KL, lambda 1", "gpu-1/pc", "KL, lambda 2"), merged.settings());
        assertTrue(merged.notes().stream().anyMatch(n -> n.contains("gpu-1: baseline seed 1") && n.contains("once")),
                merged.notes().toString());
    }

    @Test
    void runsOnAnotherTestSetOrAgainstAnotherOldModelAreRefused() {
        MergedRuns.Run first = run("a", PC_A, "x");
        int[] otherOld = OLD.clone();
        otherOld[4] = 0;
        MergedRuns.Run againstOther = new MergedRuns.Run("b", new RunResults(LABELS, otherOld, List.of(),
                List.of()), List.of(), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MergedRuns.merge(List.of(first, againstOther)));
        assertTrue(e.getMessage().contains("b: the old model's test predictions differ from a's from sample 4"),
                e.getMessage());
        int[] otherLabels = {0, 1, 2, 0, 1};
        MergedRuns.Run shorter = new MergedRuns.Run("c", new RunResults(otherLabels, new int[] {0, 1, 2, 1, 1},
                List.of(), List.of()), List.of(), Map.of());
        e = assertThrows(IllegalArgumentException.class, () -> MergedRuns.merge(List.of(first, shorter)));
        assertTrue(e.getMessage().contains("c: its test set differs from a's (5 samples, not 6)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MergedRuns.merge(List.of(first)));
    }
}
