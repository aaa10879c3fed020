package dev.pct.train.api;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a CPU training run does not use oneDNN's AVX-512 convolution backward pass, which in the
 * libtorch 2.7.1 of DJL 0.36 (oneDNN 3.7.1) returns wrong input gradients: at random, some calls give
 * three quarters of the elements off by whole units or NaN (test {@code ConvolutionBackwardTest}). The
 * AVX2 kernels are exact. oneDNN reads {@code ONEDNN_MAX_CPU_ISA} (or the older {@code DNNL_MAX_CPU_ISA})
 * from the environment once, when the engine starts, so a JVM cannot set it for itself: {@code
 * bin/pc-train}, {@code bin/pc-bench} and the test suite set it to {@code AVX2}; a program that embeds pct
 * must be started with it, and this check says so in the log.
 */
public final class CpuKernelCheck {

    private static final Logger LOG = LoggerFactory.getLogger(CpuKernelCheck.class);

    /** The ISA limits under which oneDNN uses no AVX-512 kernel. */
    private static final Set<String> SAFE_LIMITS = Set.of("SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2");

    private CpuKernelCheck() {}

    /**
     * Says why a CPU run in this environment is exposed to the fault, if it is.
     *
     * @param environment the process environment
     * @param cpuFlags the CPU's feature flags (the {@code flags} line of {@code /proc/cpuinfo}), or "" if unknown
     * @return the warning, or empty when the CPU has no AVX-512 or oneDNN is limited below it
     */
    public static Optional<String> exposure(Map<String, String> environment, String cpuFlags) {
        if (!Set.of(cpuFlags.toLowerCase(Locale.ROOT).split("\\s+")).contains("avx512f")) {
            return Optional.empty();
        }
        String limit = environment.getOrDefault("ONEDNN_MAX_CPU_ISA", environment.get("DNNL_MAX_CPU_ISA"));
        if (limit != null && SAFE_LIMITS.contains(limit.trim().toUpperCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of("this CPU has AVX-512 and ONEDNN_MAX_CPU_ISA is "
                + (limit == null ? "unset" : "'" + limit + "'")
                + ": libtorch 2.7.1's oneDNN AVX-512 convolution backward pass returns wrong gradients at random;"
                + " start the JVM with ONEDNN_MAX_CPU_ISA=AVX2 in its environment (bin/pc-train does)");
    }

    /**
     * Logs a warning when a run on {@code device} is exposed to the fault.
     *
     * @param device the device the run trains on; GPU runs do not use oneDNN's convolutions
     */
    public static void warnIfExposed(Device device) {
        if (device.isGpu()) {
            return;
        }
        exposure(System.getenv(), cpuFlags(Path.of("/proc/cpuinfo"))).ifPresent(w -> LOG.warn("Convolutions: {}", w));
    }

    /**
     * Reads the first {@code flags} line of a cpuinfo file.
     *
     * @param cpuinfo the file
     * @return its flags, or "" if the file is missing or has none (not Linux on x86)
     */
    static String cpuFlags(Path cpuinfo) {
        try (var lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1)).orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
