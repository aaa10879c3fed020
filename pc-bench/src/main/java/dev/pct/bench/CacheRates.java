package dev.pct.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pct.train.data.BatchMaker;
import dev.pct.train.data.ChannelOrder;
import dev.pct.train.data.ImageFolderSource;
import dev.pct.train.data.ModelInput;
import dev.pct.train.data.Normalizer;
import dev.pct.train.data.ResizeMode;
import dev.pct.train.loop.Prefetcher;
import dev.pct.train.model.ModelFactory;
import dev.pct.train.model.ModelSpec;
import dev.pct.train.teacher.LogitCache;
import dev.pct.train.update.OldModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * The rates behind the teacher cache's cost at scale, measured on a synthetic image folder of ImageNet-like
 * JPEG files (sizes 300-500 × 250-450, 1000 classes): listing the folder, loading alone (decode, center crop
 * to 224, normalize on worker threads), writing the old model's logits into the cache (float32, then float16
 * from the float32 rows), verifying a cache on reopening, and reading random batches of rows from it.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp pc-bench/target/pc-bench.jar dev.pct.bench.CacheRates \
 *     [--images 50000] [--dir target/cache-rates] [--workers 2] [--out cache-rates.json]
 * </pre>
 *
 * The folder is written once and reused (a marker file records its size). The old model here is a small
 * network on 32×32 input with 1000 outputs, so that the rows have ImageNet's width and its inference does not
 * hide the loading and writing rates; a real old model's inference rate is the user's own to measure.
 */
public final class CacheRates {
    private static final int CLASSES = 1000;
    private static final int BATCH = 256;

    private CacheRates() {}

    /**
     * Runs the measurements.
     *
     * @param args see the class documentation
     * @throws Exception when a file cannot be written or read
     */
    public static void main(String[] args) throws Exception {
        int images = 50_000;
        Path dir = Path.of("target/cache-rates");
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--images" -> images = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; expected --images N, --dir DIR, --workers W, --out FILE");
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("images", images);
        result.put("workers", workers);
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        Path folder = dir.resolve("folder");
        long start = System.nanoTime();
        long folderBytes = writeFolder(folder, images);
        result.put("folder_mb", folderBytes / 1e6);
        System.out.printf(Locale.ROOT, "folder: %d images, %.0f MB of JPEG (%.0f s to make or find)%n", images,
                folderBytes / 1e6, seconds(start));

        start = System.nanoTime();
        ImageFolderSource source = ImageFolderSource.open(folder, 3);
        double listing = seconds(start);
        result.put("listing_images_per_s", images / listing);
        System.out.printf(Locale.ROOT, "listing: %.0f images/s (%.1f s)%n", images / listing, listing);

