package dev.pct.bench;

import ai.djl.engine.Engine;

/** Prints the number of GPUs the DJL engine sees; {@code bin/pc-bench} uses it to pick devices. */
public final class DeviceProbe {

    private DeviceProbe() {}

    /**
     * Prints the GPU count on one line of standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println(Engine.getInstance().getGpuCount());
    }
}
