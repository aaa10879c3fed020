package dev.pct.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where one epoch's time went: the wall time of each {@link StepPhase}, the part of it spent inside libtorch's
 * operators (from its profiler's trace) and the rest, which is ours (Java, JNI calls, DJL's bookkeeping, garbage
 * collection); the operators that cost most; and how far the step is from what its arithmetic allows.
 *
 * @param stage the stage, e.g. {@code "pc seed 1"}
 * @param epoch the profiled epoch
 * @param samples the samples trained in it
 * @param steps its steps
 * @param phases every phase, in {@link StepPhase} order
 * @param topOps the operators of the training phases (evaluation left out) that took most time, most first
 * @param otherThreadOps top-level operators recorded on other threads (none expected: batches are prepared in
 *     Java), with their time in seconds
 * @param otherThreadSeconds the time inside them
 * @param forwardFlopsPerSample the forward pass's operations per sample in convolutions and dense layers
 * @param flopsComplete false when some block's operations could not be counted (e.g. a TorchScript module)
 * @param matmulGflops the rate of a 1024 x 1024 float32 matrix product on the stage's device, measured after the
 *     epoch with the profiler off, in 1e9 operations per second
 * @param unprofiledSamplesPerSecond the training rate of the epoch before, which ran without the profiler (NaN for
 *     a first epoch)
 * @param byMarkers true when operators were assigned to phases by the trace's marker calls (exact); false when by
 *     time (the model called the marker operator too), which misplaces operators near a phase's ends
 */
