package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.cli.PcTrainCli;
import dev.pct.train.testing.ForkedJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands a user runs first, each in its own JVM with the CLI's own logging (log4j2.xml) and its output not a
 * terminal, say nothing about GPUs or engines the job does not use: no DJL or libtorch warning (CudaUtils' driver
 * message, "Simple repository pointing to a non-archive file", ONNX Runtime's CUDA provider, NNPACK's "Unsupported
 * hardware"), and each training stage reports its progress as plain log lines with the stage's ETA.
 */
class QuietConsoleTest {
    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");
    private static final Path MODELS = Path.of("src", "test", "resources", "models");
    /** What DJL, libtorch and ONNX Runtime print when they warn: log4j's levels, c10's "[W", the known phrases. */
    private static final Pattern NOISE = Pattern.compile(
            "WARN|ERROR|^\\[W|NNPACK|CUDA|cuda|non-archive|[Ee]xecution [Pp]rovider", Pattern.MULTILINE);

    @TempDir
    Path tmp;

    private static ForkedJvm.Outcome cli(String... args) throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(List.of("-Xmx512m", "-Dai.djl.offline=true",
                "-Dlog4j2.configurationFile=" + Path.of("target", "classes", "log4j2.xml").toAbsolutePath()));
        return ForkedJvm.run(ForkedJvm.testClassPath(), options, PcTrainCli.class.getName(), List.of(args), 300);
    }

    private static void assertQuiet(ForkedJvm.Outcome outcome, String command) {
        assertEquals(0, outcome.status(), command + ":\n" + outcome.output());
        List<String> noisy = outcome.output().lines().filter(l -> NOISE.matcher(l).find()).toList();
        assertEquals(List.of(), noisy, command + " printed warnings");
    }

    @Test
    void defaultCommandsPrintNoEngineOrGpuWarnings() throws IOException, InterruptedException {
        Path run = tmp.resolve("run");
        // device auto: the job looks for a GPU, finds none, and says nothing about it.
        ForkedJvm.Outcome train = cli("train", SMOKE.toString(), "--run-dir", run.toString(), "--set", "device=auto");
        assertQuiet(train, "train");
        for (String stage : List.of("old seed 1", "baseline seed 1", "pc seed 1")) {
            for (int epoch = 1; epoch <= 3; epoch++) {
                String line = stage + " epoch " + epoch + "/3 step 15/15 loss ";
                assertTrue(train.output().lines().anyMatch(l -> l.contains(line) && l.contains("samples/s, stage ETA 0:")),
                        "a progress line with the stage's ETA: " + line + "\n" + train.output());
            }
        }
        Path config = run.resolve("config.yaml");
        // An exported CNN (a one-sample probe batch woke NNPACK), an ONNX file (ONNX Runtime looked for CUDA) and a
        // TorchScript file (DJL's repository warned about a non-archive path).
        assertQuiet(cli("predict", run.resolve("seed-1/pc/model").toString(), config.toString(), "--out",
                tmp.resolve("pc.csv").toString()), "predict model directory");
        assertQuiet(cli("predict", MODELS.resolve("tiny-old-mlp.onnx").toString(), config.toString(), "--out",
                tmp.resolve("onnx.csv").toString()), "predict .onnx");
        assertQuiet(cli("predict", MODELS.resolve("tiny-old-mlp.pt").toString(), config.toString(), "--out",
                tmp.resolve("pt.csv").toString()), "predict .pt");
        assertQuiet(cli("evaluate", config.toString(), "--old", run.resolve("old/final.params").toString(), "--new",
                run.resolve("seed-1/pc/model").toString()), "evaluate");
        assertQuiet(cli("report", run.toString()), "report");
    }
}
