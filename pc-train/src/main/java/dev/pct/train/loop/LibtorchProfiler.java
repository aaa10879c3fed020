package dev.pct.train.loop;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;

/**
 * libtorch's (legacy) profiler through DJL's {@code JniUtils}: one recording per process at a time, of every
 * operator on every thread, written as a Chrome trace.
 */
final class LibtorchProfiler {
    private LibtorchProfiler() {}

    /**
     * Returns whether the engine is DJL's PyTorch engine, the one with this profiler.
     *
     * @return true on PyTorch
     */
    static boolean available() {
        return "PyTorch".equals(Engine.getInstance().getEngineName());
    }

    /** Starts recording operators (CPU times, no shapes, no memory: the least overhead). */
    static void start() {
        JniUtils.startProfile(false, false, false);
    }

    /**
     * Stops recording and writes the trace.
     *
     * @param trace the file to write
     */
    static void stop(Path trace) {
        JniUtils.stopProfile(trace.toAbsolutePath().toString());
    }
}
