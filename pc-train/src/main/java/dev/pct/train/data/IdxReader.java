package dev.pct.train.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A reader for the IDX format of MNIST and <a
 * href="https://github.com/zalandoresearch/fashion-mnist">Fashion-MNIST</a>, raw or gzipped.
 *
 * <p>An image file starts with the big-endian magic {@code 0x00000803}, the count, the rows and the
 * columns, followed by one unsigned byte per pixel; a label file starts with {@code 0x00000801} and
 * the count, followed by one byte per label. Gzip is detected by its magic bytes, not by the file
 * name.
 */
public final class IdxReader {

    /** The magic number of an IDX file of unsigned-byte images (3 dimensions). */
    public static final int IMAGES_MAGIC = 0x00000803;

    /** The magic number of an IDX file of unsigned-byte labels (1 dimension). */
    public static final int LABELS_MAGIC = 0x00000801;

    /** The number of classes in MNIST and Fashion-MNIST. */
    public static final int DEFAULT_CLASSES = 10;

    /** The class names of Fashion-MNIST, index = label. */
    public static final List<String> FASHION_MNIST_CLASS_NAMES =
            List.of(
                    "T-shirt/top",
                    "Trouser",
                    "Pullover",
                    "Dress",
                    "Coat",
                    "Sandal",
                    "Shirt",
                    "Sneaker",
                    "Bag",
                    "Ankle boot");

    private IdxReader() {}

    /**
     * Reads an image file and a label file, taking the class count as the largest label plus one.
     *
     * @param images the IDX image file (raw or gzipped)
     * @param labels the IDX label file (raw or gzipped)
     * @return the data set
     * @throws DataFormatException if a file is unreadable, has the wrong magic, is truncated, or
     *     the counts differ
     */
    public static ImageSet read(Path images, Path labels) {
        return read(images, labels, 0);
    }

    /**
     * Reads an image file and a label file with a known class count.
     *
     * @param images the IDX image file (raw or gzipped)
     * @param labels the IDX label file (raw or gzipped)
     * @param numClasses the number of classes; labels must lie in [0, numClasses); 0 infers it
     * @return the data set
     * @throws DataFormatException if a file is unreadable, has the wrong magic, is truncated, the
     *     counts differ, or a label is out of range
     */
    public static ImageSet read(Path images, Path labels, int numClasses) {
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses must be >= 0, got " + numClasses);
        }
        checkHeapFor(images);
        ByteBuffer img = ByteBuffer.wrap(readMaybeGzipped(images));
        ByteBuffer lab = ByteBuffer.wrap(readMaybeGzipped(labels));

        checkMagic(images, img, IMAGES_MAGIC, "images");
        if (img.remaining() < 12) {
            throw new DataFormatException(images + ": truncated IDX header");
        }
        int count = img.getInt();
        int rows = img.getInt();
        int cols = img.getInt();
        if (count < 0 || rows < 1 || cols < 1) {
            throw new DataFormatException(
                    images + ": bad IDX dimensions " + count + "x" + rows + "x" + cols);
        }
        long expected = (long) count * rows * cols;
        checkPayload(images, img, expected, "pixel bytes for " + count + " images");

        checkMagic(labels, lab, LABELS_MAGIC, "labels");
        if (lab.remaining() < 4) {
            throw new DataFormatException(labels + ": truncated IDX header");
        }
        int labelCount = lab.getInt();
        if (labelCount != count) {
            throw new DataFormatException(
                    labels
                            + ": holds "
                            + labelCount
                            + " labels but "
                            + images
                            + " holds "
                            + count
                            + " images");
        }
        checkPayload(labels, lab, count, "label bytes");
        if (count == 0) {
            throw new DataFormatException(images + ": holds no images");
        }

