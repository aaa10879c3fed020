package dev.pct.train.api;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Resolves device names ({@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N}) to DJL devices. */
public final class Devices {
    private Devices() {}

    /**
     * Resolves a device name: {@code auto} (GPU 0 if the engine sees one, else the CPU), {@code cpu}, {@code gpu}
     * (GPU 0) or {@code gpu:N}.
     *
     * @param device the name
     * @return the device to train on
     * @throws IllegalArgumentException naming the key {@code device} if the name is invalid or the GPU is missing
     */
    public static Device resolve(String device) {
        String name = device.trim().toLowerCase(java.util.Locale.ROOT);
        int gpus = Engine.getInstance().getGpuCount();
        switch (name) {
            case "auto":
                return gpus > 0 ? Device.gpu(0) : Device.cpu();
            case "cpu":
                return Device.cpu();
            case "gpu":
                return gpu(0, gpus, name);
            default:
                if (name.startsWith("gpu:")) {
                    try {
                        return gpu(Integer.parseInt(name.substring(4)), gpus, name);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("device: '" + name + "' is not gpu:N with N a number", e);
                    }
                }
                throw new IllegalArgumentException(
                        "device: '" + name + "' is not one of auto, cpu, gpu, gpu:N");
        }
    }

    private static Device gpu(int id, int gpus, String name) {
        if (id >= gpus) {
            throw new IllegalArgumentException("device: '" + name + "' asks for GPU " + id + " but the engine sees "
                    + gpus + " GPU(s)" + (gpus == 0 ? " (CPU natives? build with -Dgpu, see README)" : ""));
        }
        return Device.gpu(id);
    }
}
