package dev.pct.train.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A reader for the binary versions of <a href="https://www.cs.toronto.edu/~kriz/cifar.html">
 * CIFAR-10 and CIFAR-100</a>.
 *
 * <p>A CIFAR-10 record is 1 label byte followed by 3072 pixel bytes (1024 red, 1024 green, 1024
 * blue, each row-major 32×32), which is already the C×H×W order {@link ImageSet} uses. A CIFAR-100
 * record is 1 coarse label byte, 1 fine label byte and the same 3072 bytes; the fine label (100
 * classes) is used.
 */
public final class CifarReader {

    /** The number of channels of a CIFAR image. */
    public static final int CHANNELS = 3;

    /** The side of a CIFAR image in pixels. */
    public static final int SIDE = 32;

    private static final int IMAGE_BYTES = CHANNELS * SIDE * SIDE;

    private CifarReader() {}

    /**
     * Reads the CIFAR-10 training set ({@code data_batch_1.bin} .. {@code data_batch_5.bin}) or
     * test set ({@code test_batch.bin}), with class names from {@code batches.meta.txt} when
     * present.
     *
     * @param dir the folder holding the files, or its parent holding {@code cifar-10-batches-bin}
     * @param train true for the training set, false for the test set
     * @return the data set
     * @throws DataFormatException if a file is missing, truncated, or has a label above 9
     */
    public static ImageSet readCifar10(Path dir, boolean train) {
        Path base = resolve(dir, "cifar-10-batches-bin", train ? "data_batch_1.bin" : "test_batch.bin");
        List<Path> files = new ArrayList<>();
        if (train) {
            for (int i = 1; i <= 5; i++) {
                files.add(require(base.resolve("data_batch_" + i + ".bin")));
            }
        } else {
            files.add(require(base.resolve("test_batch.bin")));
        }
        List<String> names = readNames(base.resolve("batches.meta.txt"), 10);
        return read(files, 10, 0).withClassNames(names);
    }

    /**
     * Reads the CIFAR-100 training set ({@code train.bin}) or test set ({@code test.bin}) with
     * fine labels, and class names from {@code fine_label_names.txt} when present.
     *
     * @param dir the folder holding the files, or its parent holding {@code cifar-100-binary}
     * @param train true for the training set, false for the test set
     * @return the data set
     * @throws DataFormatException if a file is missing, truncated, or has a label out of range
     */
    public static ImageSet readCifar100(Path dir, boolean train) {
        String name = train ? "train.bin" : "test.bin";
        Path base = resolve(dir, "cifar-100-binary", name);
        Path file = require(base.resolve(name));
        List<String> names = readNames(base.resolve("fine_label_names.txt"), 100);
        return read(List.of(file), 100, 1).withClassNames(names);
    }

    /**
     * Reads and concatenates CIFAR binary files.
     *
     * @param files the files, read in order
     * @param numClasses the number of classes (10 or 100)
     * @param labelBytesBefore the bytes before the used label in each record: 0 for CIFAR-10, 1
     *     for CIFAR-100 (whose coarse label comes first)
     * @return the data set
     * @throws DataFormatException if a file is unreadable, empty, truncated, or has a label out of
     *     range
     */
    public static ImageSet read(List<Path> files, int numClasses, int labelBytesBefore) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no CIFAR files given");
        }
        int recordSize = labelBytesBefore + 1 + IMAGE_BYTES;
        long fileBytes = 0;
        for (Path f : files) {
            fileBytes += f.toFile().length(); // 0 for a missing file, which the read below reports
        }
        HeapBudget.check(files.size() == 1 ? files.get(0) : files.get(0).toAbsolutePath().getParent(), fileBytes,
                files.size() + " CIFAR file(s) of " + fileBytes / recordSize + " images");
        List<byte[]> contents = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            byte[] raw;
            try {
                raw = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new DataFormatException(f + ": cannot read (" + e + ")", e);
            }
            if (raw.length == 0) {
                throw new DataFormatException(f + ": empty file");
            }
            if (raw.length % recordSize != 0) {
                throw new DataFormatException(
                        f
                                + ": truncated, length "
                                + raw.length
                                + " is not a multiple of the record size "
                                + recordSize);
            }
            contents.add(raw);
            total += raw.length / recordSize;
        }
        int n = Math.toIntExact(total);
        byte[] pixels = new byte[Math.multiplyExact(n, IMAGE_BYTES)];
        int[] labels = new int[n];
        int i = 0;
        for (int fi = 0; fi < files.size(); fi++) {
            byte[] raw = contents.get(fi);
            for (int off = 0; off < raw.length; off += recordSize, i++) {
                int label = raw[off + labelBytesBefore] & 0xFF;
                if (label >= numClasses) {
                    throw new DataFormatException(
                            files.get(fi)
                                    + ": label "
                                    + label
                                    + " of record "
                                    + off / recordSize
                                    + " is outside [0, "
                                    + numClasses
                                    + ")");
                }
                labels[i] = label;
                System.arraycopy(
                        raw, off + labelBytesBefore + 1, pixels, i * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        String source = files.size() == 1 ? files.get(0).toString() : files.get(0).getParent().toString();
        return ImageSet.of(pixels, labels, numClasses, CHANNELS, SIDE, SIDE, List.of(), source);
    }

    private static Path resolve(Path dir, String subdir, String probe) {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir + ": not a directory");
        }
        if (!Files.exists(dir.resolve(probe)) && Files.isDirectory(dir.resolve(subdir))) {
            return dir.resolve(subdir);
        }
        return dir;
    }

    private static Path require(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file + ": missing CIFAR file");
        }
        return file;
    }

    private static List<String> readNames(Path file, int numClasses) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read class names (" + e + ")", e);
        }
        if (names.size() != numClasses) {
            throw new DataFormatException(
                    file + ": expected " + numClasses + " class names, found " + names.size());
        }
        return names;
    }
}