        // Loading alone: the new model's usual input, 224 × 224 center crop, ImageNet statistics.
        ModelInput newInput = new ModelInput(3, 224, 224, ChannelOrder.RGB, ResizeMode.CENTER_CROP, 0.875,
                new Normalizer(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}));
        BatchMaker newView = BatchMaker.builder().setData(source).optInput(newInput).build();
        double loading = loadingRate(newView, workers, Math.min(images, 8 * BATCH));
        result.put("loading_224_images_per_s", loading);
        System.out.printf(Locale.ROOT, "loading alone at 224x224 (%d workers): %.0f images/s%n", workers, loading);

        // The old model's view: 32 × 32 stretched; its logits go into the cache.
        ModelInput oldInput = new ModelInput(3, 32, 32, ChannelOrder.RGB, Normalizer.identity(3));
        BatchMaker oldView = BatchMaker.builder().setData(source).optInput(oldInput).build();
        Block block = ModelFactory.build(ModelSpec.builder().setType("mlp").optHidden(List.of(64)).build(), 3, 32, 32,
                CLASSES);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                Prefetcher prefetcher = new Prefetcher(workers, 4)) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            OldModel old = OldModel.of(block, "synthetic old model");
            Path f32 = dir.resolve("teacher-f32.logits");
            Path f16 = dir.resolve("teacher-f16.logits");
            Files.deleteIfExists(f32);
            Files.deleteIfExists(f16);
            LogitCache.Identity id32 = new LogitCache.Identity(old.identity(), source.fingerprint(),
                    oldInput.toString(), images, CLASSES, LogitCache.Precision.FLOAT32);
            AtomicLong inferenceNanos = new AtomicLong();
            try (LogitCache cache = LogitCache.open(f32, id32, 8192, (from, to) -> {
                float[] rows = new float[(to - from) * CLASSES];
                int count = (to - from + BATCH - 1) / BATCH;
                try (Prefetcher.Batches<float[]> batches = prefetcher.start(count, b -> {
                    int first = from + b * BATCH;
                    return oldView.gather(IntStream.range(first, Math.min(to, first + BATCH)).toArray(), null);
                })) {
                    for (int b = 0; b < count; b++) {
                        float[] host = batches.next();
                        int n = host.length / (3 * 32 * 32);
                        long t0 = System.nanoTime();
                        try (NDManager batch = manager.newSubManager()) {
                            float[] logits = old.logits(batch, batch.create(host, new Shape(n, 3, 32, 32)))
                                    .toFloatArray();
                            System.arraycopy(logits, 0, rows, b * BATCH * CLASSES, logits.length);
                        }
                        inferenceNanos.addAndGet(System.nanoTime() - t0);
                    }
                }
                return rows;
            })) {
                report(result, "float32", cache, images, inferenceNanos.get() / 1e9);
                LogitCache.Identity id16 = new LogitCache.Identity(id32.oldModel(), id32.data(), id32.preprocessing(),
                        images, CLASSES, LogitCache.Precision.FLOAT16);
                try (LogitCache half = LogitCache.open(f16, id16, 8192,
                        (from, to) -> cache.rows(IntStream.range(from, to).toArray()))) {
                    report(result, "float16", half, images, Double.NaN);
                }
            }
            for (Path file : List.of(f32, f16)) {
                String name = file == f32 ? "float32" : "float16";
                long t0 = System.nanoTime();
                try (LogitCache cache = LogitCache.openExisting(file)) {
                    double verify = seconds(t0);
                    double mb = Files.size(file) / 1e6;
                    result.put(name + "_verify_mb_per_s", mb / verify);
                    System.out.printf(Locale.ROOT, "%s: reopened and verified %.0f MB in %.2f s (%.0f MB/s)%n", name,
                            mb, verify, mb / verify);
                    for (int threads : new int[] {1, workers}) {
                        double rows = randomReads(cache, threads, 3.0);
                        result.put(name + "_random_rows_per_s_" + threads + "_threads", rows);
                        System.out.printf(Locale.ROOT, "%s: random batches of %d rows, %d thread%s: %.0f rows/s"
                                        + " (%.0f MB/s)%n", name, BATCH, threads, threads == 1 ? "" : "s", rows,
                                rows * CLASSES * cache.identity().precision().bytesPerValue() / 1e6);
                    }
                }
            }
        }
        if (out != null) {
            Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(result));
            System.out.println("written " + out);
        }
    }

    private static void report(Map<String, Object> result, String name, LogitCache cache, int images,
            double inferenceSeconds) {
        LogitCache.Report r = cache.report();
        double producing = r.producingSeconds();
        double writing = r.writingSeconds();
        result.put(name + "_producing_s", producing);
        result.put(name + "_writing_s", writing);
        result.put(name + "_file_mb", r.fileBytes() / 1e6);
        result.put(name + "_write_mb_per_s", r.bytesWritten() / 1e6 / writing);
        result.put(name + "_rows_per_s_end_to_end", images / (producing + writing));
        System.out.printf(Locale.ROOT, "%s cache: %d rows x %d, %.0f MB; producing %.1f s%s, writing %.1f s (%.0f MB/s,"
                        + " %.0f rows/s); end to end %.0f images/s%n", name, images, CLASSES, r.fileBytes() / 1e6,
                producing, Double.isNaN(inferenceSeconds) ? " (from the float32 rows)"
                        : String.format(Locale.ROOT, " (%.1f s of it the old model's inference)", inferenceSeconds),
                writing, r.bytesWritten() / 1e6 / writing, images / writing, images / (producing + writing));
        if (!Double.isNaN(inferenceSeconds)) {
            result.put(name + "_inference_s", inferenceSeconds);
        }
    }

    /** Images per second that workers prepare, taking batches as soon as they are ready. */
    private static double loadingRate(BatchMaker maker, int workers, int images) {
        int count = (images + BATCH - 1) / BATCH;
        int[] order = BatchMaker.shuffledIndices(maker.data().size(), new Random(1));
        long start = System.nanoTime();
        try (Prefetcher prefetcher = new Prefetcher(workers, 4);
                Prefetcher.Batches<Integer> batches = prefetcher.start(count, b -> {
                    int[] indices = Arrays.copyOfRange(order, b * BATCH, Math.min(images, (b + 1) * BATCH));
                    maker.gather(indices, null);
                    return indices.length;
                })) {
            long done = 0;
            for (int b = 0; b < count; b++) {
                done += batches.next();
            }
            return done / seconds(start);
        }
    }

    /** Rows per second read in random batches by some threads for about {@code seconds}. */
    private static double randomReads(LogitCache cache, int threads, double seconds) throws InterruptedException {
        AtomicLong rows = new AtomicLong();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> readers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Random random = new Random(t);
            Thread reader = new Thread(() -> {
                int[] indices = new int[BATCH];
                long sink = 0;
                while (System.nanoTime() < deadline) {
                    for (int i = 0; i < BATCH; i++) {
                        indices[i] = random.nextInt(cache.rows());
                    }
                    sink += Float.floatToRawIntBits(cache.rows(indices)[BATCH - 1]);
                    rows.addAndGet(BATCH);
                }
                if (sink == 42) {
                    System.out.print("");
                }
            });
            readers.add(reader);
            reader.start();
        }
        for (Thread reader : readers) {
            reader.join();
        }
        return rows.get() / seconds(start);
    }

    /** Writes {@code n} JPEG files over 1000 class folders, unless a complete folder of that size is there. */
    private static long writeFolder(Path folder, int n) throws IOException {
        Path marker = folder.resolve(".complete-" + n);
        if (!Files.exists(marker)) {
            IntStream.range(0, n).parallel().forEach(i -> {
                Random r = new Random(i);
                int w = 300 + r.nextInt(201);
                int h = 250 + r.nextInt(201);
                BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                double fx = 0.01 + 0.05 * r.nextDouble();
                double fy = 0.01 + 0.05 * r.nextDouble();
                int base = r.nextInt(1 << 24);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int wave = (int) (60 * Math.sin(fx * x) * Math.cos(fy * y));
                        int red = clamp(((base >> 16) & 0xFF) + wave + r.nextInt(40) - 20);
                        int green = clamp(((base >> 8) & 0xFF) - wave + r.nextInt(40) - 20);
                        int blue = clamp((base & 0xFF) + wave / 2 + r.nextInt(40) - 20);
                        image.setRGB(x, y, red << 16 | green << 8 | blue);
                    }
                }
                try {
                    Path file = Files.createDirectories(folder.resolve(String.format("c%04d", i % CLASSES)))
                            .resolve(String.format("%06d.jpg", i));
                    ImageIO.write(image, "jpg", file.toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Files.writeString(marker, n + "\n");
        }
        try (var files = Files.walk(folder)) {
            return files.filter(p -> p.toString().endsWith(".jpg")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
