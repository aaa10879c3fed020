package dev.pct.train.loop;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * Splits an epoch's wall time into {@link StepPhase}s: each {@link #mark} gives the time since the previous mark
 * to a phase. {@link #OFF} ignores marks, so an unprofiled epoch pays a branch per mark and nothing else.
 *
 * <p>A running clock also calls a {@linkplain #MARKER marker operator} at every mark, so that libtorch's trace
 * records the same moments on its own clock. The trace's timestamps are not Java's: they start a few hundred
 * microseconds off (measured here: 0.3-0.5 ms, varying), more than many phases last, so operators are assigned
 * to phases by their order relative to the markers (one thread runs both, in program order), not by time.
 */
final class PhaseClock {
    /** A clock that records nothing. */
    static final PhaseClock OFF = new PhaseClock(false, null);

    /** The marker operator: one no training or evaluation path calls. */
    static final String MARKER = "aten::erfinv";

    private final boolean on;
    private final NDArray marker;
    private long origin;
    private long[] ends = new long[1024];
    private byte[] phases = new byte[1024];
    private int count;

    private PhaseClock(boolean on, NDArray marker) {
        this.on = on;
        this.marker = marker;
    }

    /**
     * Returns a clock that starts now.
     *
     * @param marker a small array on the profiled thread's device that marks are made with (the caller closes it),
     *     or null for no marker calls
     * @return the clock
     */
    static PhaseClock startNow(NDArray marker) {
        PhaseClock clock = new PhaseClock(true, marker);
        clock.origin = System.nanoTime();
        return clock;
    }

    /**
     * Gives the time since the previous mark (or the start) to a phase.
     *
     * @param phase what the loop did in that time
     */
    void mark(StepPhase phase) {
        if (!on) {
            return;
        }
        long now = System.nanoTime();
        if (count == ends.length) {
            ends = Arrays.copyOf(ends, 2 * count);
            phases = Arrays.copyOf(phases, 2 * count);
        }
        ends[count] = now - origin;
        phases[count] = (byte) phase.ordinal();
        count++;
        if (marker != null) {
            marker.erfinv().close();
        }
    }

    /**
     * Returns the recorded intervals.
     *
     * @return the phases in order, each ending at its {@code endNanos} from the start and beginning where the one
     *     before ended
     */
    Intervals intervals() {
        return new Intervals(Arrays.copyOf(ends, count), Arrays.copyOf(phases, count));
    }

    /**
     * Contiguous phase intervals from a clock's start.
     *
     * @param endNanos where each interval ends, in nanoseconds from the start, ascending
     * @param phases each interval's phase ordinal
     */
    record Intervals(long[] endNanos, byte[] phases) {

        /**
         * Returns the phase of the operators a trace records after marker {@code index - 1} and before marker
         * {@code index}: marks close their phase.
         *
         * @param index the number of markers before the operator
         * @return the phase, or null after the last mark
         */
        StepPhase beforeMark(int index) {
            return index < phases.length ? StepPhase.values()[phases[index]] : null;
        }

        /**
         * Returns the phase that held at a time.
         *
         * @param nanos nanoseconds from the start
         * @return the phase, or null before the start or after the last mark
         */
        StepPhase at(long nanos) {
            if (nanos < 0 || endNanos.length == 0 || nanos >= endNanos[endNanos.length - 1]) {
                return null;
            }
            int i = Arrays.binarySearch(endNanos, nanos);
            // An interval is [previous end, end): a time equal to an end belongs to the next interval.
            int index = i >= 0 ? i + 1 : -i - 1;
            return StepPhase.values()[phases[index]];
        }

        /**
         * Returns the wall time of each phase.
         *
         * @return seconds per phase ordinal
         */
        double[] secondsByPhase() {
            double[] seconds = new double[StepPhase.values().length];
            long start = 0;
            for (int i = 0; i < endNanos.length; i++) {
                seconds[phases[i]] += (endNanos[i] - start) / 1e9;
                start = endNanos[i];
            }
            return seconds;
        }
    }
}
