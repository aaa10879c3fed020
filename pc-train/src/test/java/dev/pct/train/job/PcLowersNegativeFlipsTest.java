package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.data.SyntheticData;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's central claim, checked end to end on a controlled task: at the same seed, the PC model has
 * clearly fewer negative flips against the old model than a plain retrain of the same network.
 *
 * <p>The task ({@link #JOB}): the job's synthetic data, 4 classes of 8x8 images, 1,500 training and 4,000
 * test samples, with per-pixel noise 0.6 (the class prototypes vary by only ±0.3 around 0.5): a hard task
 * (the old model's test error is about 47%, chance is 75%) with many test samples near a decision boundary,
 * where two models trained apart easily disagree.
 *
 * <ul>
 *   <li>The old model is a linear classifier (an MLP without hidden layers) trained in the job: a smooth,
 *       simple function.
 *   <li>The new model is a different, larger architecture: an MLP with a 64-unit hidden layer. It can
 *       represent the old model's function, but trained on the hard labels alone (the baseline) it fits the
 *       noise of the training set its own way and disagrees with the old model on about 30% of the test
 *       samples, among them many that the old model gets right: the baseline's negative flips.
 *   <li>The PC model is the same network from the same initial weights, trained with focal distillation:
 *       KL at tau 1, alpha 1, beta 5 (the old-correct samples weigh six times as much) and lambda 5, so the
 *       distillation term dominates cross-entropy and the new model copies the old model's function where the
 *       old model is right. Because that function is simple and learnable, the copy generalizes to the test
 *       set and most of the baseline's negative flips disappear, with an error rate no worse.
 * </ul>
 *
 * <p>The new model must be able to copy the old one: a small CNN (3x3 convolution, max pooling) in its place
 * could not represent the linear old model on these plane-wave prototypes, agreed with it on only about 80% of
 * the test set even when distilled, and cut the negative flips only to 0.65-0.9 of the baseline's (noise 0.3).
 *
 * <p>The flips are counted here from the run's files, independently of the job's metrics: the test labels
 * come from the generator, the predictions are the arg-max of each model's {@code logits-test.bin}. The
 * counts must also match what {@code metrics.json} reports.
 *
 * <p>Observed on a 2-core CPU (8 epochs; the whole job takes about 8 s there, seeds of one job share the data
 * and the old model, whose test error is 0.474):
 *
 * <pre>
 * seed  baseline NF (NFR)   error    PC NF (NFR)     error    PC/baseline NFR
 *  1     481 (0.120)        0.514    168 (0.042)     0.484    0.35
 *  2     506 (0.127)        0.510    189 (0.047)     0.477    0.37
 *  3     508 (0.127)        0.516    183 (0.046)     0.484    0.36
 * </pre>
 *
 * The same task with seeds 4-12 (other data, other old models) and with noise 0.45 gave ratios from 0.31 to
 * 0.40, the baseline 386 to 606 negative flips, and the PC model always the lower error. Running this test
 * three times gave identical counts. The thresholds below ({@link #MAX_RATIO} 0.6, at least {@link
 * #MIN_BASELINE_FLIPS} 200 baseline flips) leave a wide margin on both.
 */
class PcLowersNegativeFlipsTest {
    /** The seeds; the first also seeds the data and the old model. */
    private static final List<Integer> SEEDS = List.of(1, 2, 3);
    private static final int TRAIN = 1500;
    private static final int TEST = 4000;
    private static final int CLASSES = 4;
    private static final double NOISE = 0.6;
    /** NFR(pc) must be at most this share of NFR(baseline), per seed; observed at most 0.40. */
    private static final double MAX_RATIO = 0.6;
    /** The baseline must flip at least this many samples, so the comparison is not noise; observed >= 386. */
    private static final int MIN_BASELINE_FLIPS = 200;
    /**
     * PC must not buy its flips with accuracy: its error at most this much above the baseline's. Observed 0.030
     * to 0.033 below it (table above; runs are deterministic), so 0.01 above (40 of the 4000 test samples) is a
     * margin of 0.04 while still catching a PC model that trades accuracy for flips.
     */
    private static final double ERROR_TOLERANCE = 0.01;

    private static final String JOB = """
            name: pc-lowers-negative-flips
            seeds: %s
            device: cpu
            compare_baseline: true
            data:
              source: synthetic
              validation_fraction: 0.1
              synthetic: {train_size: %d, test_size: %d, classes: %d, channels: 1, height: 8, width: 8, noise: %s}
            old_model:
              source: train
              architecture: {type: mlp, hidden: []}
            new_model:
              architecture: {type: mlp, hidden: [64]}
            loss: {treatment: fd-kl, alpha: 1.0, beta: 5.0, tau: 1.0, lambda: 5.0}
            training:
              epochs: 8
              batch_size: 64
              optimizer: {type: adam}
              learning_rate: 0.01
              schedule: {type: constant, warmup_epochs: 0}
              log_every_steps: 0
              checkpoint_every_epochs: 0
            """.formatted(SEEDS, TRAIN, TEST, CLASSES, NOISE);

    @TempDir
    Path tmp;

    @Test
    void pcHasFarFewerNegativeFlipsThanThePlainRetrainAtEverySeed() throws IOException {
        Path jobFile = Files.writeString(tmp.resolve("job.yaml"), JOB);
        JobConfig config = JobConfigLoader.load(jobFile, List.of());
        Path run = tmp.resolve("run");
        PcJob.run(config, run);

        // The test labels straight from the generator (the job seeds the data with its first seed).
        int[] labels = SyntheticData.generate(TRAIN, TEST, CLASSES, 1, 8, 8, NOISE, SEEDS.get(0)).test().labels();
        int[] old = argmax(readLogits(run.resolve("old/logits-test.bin")));
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertEquals(TEST, metrics.get("testSamples").asInt());

        List<Counts[]> pairs = new ArrayList<>();
        List<String> observed = new ArrayList<>();
        for (int seed : SEEDS) {
            Counts baseline = count(labels, old, run, seed, "baseline");
            Counts pc = count(labels, old, run, seed, "pc");
            checkAgainstMetrics(metrics, seed, "baseline", baseline);
            checkAgainstMetrics(metrics, seed, "pc", pc);
            pairs.add(new Counts[] {baseline, pc});
            observed.add(String.format("seed %d: baseline %d flips (NFR %.4f, error %.4f), pc %d flips (NFR %.4f,"
                            + " error %.4f), ratio %.2f", seed, baseline.negativeFlips.size(), baseline.nfr(),
                    baseline.errorRate(), pc.negativeFlips.size(), pc.nfr(), pc.errorRate(),
                    pc.nfr() / baseline.nfr()));
        }
        String all = String.join("\n", observed);
        System.out.println(all);
        for (Counts[] pair : pairs) {
            Counts baseline = pair[0];
            Counts pc = pair[1];
            assertTrue(baseline.negativeFlips.size() >= MIN_BASELINE_FLIPS,
                    "the baseline must disagree with the old model enough to compare:\n" + all);
            assertTrue(pc.nfr() <= MAX_RATIO * baseline.nfr(),
                    "PC must cut the baseline's negative flip rate to at most " + MAX_RATIO + " of it:\n" + all);
            assertTrue(pc.errorRate() <= baseline.errorRate() + ERROR_TOLERANCE,
                    "PC must not pay for fewer flips with a worse error rate:\n" + all);
        }
    }

    /** One model's test errors and negative flips, counted from its logits file. */
    private record Counts(int total, int errors, List<Integer> negativeFlips) {
        double nfr() {
            return negativeFlips.size() / (double) total;
        }

        double errorRate() {
            return errors / (double) total;
        }
    }

    private static Counts count(int[] labels, int[] old, Path run, int seed, String model) throws IOException {
        int[] predictions = argmax(readLogits(run.resolve("seed-" + seed).resolve(model).resolve("logits-test.bin")));
        assertEquals(labels.length, predictions.length);
        int errors = 0;
        List<Integer> flips = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            if (predictions[i] != labels[i]) {
                errors++;
                if (old[i] == labels[i]) {
                    flips.add(i);
                }
            }
        }
        return new Counts(labels.length, errors, flips);
    }

    /** The counts made here must be the job's own: same flips (same samples), same rate, same errors. */
    private static void checkAgainstMetrics(JsonNode metrics, int seed, String model, Counts counts) {
        JsonNode entry = null;
        for (JsonNode m : metrics.get("models")) {
            if (m.get("model").asText().equals(model) && m.get("seed").asInt() == seed) {
                entry = m;
            }
        }
        assertTrue(entry != null, "metrics.json has no " + model + " seed " + seed);
        String what = model + " seed " + seed;
        assertEquals(counts.errors, entry.get("errors").asInt(), what + ": errors");
        JsonNode vsOld = entry.get("vsOld");
        assertEquals(counts.total, vsOld.get("total").asInt(), what + ": total");
        assertEquals(counts.negativeFlips.size(), vsOld.get("negativeFlips").asInt(), what + ": negative flips");
        // The same count over the same total in double, through JSON: equal in practice; 1e-12 absorbs the last bit.
        assertEquals(counts.nfr(), vsOld.get("negativeFlipRate").asDouble(), 1e-12, what + ": NFR");
        List<Integer> indices = new ArrayList<>();
        vsOld.get("negativeFlipIndices").forEach(n -> indices.add(n.asInt()));
        assertEquals(counts.negativeFlips, indices, what + ": which samples flipped");
    }

    /** Reads a {@code logits-test.bin}: big-endian int rows, int classes, then the rows' floats. */
    private static float[][] readLogits(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int rows = in.readInt();
            int classes = in.readInt();
            assertEquals(TEST, rows, file + ": rows");
            assertEquals(CLASSES, classes, file + ": classes");
            float[][] out = new float[rows][classes];
            for (float[] row : out) {
                for (int c = 0; c < classes; c++) {
                    row[c] = in.readFloat();
                }
            }
            assertEquals(-1, in.read(), file + ": trailing bytes");
            return out;
        }
    }

    private static int[] argmax(float[][] logits) {
        int[] out = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int c = 1; c < logits[i].length; c++) {
                if (logits[i][c] > logits[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
