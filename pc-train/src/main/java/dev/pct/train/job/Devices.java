package dev.pct.train.job;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.List;

/** Resolves the configured device names ({@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N}) to DJL devices. */
final class Devices {
    private Devices() {}

    /**
     * Resolves the configured devices.
     *
     * @param names the configured names
     * @return the device to train on
     */
    static Device resolve(List<String> names) {
        if (names.size() > 1) {
            throw new IllegalArgumentException("device: " + names + " names several devices; data-parallel "
                    + "training over several devices is not supported yet, name one (e.g. gpu:0)");
        }
        String name = names.get(0).trim().toLowerCase(java.util.Locale.ROOT);
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