        byte[] pixels = new byte[(int) expected];
        img.get(pixels);
        int[] y = new int[count];
        int max = 0;
        for (int i = 0; i < count; i++) {
            y[i] = lab.get() & 0xFF;
            max = Math.max(max, y[i]);
            if (numClasses > 0 && y[i] >= numClasses) {
                throw new DataFormatException(
                        labels
                                + ": label "
                                + y[i]
                                + " of sample "
                                + i
                                + " is outside [0, "
                                + numClasses
                                + ")");
            }
        }
        int classes = numClasses > 0 ? numClasses : max + 1;
        return ImageSet.of(pixels, y, classes, 1, rows, cols, List.of(), images.toString());
    }

    /**
     * Reads the training or test split of an MNIST-style folder with {@value #DEFAULT_CLASSES}
     * classes.
     *
     * @param dir the folder holding {@code train-images-idx3-ubyte(.gz)}, {@code
     *     train-labels-idx1-ubyte(.gz)}, {@code t10k-images-idx3-ubyte(.gz)} and {@code
     *     t10k-labels-idx1-ubyte(.gz)}
     * @param train true for the training split, false for the test split
     * @return the data set
     * @throws DataFormatException if a file is missing or malformed
     */
    public static ImageSet readDirectory(Path dir, boolean train) {
        return readDirectory(dir, train, DEFAULT_CLASSES);
    }

    /**
     * Reads the training or test split of an MNIST-style folder.
     *
     * @param dir the folder, see {@link #readDirectory(Path, boolean)}
     * @param train true for the training split, false for the test split
     * @param numClasses the number of classes, or 0 to infer it
     * @return the data set
     * @throws DataFormatException if a file is missing or malformed
     */
    public static ImageSet readDirectory(Path dir, boolean train, int numClasses) {
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        return read(images, labels, numClasses);
    }

    private static Path find(Path dir, String name) {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir + ": not a directory");
        }
        for (String candidate : new String[] {name, name + ".gz", name.replace("-idx", ".idx")}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DataFormatException(dir + ": no " + name + " or " + name + ".gz");
    }

    private static void checkMagic(Path file, ByteBuffer buf, int magic, String kind) {
        if (buf.remaining() < 4) {
            throw new DataFormatException(file + ": truncated, no IDX magic number");
        }
        int found = buf.getInt();
        if (found != magic) {
            throw new DataFormatException(
                    String.format(
                            "%s: wrong magic number 0x%08X for IDX %s, expected 0x%08X",
                            file, found, kind, magic));
        }
    }

    private static void checkPayload(Path file, ByteBuffer buf, long expected, String what) {
        if (buf.remaining() < expected) {
            throw new DataFormatException(
                    file
                            + ": truncated, expected "
                            + expected
                            + " "
                            + what
                            + ", found "
                            + buf.remaining());
        }
        if (buf.remaining() > expected) {
            throw new DataFormatException(
                    file
                            + ": "
                            + (buf.remaining() - expected)
                            + " unexpected bytes after "
                            + expected
                            + " "
                            + what);
        }
    }

    /**
     * Reads an image file's header alone and refuses the file before it is read whole if its pixels cannot
     * fit in the heap; a header that cannot be read is left for the full read to report.
     */
    private static void checkHeapFor(Path images) {
        try (InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(images))) {
            raw.mark(2);
            boolean gzipped = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (InputStream in = gzipped ? new GZIPInputStream(raw) : raw) {
                ByteBuffer header = ByteBuffer.wrap(in.readNBytes(16));
                if (header.remaining() < 16 || header.getInt() != IMAGES_MAGIC) {
                    return;
                }
                int count = header.getInt();
                int rows = header.getInt();
                int cols = header.getInt();
                if (count >= 0 && rows > 0 && cols > 0) {
                    HeapBudget.check(images, (long) count * rows * cols,
                            count + " images of " + rows + "x" + cols);
                }
            }
        } catch (IOException e) {
            // the full read reports it with the file named
        }
    }

    /** Reads a whole file, gunzipping it when it starts with the gzip magic 0x1f 0x8b. */
    static byte[] readMaybeGzipped(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read (" + e + ")", e);
        }
        if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1f && (raw[1] & 0xFF) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new DataFormatException(
                        file + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
            }
        }
        return raw;
    }
}
