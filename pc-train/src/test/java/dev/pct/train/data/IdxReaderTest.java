package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir Path dir;

    // 3 images of 2x2, labels 2, 0, 1.
    private static final byte[] PIXELS = {0, 1, 2, 3, 10, 11, 12, (byte) 255, 20, 21, 22, 23};
    private static final byte[] LABELS = {2, 0, 1};

    static byte[] imagesFile(int magic, int count, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    static byte[] labelsFile(int magic, int count, byte[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(magic).putInt(count).put(labels);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(raw);
        }
        return bos.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private void assertExpected(ImageSet set) {
        assertEquals(3, set.size());
        assertEquals(1, set.channels());
        assertEquals(2, set.height());
        assertEquals(2, set.width());
        assertEquals(3, set.numClasses());
        assertArrayEquals(PIXELS, set.pixels());
        assertArrayEquals(new int[] {2, 0, 1}, set.labels());
        assertArrayEquals(new int[] {0, 1, 2}, set.sourceIndices());
    }

    @Test
    void readsRawFiles() throws IOException {
        Path img = write("img", imagesFile(0x803, 3, 2, 2, PIXELS));
        Path lab = write("lab", labelsFile(0x801, 3, LABELS));
        ImageSet set = IdxReader.read(img, lab);
        assertExpected(set);
        // byte 255 is intensity 1, not -1/255: unsigned
        float[] s = new float[4];
        set.copySample(1, s, 0);
        // byte * (1/255f) against byte / 255f: two roundings against one, within an ulp (≤ 6e-8 below 1)
        assertArrayEquals(new float[] {10 / 255f, 11 / 255f, 12 / 255f, 1f}, s, 1e-7f);
    }

    @Test
    void readsGzippedFilesDetectedByMagicNotName() throws IOException {
        Path img = write("img.raw", gzip(imagesFile(0x803, 3, 2, 2, PIXELS)));
        Path lab = write("lab.raw", gzip(labelsFile(0x801, 3, LABELS)));
        assertExpected(IdxReader.read(img, lab));
    }

    @Test
    void readsDirectoryWithMnistNames() throws IOException {
        write("train-images-idx3-ubyte.gz", gzip(imagesFile(0x803, 3, 2, 2, PIXELS)));
        write("train-labels-idx1-ubyte", labelsFile(0x801, 3, LABELS));
        write("t10k-images-idx3-ubyte", imagesFile(0x803, 1, 2, 2, new byte[] {5, 6, 7, 8}));
        write("t10k-labels-idx1-ubyte.gz", gzip(labelsFile(0x801, 1, new byte[] {9})));
        ImageSet train = IdxReader.readDirectory(dir, true);
        assertArrayEquals(PIXELS, train.pixels());
        assertEquals(10, train.numClasses());
        ImageSet test = IdxReader.readDirectory(dir, false);
        assertArrayEquals(new int[] {9}, test.labels());
        assertArrayEquals(new byte[] {5, 6, 7, 8}, test.pixels());
    }

    @Test
    void missingDirectoryFileNamesTheFile() {
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> IdxReader.readDirectory(dir, true));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void truncatedImagesAreRejected() throws IOException {
        byte[] full = imagesFile(0x803, 3, 2, 2, PIXELS);
        Path img = write("img", Arrays.copyOf(full, full.length - 1));
        Path lab = write("lab", labelsFile(0x801, 3, LABELS));
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> IdxReader.read(img, lab));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(img.toString()), e.getMessage());
    }

    @Test
    void truncatedGzipIsRejected() throws IOException {
        byte[] gz = gzip(imagesFile(0x803, 3, 2, 2, PIXELS));
        Path img = write("img.gz", Arrays.copyOf(gz, gz.length / 2));
        Path lab = write("lab", labelsFile(0x801, 3, LABELS));
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> IdxReader.read(img, lab));
        assertTrue(e.getMessage().contains(img.toString()), e.getMessage());
    }

    @Test
    void wrongMagicIsRejected() throws IOException {
        Path img = write("img", imagesFile(0x801, 3, 2, 2, PIXELS));
        Path lab = write("lab", labelsFile(0x801, 3, LABELS));
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> IdxReader.read(img, lab));
        assertTrue(e.getMessage().contains("magic") && e.getMessage().contains("0x00000801"), e.getMessage());
        // swapped arguments: labels file given as images
        assertThrows(DataFormatException.class, () -> IdxReader.read(lab, img));
    }

    @Test
    void countMismatchIsRejected() throws IOException {
        Path img = write("img", imagesFile(0x803, 3, 2, 2, PIXELS));
        Path lab = write("lab", labelsFile(0x801, 2, new byte[] {0, 1}));
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> IdxReader.read(img, lab));
        assertTrue(e.getMessage().contains("2 labels") && e.getMessage().contains("3 images"), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        Path img = write("img", imagesFile(0x803, 3, 2, 2, PIXELS));
        byte[] lab = labelsFile(0x801, 3, LABELS);
        Path labPath = write("lab", Arrays.copyOf(lab, lab.length + 1));
        assertThrows(DataFormatException.class, () -> IdxReader.read(img, labPath));
    }

    @Test
    void labelOutOfRangeForClassCountIsRejected() throws IOException {
        Path img = write("img", imagesFile(0x803, 3, 2, 2, PIXELS));
        Path lab = write("lab", labelsFile(0x801, 3, LABELS));
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> IdxReader.read(img, lab, 2));
        assertTrue(e.getMessage().contains("label 2") && e.getMessage().contains("[0, 2)"), e.getMessage());
        assertEquals(3, IdxReader.read(img, lab, 3).numClasses());
    }

    @Test
    void realFashionMnistTestSetWhenInstalled() {
        Path fashion = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.isDirectory(fashion), "Fashion-MNIST not installed");
        ImageSet test = IdxReader.readDirectory(fashion, false);
        assertEquals(10_000, test.size());
        assertEquals(28, test.height());
        assertEquals(28, test.width());
        // The Fashion-MNIST test set is balanced: 1000 images per class.
        int[] expected = new int[10];
        Arrays.fill(expected, 1000);
        assertArrayEquals(expected, test.classCounts());
    }

    @Test
    void realFashionMnistTrainingStatisticsWhenInstalled() {
        Path fashion = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.isDirectory(fashion), "Fashion-MNIST not installed");
        ImageSet train = IdxReader.readDirectory(fashion, true);
        assertEquals(60_000, train.size());
        // the widely quoted Fashion-MNIST normalization constants
        Normalizer n = Normalizer.fit(train);
        // The quoted constants have 4 digits and are computed in various ways (population or sample std, float
        // or double): 1e-3 accepts any of them and still tells them from MNIST's 0.1307 and 0.3081.
        assertEquals(0.2860, n.mean()[0], 1e-3);
        assertEquals(0.3530, n.std()[0], 1e-3);
    }
}