public record EpochProfile(String stage, int epoch, int samples, int steps, List<Phase> phases, List<Op> topOps,
        long otherThreadOps, double otherThreadSeconds, double forwardFlopsPerSample, boolean flopsComplete,
        double matmulGflops, double unprofiledSamplesPerSecond, boolean byMarkers) {

    /**
     * One phase of the epoch.
     *
     * @param phase the phase
     * @param wallSeconds its wall time
     * @param opSeconds the time inside the top-level libtorch operators that started in it
     * @param ops how many of those operators there were
     * @param top the phase's costliest operators, most first (at most three)
     */
    public record Phase(StepPhase phase, double wallSeconds, double opSeconds, long ops, List<Op> top) {
        /** The wall time outside libtorch's operators: Java, JNI, DJL, the collector. */
        public double ourSeconds() {
            return Math.max(0, wallSeconds - opSeconds);
        }
    }

    /**
     * An operator's total over the calls counted.
     *
     * @param name the aten name, e.g. {@code aten::mkldnn_convolution}
     * @param calls the top-level calls
     * @param seconds the time inside them
     */
    public record Op(String name, long calls, double seconds) {}

    /**
     * Attributes a trace's operators to the phases they started in.
     *
     * @param stage the stage's name
     * @param epoch the epoch
     * @param samples the samples trained
     * @param steps the steps
     * @param intervals the epoch's phases, on a clock started when the profiler was
     * @param threads the trace's top-level operators per thread, the training thread (most operator time) first
     * @param forward the forward pass's operations per sample
     * @param matmulGflops the measured matrix-product rate
     * @param unprofiledSamplesPerSecond the epoch before's training rate, or NaN
     * @return the profile
     */
    static EpochProfile of(String stage, int epoch, int samples, int steps, PhaseClock.Intervals intervals,
            List<ProfilerTrace.Ops> threads, ForwardFlops forward, double matmulGflops,
            double unprofiledSamplesPerSecond) {
        int phaseCount = StepPhase.values().length;
        double[] wall = intervals.secondsByPhase();
        double[] opSeconds = new double[phaseCount];
        long[] opCount = new long[phaseCount];
        List<Map<String, double[]>> byName = new ArrayList<>();
        for (int i = 0; i < phaseCount; i++) {
            byName.add(new HashMap<>());
        }
        long otherOps = 0;
        double otherSeconds = 0;
        boolean byMarkers = false;
        for (int t = 0; t < threads.size(); t++) {
            ProfilerTrace.Ops ops = threads.get(t);
            if (t > 0) {
                otherOps += ops.size();
                otherSeconds += ops.seconds();
                continue;
            }
            // One marker per mark: the trace's own phase boundaries. Otherwise (a model that calls the marker
            // operator itself) fall back to the clocks, which are a few hundred microseconds apart.
            byMarkers = ops.markerMicros().length == intervals.endNanos().length;
            int marker = 0;
            for (int i = 0; i < ops.size(); i++) {
                StepPhase phase;
                if (byMarkers) {
                    while (marker < ops.markerMicros().length && ops.markerMicros()[marker] <= ops.startMicros()[i]) {
                        marker++;
                    }
                    phase = intervals.beforeMark(marker);
                } else {
                    phase = intervals.at(Math.round(ops.startMicros()[i] * 1000));
                }
                if (phase == null) {
                    // After the last mark: the profiler's stop, a few calls at most.
                    phase = StepPhase.OTHER;
                }
                double seconds = ops.durationMicros()[i] / 1e6;
                opSeconds[phase.ordinal()] += seconds;
                opCount[phase.ordinal()]++;
                double[] sum = byName.get(phase.ordinal()).computeIfAbsent(ops.names().get(ops.nameIndex()[i]),
                        n -> new double[2]);
                sum[0]++;
                sum[1] += seconds;
            }
        }
        List<Phase> phases = new ArrayList<>();
        Map<String, double[]> training = new HashMap<>();
        for (StepPhase phase : StepPhase.values()) {
            Map<String, double[]> names = byName.get(phase.ordinal());
            phases.add(new Phase(phase, wall[phase.ordinal()], opSeconds[phase.ordinal()], opCount[phase.ordinal()],
                    costliest(names, 3)));
            if (phase != StepPhase.EVALUATION) {
                names.forEach((name, sum) -> {
                    double[] total = training.computeIfAbsent(name, n -> new double[2]);
                    total[0] += sum[0];
                    total[1] += sum[1];
                });
            }
        }
        return new EpochProfile(stage, epoch, samples, steps, List.copyOf(phases), costliest(training, 15), otherOps,
                otherSeconds, forward.flops(), forward.complete(), matmulGflops, unprofiledSamplesPerSecond,
                byMarkers);
    }

    private static List<Op> costliest(Map<String, double[]> names, int limit) {
        return names.entrySet().stream()
                .map(e -> new Op(e.getKey(), (long) e.getValue()[0], e.getValue()[1]))
                .sorted(Comparator.comparingDouble(Op::seconds).reversed().thenComparing(Op::name))
                .limit(limit)
                .toList();
    }

    /** The epoch's training time: every phase but evaluation. */
    public double trainingSeconds() {
        return phases.stream().filter(p -> p.phase() != StepPhase.EVALUATION).mapToDouble(Phase::wallSeconds).sum();
    }

    /**
     * Returns a phase's figures.
     *
     * @param phase the phase
     * @return its entry
     */
    public Phase phase(StepPhase phase) {
        return phases.get(phase.ordinal());
    }

    /**
     * The operations of one epoch's training steps: forward, and backward's two products per forward product (the
     * gradients of the inputs and of the weights), so three times the forward pass.
     *
     * @return operations
     */
    public double trainingFlops() {
        return 3 * forwardFlopsPerSample * samples;
    }

    /**
     * Measures a device's float32 matrix-product rate: the best of five 1024 x 1024 x 1024 products.
     *
     * @param manager where the matrices live (closed arrays are freed at once)
     * @return 1e9 operations per second
     */
    static double matmulGflops(NDManager manager) {
        int n = 1024;
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = scope.randomUniform(-1, 1, new Shape(n, n));
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 7; i++) {
                long start = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    // One element read back: the product has run, also on an asynchronous device.
                    c.get(0, 0).getFloat();
                }
                // The first two warm up (allocation, kernel selection).
                if (i >= 2) {
                    best = Math.min(best, System.nanoTime() - start);
                }
            }
            return 2.0 * n * n * n / best;
        }
    }

    /**
     * Returns the profile as a Markdown page.
     *
     * @param traceFile the trace's file name, for the text
     * @return the page
     */
    public String toMarkdown(String traceFile) {
        StringBuilder md = new StringBuilder();
        double training = trainingSeconds();
        md.append(String.format(Locale.ROOT, "# Profile: %s, epoch %d%n%n", stage, epoch));
        md.append(String.format(Locale.ROOT, "%,d samples in %d steps, %.1f s of training (%.0f samples/s under the"
                + " profiler", samples, steps, training, samples / training));
        if (Double.isFinite(unprofiledSamplesPerSecond)) {
            md.append(String.format(Locale.ROOT, "; the epoch before, unprofiled: %.0f samples/s",
                    unprofiledSamplesPerSecond));
        }
        md.append(String.format(Locale.ROOT, "). Every libtorch operator was recorded by its profiler (DJL's"
                + " `JniUtils.startProfile`); the trace is `%s` (chrome://tracing or ui.perfetto.dev). A phase's"
                + " *libtorch* time is spent inside top-level aten operators (their nested operators included); the"
                + " rest of its wall time is ours: Java, JNI calls, DJL's bookkeeping, garbage collection. The"
                + " profiler adds a few microseconds to every operator, most of it to *ours*.%s%n%n", traceFile,
                byMarkers ? "" : " Operators were placed in phases by time, not by the trace's markers (the model"
                        + " calls `" + PhaseClock.MARKER + "` itself): those near a phase's ends may be misplaced."));
        md.append("| phase | wall s | share of training | libtorch s | operators | per step | ours s | costliest"
                + " operators (s) |\n|---|---|---|---|---|---|---|---|\n");
        double ops = 0;
        double ours = 0;
        long count = 0;
        for (Phase p : phases) {
            if (p.phase() == StepPhase.EVALUATION) {
                continue;
            }
            row(md, p.phase().label(), p.wallSeconds(), training, p.opSeconds(), p.ops(), p.ourSeconds(), p.top());
            ops += p.opSeconds();
            ours += p.ourSeconds();
            count += p.ops();
        }
        row(md, "**training**", training, training, ops, count, ours, List.of());
        Phase evaluation = phase(StepPhase.EVALUATION);
        row(md, "evaluation (after the epoch)", evaluation.wallSeconds(), training, evaluation.opSeconds(),
                evaluation.ops(), evaluation.ourSeconds(), evaluation.top());
        if (otherThreadOps > 0) {
            md.append(String.format(Locale.ROOT, "%nOther threads ran %d operators (%.2f s), not in the table.%n",
                    otherThreadOps, otherThreadSeconds));
        }
        md.append("\n## Operators of the training phases\n\n| operator | calls | s | µs per call | share of training |\n"
                + "|---|---|---|---|---|\n");
        for (Op op : topOps) {
            md.append(String.format(Locale.ROOT, "| `%s` | %d | %.3f | %.1f | %.1f%% |%n", op.name(), op.calls(),
                    op.seconds(), 1e6 * op.seconds() / op.calls(), 100 * op.seconds() / training));
        }
        md.append("\n## Arithmetic\n\n");
        if (forwardFlopsPerSample > 0 && matmulGflops > 0) {
            double floor = trainingFlops() / (matmulGflops * 1e9);
            md.append(String.format(Locale.ROOT, "Forward pass: %.4g MFLOP per sample in convolutions and dense layers"
                    + "%s. A training step does about three times that (backward computes the input and the weight"
                    + " gradient of every product): %.4g GFLOP this epoch. A 1024 x 1024 float32 matrix product runs"
                    + " at %.1f GFLOP/s here (measured after the epoch, profiler off), so the epoch's products alone"
                    + " need %.3g s at that rate: ", forwardFlopsPerSample / 1e6,
                    flopsComplete ? "" : " (some blocks could not be counted: a lower bound)", trainingFlops() / 1e9,
                    matmulGflops, floor));
            if (Double.isFinite(unprofiledSamplesPerSecond)) {
                double unprofiled = samples / unprofiledSamplesPerSecond;
                md.append(String.format(Locale.ROOT, "the unprofiled epoch before took %.1f s, %.0f%% of what its"
                        + " arithmetic allows (%.3g GFLOP/s); ", unprofiled, 100 * floor / unprofiled,
                        trainingFlops() / unprofiled / 1e9));
            }
            md.append(String.format(Locale.ROOT, "this epoch took %.1f s under the profiler (%.0f%%).%n", training,
                    100 * floor / training));
        } else {
            md.append("Not counted: the network has no convolutions or dense layers pct can read.\n");
        }
        return md.toString();
    }

    private void row(StringBuilder md, String label, double wall, double training, double ops, long count,
            double ours, List<Op> top) {
        StringBuilder costliest = new StringBuilder();
        for (Op op : top) {
            costliest.append(costliest.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "`%s` %.2f",
                    op.name().replace("aten::", ""), op.seconds()));
        }
        md.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f%% | %.2f | %d | %.1f | %.2f | %s |%n", label, wall,
                100 * wall / training, ops, count, (double) count / steps, ours, costliest));
    }
}
