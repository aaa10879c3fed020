package dev.pct.train.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuKernelCheckTest {

    private static final String AVX512 = "fpu sse sse2 avx avx2 avx512f avx512bw avx512vl";
    private static final String AVX2_ONLY = "fpu sse sse2 avx avx2 fma";

    @Test
    void anAvx512CpuWithoutALimitIsExposed() {
        String warning = CpuKernelCheck.exposure(Map.of(), AVX512).orElseThrow();
        assertTrue(warning.contains("ONEDNN_MAX_CPU_ISA is unset"), warning);
        assertTrue(warning.contains("ONEDNN_MAX_CPU_ISA=AVX2"), warning);
    }

    @Test
    void aLimitThatStillAllowsAvx512IsNamed() {
        String warning = CpuKernelCheck.exposure(Map.of("ONEDNN_MAX_CPU_ISA", "AVX512_CORE"), AVX512).orElseThrow();
        assertTrue(warning.contains("'AVX512_CORE'"), warning);
    }

    @Test
    void anAvx2LimitUnderEitherNameOrAnAvx2CpuIsSafe() {
        assertTrue(CpuKernelCheck.exposure(Map.of("ONEDNN_MAX_CPU_ISA", "avx2"), AVX512).isEmpty());
        assertTrue(CpuKernelCheck.exposure(Map.of("DNNL_MAX_CPU_ISA", "AVX2"), AVX512).isEmpty());
        assertTrue(CpuKernelCheck.exposure(Map.of(), AVX2_ONLY).isEmpty());
        // avx512f must be a whole flag, not part of another name
        assertTrue(CpuKernelCheck.exposure(Map.of(), "avx512f_like_flag").isEmpty());
    }

    @Test
    void flagsComeFromTheFirstFlagsLineAndAMissingFileGivesNone(@TempDir Path dir) throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: X\nflags\t\t: fpu avx512f\n\nflags\t: other\n");
        assertEquals(" fpu avx512f", CpuKernelCheck.cpuFlags(cpuinfo));
        assertEquals("", CpuKernelCheck.cpuFlags(dir.resolve("missing")));
    }

    @Test
    void theTestJvmRunsWithTheLimit() {
        // Surefire sets it (pom.xml); without it ConvolutionBackwardTest fails on AVX-512 machines.
        assertTrue(CpuKernelCheck.exposure(System.getenv(), CpuKernelCheck.cpuFlags(Path.of("/proc/cpuinfo")))
                .isEmpty(), "the test JVM should run with ONEDNN_MAX_CPU_ISA=AVX2");
    }
}
