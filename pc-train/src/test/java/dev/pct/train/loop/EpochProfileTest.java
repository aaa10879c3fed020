package dev.pct.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import dev.pct.train.model.ModelFactory;
import dev.pct.train.model.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of a profiled epoch: the trace's top-level operators, the phase clock, attribution, FLOP counts. */
class EpochProfileTest {

    private static List<ProfilerTrace.Ops> parse(String json) throws IOException {
        return ProfilerTrace.topLevelAtenOps(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                PhaseClock.MARKER);
    }

    private static String event(String name, double ts, double dur, int tid) {
        return String.format(java.util.Locale.ROOT,
                "{\"name\": \"%s\", \"ph\": \"X\", \"ts\": %.3f, \"dur\": %.3f, \"tid\": %d, \"pid\": \"CPU"
                        + " Functions\", \"shape\": [], \"cpu mem\": \"0 b\", \"args\": {}}", name, ts, dur, tid);
    }

    @Test
    void onlyAtenOperatorsThatNoOtherAtenOperatorEnclosesAreTopLevel() throws IOException {
        // Thread 1: conv2d [0, 100) holding convolution [1, 99) holding mkldnn_convolution; an autograd scope
        // (not aten) [200, 300) holding mm [210, 250) and add_ [250, 260); addmm [300, 320) starts where the
        // scope ends. At equal starts the longer event is the outer one. Two marker calls, at 150 and 400. Thread
        // 2: one empty of 500 us, more operator time but no markers.
        String json = "[\n" + String.join(",\n",
                event("aten::convolution", 1, 98, 1),
                event("aten::conv2d", 0, 100, 1),
                event("aten::mkldnn_convolution", 2, 90, 1),
                event("autograd::engine::evaluate_function: AddmmBackward0", 200, 100, 1),
                event("aten::mm", 210, 40, 1),
                event("aten::t", 210, 2, 1),
                event("aten::add_", 250, 10, 1),
                event("aten::addmm", 300, 20, 1),
                event(PhaseClock.MARKER, 150, 3, 1),
                event(PhaseClock.MARKER, 400, 3, 1),
                event("aten::empty", 7, 500, 2)) + "\n]\n";
        List<ProfilerTrace.Ops> threads = parse(json);
        assertEquals(2, threads.size());
        ProfilerTrace.Ops main = threads.get(0);
        assertEquals("1", main.thread());
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < main.size(); i++) {
            names.add(main.names().get(main.nameIndex()[i]));
        }
        assertEquals(List.of("aten::conv2d", "aten::mm", "aten::add_", "aten::addmm"), names);
        assertArrayEquals(new double[] {0, 210, 250, 300}, main.startMicros(), 0);
        assertArrayEquals(new double[] {100, 40, 10, 20}, main.durationMicros(), 0);
        // 170 us in all; the sums of a few exact binary fractions of decimal inputs: 1e-12 s absorbs rounding.
        assertEquals(170e-6, main.seconds(), 1e-12);
        assertArrayEquals(new double[] {150, 400}, main.markerMicros(), 0);
        assertEquals(1, threads.get(1).size());
        assertEquals(0, threads.get(1).markerMicros().length);
    }

    @Test
    void aFileThatIsNoTraceIsRefusedNamingIt() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> parse("{\"a\": 1}"));
        java.nio.file.Path file = java.nio.file.Files.createTempFile("not-a-trace", ".json");
        try {
            java.nio.file.Files.writeString(file, "[{\"name\": \"aten::mm\", \"ph\": \"X\", \"ts\": \"x\"}]");
            IOException e = assertThrows(IOException.class, () -> ProfilerTrace.topLevelAtenOps(file, PhaseClock.MARKER));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("aten::mm"),
                    e.getMessage());
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void phaseIntervalsAreContiguousAndHalfOpen() {
        // Marks at 10, 25 and 40 ns: data [0, 10), forward [10, 25), data [25, 40).
        PhaseClock.Intervals intervals = new PhaseClock.Intervals(new long[] {10, 25, 40},
                new byte[] {(byte) StepPhase.DATA.ordinal(), (byte) StepPhase.FORWARD.ordinal(),
                    (byte) StepPhase.DATA.ordinal()});
        assertEquals(StepPhase.DATA, intervals.at(0));
        assertEquals(StepPhase.DATA, intervals.at(9));
        assertEquals(StepPhase.FORWARD, intervals.at(10));
        assertEquals(StepPhase.FORWARD, intervals.at(24));
        assertEquals(StepPhase.DATA, intervals.at(25));
        assertNull(intervals.at(40));
        assertNull(intervals.at(-1));
        double[] seconds = intervals.secondsByPhase();
        // (10 + 15) ns and 15 ns: integer nanoseconds over 1e9, so within one rounding of the quotient.
        assertEquals(25e-9, seconds[StepPhase.DATA.ordinal()], 1e-21);
        assertEquals(15e-9, seconds[StepPhase.FORWARD.ordinal()], 1e-21);
        assertEquals(0, seconds[StepPhase.OPTIMIZER.ordinal()]);
    }

    @Test
    void aRunningClockRecordsEveryMarkAndTheOffClockNone() {
        PhaseClock clock = PhaseClock.startNow(null);
        for (int i = 0; i < 3000; i++) {
            clock.mark(i % 2 == 0 ? StepPhase.FORWARD : StepPhase.BACKWARD);
        }
        PhaseClock.Intervals intervals = clock.intervals();
        assertEquals(3000, intervals.endNanos().length);
        for (int i = 1; i < 3000; i++) {
            assertTrue(intervals.endNanos()[i] >= intervals.endNanos()[i - 1]);
        }
        assertEquals(StepPhase.BACKWARD.ordinal(), intervals.phases()[2999]);
        PhaseClock.OFF.mark(StepPhase.DATA);
        assertEquals(0, PhaseClock.OFF.intervals().endNanos().length);
    }

    /** Data [0, 1000), forward [1000, 5000), optimizer [5000, 6000), evaluation [6000, 9000), in ns. */
    private static PhaseClock.Intervals fourPhases() {
        return new PhaseClock.Intervals(new long[] {1000, 5000, 6000, 9000},
                new byte[] {(byte) StepPhase.DATA.ordinal(), (byte) StepPhase.FORWARD.ordinal(),
                    (byte) StepPhase.OPTIMIZER.ordinal(), (byte) StepPhase.EVALUATION.ordinal()});
    }

    /**
     * Operators in us on a trace clock 0.3 us behind Java's, markers at the four marks: to at 0.5 and copy_ at 1.1
     * (before the first marker at 1.3, though after Java's first mark at 1.0), conv2d at 1.5 and addmm at 3, mul_ at
     * 5.5 and 5.8, conv2d at 7 in evaluation, to at 9.5 after the last marker.
     */
    private static ProfilerTrace.Ops mainThread(double[] markers) {
        List<String> names = List.of("aten::to", "aten::conv2d", "aten::addmm", "aten::mul_", "aten::copy_");
        return new ProfilerTrace.Ops("1", names, new int[] {0, 4, 1, 2, 3, 3, 1, 0},
                new double[] {0.5, 1.1, 1.5, 3, 5.5, 5.8, 7, 9.5}, new double[] {0.5, 0.1, 1, 1.5, 0.25, 0.25, 2, 0.1},
                markers);
    }

    @Test
    void operatorsCountInThePhaseWhoseMarkerFollowsThem() {
        ProfilerTrace.Ops other = new ProfilerTrace.Ops("2", List.of("aten::to"), new int[] {0}, new double[] {1},
                new double[] {4}, new double[0]);
        EpochProfile profile = EpochProfile.of("pc seed 1", 2, 100, 1, fourPhases(),
                List.of(mainThread(new double[] {1.3, 5.3, 6.3, 9.3}), other), new ForwardFlops(1e6, true), 50,
                Double.NaN);
        assertTrue(profile.byMarkers());
        // Walls from Java's clock; operator times are sums of a few decimal microseconds over 1e6: 1e-15 s is far
        // below any of them and above the rounding.
        assertEquals(1e-6, profile.phase(StepPhase.DATA).wallSeconds(), 1e-15);
        assertEquals(2, profile.phase(StepPhase.DATA).ops());
        assertEquals(0.6e-6, profile.phase(StepPhase.DATA).opSeconds(), 1e-15);
        assertEquals(0.4e-6, profile.phase(StepPhase.DATA).ourSeconds(), 1e-15);
        assertEquals(2, profile.phase(StepPhase.FORWARD).ops());
        assertEquals(2.5e-6, profile.phase(StepPhase.FORWARD).opSeconds(), 1e-15);
        assertEquals(List.of("aten::addmm", "aten::conv2d"),
                profile.phase(StepPhase.FORWARD).top().stream().map(EpochProfile.Op::name).toList());
        assertEquals(2, profile.phase(StepPhase.OPTIMIZER).ops());
        assertEquals(1, profile.phase(StepPhase.EVALUATION).ops());
        assertEquals(1, profile.phase(StepPhase.OTHER).ops());
        // Training: data + forward + optimizer walls, 1 + 4 + 1 us; evaluation is not training.
        assertEquals(6e-6, profile.trainingSeconds(), 1e-15);
        // The training phases' operators: conv2d's evaluation call is left out.
        EpochProfile.Op conv = profile.topOps().stream().filter(o -> o.name().equals("aten::conv2d")).findFirst()
                .orElseThrow();
        assertEquals(1, conv.calls());
        assertEquals(1, profile.otherThreadOps());
        assertEquals(4e-6, profile.otherThreadSeconds(), 1e-15);
        assertEquals(3e8, profile.trainingFlops(), 0);
        String md = profile.toMarkdown("t.json.gz");
        assertTrue(md.contains("| forward | 0.00 |") && md.contains("`addmm` 0.00, `conv2d` 0.00")
                && md.contains("Other threads ran 1 operators") && !md.contains("placed in phases by time"), md);
    }

    @Test
    void withoutOneMarkerPerMarkOperatorsArePlacedByTimeAndThePageSaysSo() {
        // A model that calls the marker operator itself: three markers for four marks.
        EpochProfile profile = EpochProfile.of("pc seed 1", 2, 100, 1, fourPhases(),
                List.of(mainThread(new double[] {1.3, 2, 5.3})), new ForwardFlops(1e6, true), 50, Double.NaN);
        assertFalse(profile.byMarkers());
        // copy_ at 1.1 us is after Java's first mark at 1.0 us: forward by time.
        assertEquals(1, profile.phase(StepPhase.DATA).ops());
        assertEquals(3, profile.phase(StepPhase.FORWARD).ops());
        assertTrue(profile.toMarkdown("t.json.gz").contains("placed in phases by time"));
    }

    @Test
    void forwardFlopsCountTheProductsOfConvolutionsAndDenseLayers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // The smoke job's CNN on 1x8x8 images, 4 classes: conv 1->8, 3x3, padding 1 at 8x8 (2 * 8*64 * 9),
            // pooled to 8x4x4 = 128 features, dense 128->16 (2 * 16 * 128) and 16->4 (2 * 4 * 16).
            Block cnn = ModelFactory.build(ModelSpec.builder().setType("cnn").optChannels(List.of(8))
                    .optHidden(List.of(16)).optBatchNorm(true).build(), 1, 8, 8, 4);
            cnn.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8));
            ForwardFlops flops = ForwardFlops.of(cnn, new Shape(1, 1, 8, 8));
            assertEquals(2.0 * 8 * 64 * 9 + 2.0 * 16 * 128 + 2.0 * 4 * 16, flops.flops(), 0);
            assertTrue(flops.complete());
            // Twice the batch, twice the operations.
            assertEquals(2 * flops.flops(), ForwardFlops.of(cnn, new Shape(2, 1, 8, 8)).flops(), 0);

            // A residual pair: both branches see the block's input; a 1x1 convolution with stride 2 halves the side.
            SequentialBlock left = new SequentialBlock().add(Conv2d.builder().setKernelShape(new Shape(1, 1))
                    .setFilters(4).optStride(new Shape(2, 2)).build());
            SequentialBlock right = new SequentialBlock().add(Conv2d.builder().setKernelShape(new Shape(1, 1))
                    .setFilters(4).optStride(new Shape(2, 2)).build());
            Block pair = new ParallelBlock(list -> new ai.djl.ndarray.NDList(list.get(0).singletonOrThrow()
                    .add(list.get(1).singletonOrThrow())), List.of(left, right));
            pair.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 6, 6));
            // Each branch: 4 filters x 3x3 outputs, each a sum of 2 channel products.
            assertEquals(2 * (2.0 * 4 * 9 * 2), ForwardFlops.of(pair, new Shape(1, 2, 6, 6)).flops(), 0);

            Linear dense = Linear.builder().setUnits(3).build();
            dense.initialize(manager, DataType.FLOAT32, new Shape(5, 7));
            assertEquals(2.0 * 5 * 3 * 7, ForwardFlops.of(dense, new Shape(5, 7)).flops(), 0);
        }
    }

    @Test
    void aBlockWhoseWiringIsUnknownMakesTheCountIncomplete() {
        Block opaque = new ai.djl.nn.AbstractBlock() {
            {
                addChildBlock("inner", Linear.builder().setUnits(2).build());
            }

            @Override
            protected ai.djl.ndarray.NDList forwardInternal(ai.djl.training.ParameterStore store,
                    ai.djl.ndarray.NDList inputs, boolean training, ai.djl.util.PairList<String, Object> params) {
                return inputs;
            }

            @Override
            public Shape[] getOutputShapes(Shape[] inputs) {
                return inputs;
            }
        };
        ForwardFlops flops = ForwardFlops.of(opaque, new Shape(1, 4));
        assertEquals(0, flops.flops(), 0);
        assertFalse(flops.complete());
    }
}
