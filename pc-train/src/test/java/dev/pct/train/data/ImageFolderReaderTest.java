package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {

    @TempDir Path root;

    private static void gray(Path file, int w, int h, int... values) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setPixels(0, 0, w, h, values);
        ImageIO.write(img, "png", file.toFile());
    }

    private static void rgb(Path file, int w, int h, int... rgbs) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, w, h, rgbs, 0, w);
        ImageIO.write(img, "png", file.toFile());
    }

    private static int[] unsigned(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }

    @Test
    void readsTwoClassesOfGrayPngsSorted() throws IOException {
        Path cat = Files.createDirectory(root.resolve("cat"));
        Path ant = Files.createDirectory(root.resolve("ant"));
        gray(cat.resolve("b.png"), 2, 2, 1, 2, 3, 4);
        gray(cat.resolve("a.png"), 2, 2, 200, 201, 202, 255);
        gray(ant.resolve("x.png"), 2, 2, 9, 8, 7, 6);
        Files.writeString(cat.resolve("notes.txt"), "not an image");

        ImageSet set = ImageFolderReader.read(root, 1, 2, 2);
        assertEquals(List.of("ant", "cat"), set.classNames());
        assertEquals(2, set.numClasses());
        assertArrayEquals(new int[] {0, 1, 1}, set.labels());
        assertArrayEquals(
                new int[] {9, 8, 7, 6, 200, 201, 202, 255, 1, 2, 3, 4}, unsigned(set.pixels()));
    }

    @Test
    void rgbToThreeChannelsAndToLuma() throws IOException {
        Path c = Files.createDirectory(root.resolve("c"));
        // red, green / blue, white
        rgb(c.resolve("p.png"), 2, 1, 0xFF0000, 0x00FF00);
        ImageSet three = ImageFolderReader.read(root, 3, 1, 2);
        assertArrayEquals(new int[] {255, 0, 0, 255, 0, 0}, unsigned(three.pixels()));
        ImageSet one = ImageFolderReader.read(root, 1, 1, 2);
        // BT.601: round(0.299 * 255) = 76, round(0.587 * 255) = 150
        assertArrayEquals(new int[] {76, 150}, unsigned(one.pixels()));
    }

    @Test
    void grayToRgbReplicatesAndResizesBilinearly() throws IOException {
        Path c = Files.createDirectory(root.resolve("c"));
        gray(c.resolve("p.png"), 2, 1, 0, 100);
        ImageSet set = ImageFolderReader.read(root, 3, 1, 4);
        // half-pixel centres: source x = 0 (clamped), 0.25, 0.75, 1 (clamped)
        int[] row = {0, 25, 75, 100};
        int[] expected = new int[12];
        for (int ch = 0; ch < 3; ch++) {
            System.arraycopy(row, 0, expected, ch * 4, 4);
        }
        assertArrayEquals(expected, unsigned(set.pixels()));
    }

    @Test
    void emptyClassFolderIsRejected() throws IOException {
        Path a = Files.createDirectory(root.resolve("a"));
        gray(a.resolve("p.png"), 1, 1, 5);
        Path empty = Files.createDirectory(root.resolve("b"));
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> ImageFolderReader.read(root, 1, 1, 1));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void rootWithoutClassFoldersIsRejected() {
        assertThrows(DataFormatException.class, () -> ImageFolderReader.read(root, 1, 1, 1));
    }

    @Test
    void undecodableImageIsRejected() throws IOException {
        Path a = Files.createDirectory(root.resolve("a"));
        Path bad = a.resolve("broken.png");
        Files.writeString(bad, "this is no png");
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> ImageFolderReader.read(root, 1, 1, 1));
        assertTrue(e.getMessage().contains(bad.toString())
                && e.getMessage().contains("not an image: its content is no PNG, JPEG, BMP or GIF"), e.getMessage());
    }

    /** A PNG whose IHDR claims {@code width x height}; its single pixel of data does not match, never decoded. */
    static void forgedPng(Path file, int width, int height) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png", png);
        ByteBuffer bytes = ByteBuffer.wrap(png.toByteArray());
        // 8 bytes of signature, then IHDR: length (4), type (4), width (4), height (4), 5 more bytes, CRC (4).
        assertEquals("IHDR", new String(bytes.array(), 12, 4, StandardCharsets.US_ASCII));
        bytes.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(bytes.array(), 12, 4 + 13);
        bytes.putInt(29, (int) crc.getValue());
        Files.write(file, bytes.array());
    }

    @Test
    void aHeaderClaimingHugeDimensionsIsRefusedBeforeDecoding() throws IOException {
        Path a = Files.createDirectory(root.resolve("a"));
        Path bomb = a.resolve("bomb.png");
        forgedPng(bomb, 100_000, 100_000);
        // The reader sees the claimed size: javax.imageio would try to allocate 10^10 pixels for it.
        try (ImageInputStream in = ImageIO.createImageInputStream(bomb.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            assertEquals(100_000, reader.getWidth(0));
            reader.dispose();
        }
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> ImageFolderReader.read(root, 1, 1, 1));
        assertTrue(e.getMessage().startsWith(bomb + ": its header claims 100000 x 100000 = 10000000000 pixels,"
                + " more than the 268435456 (2^28) an image may have"), e.getMessage());
        // At the limit's edge the check is on the product, not on each side: 2^14 x 2^14 + 1 row is refused.
        forgedPng(bomb, 1 << 14, (1 << 14) + 1);
        DataFormatException edge = assertThrows(DataFormatException.class, () -> ImageFolderReader.decode(bomb, 1));
        assertTrue(edge.getMessage().contains("16384 x 16385"), edge.getMessage());
    }

    @Test
    void linksToDirectoriesInAClassFolderAreSkippedNotWalked() throws IOException {
        Path a = Files.createDirectory(root.resolve("a"));
        gray(a.resolve("p.png"), 1, 1, 7);
        Files.createSymbolicLink(a.resolve("up.png"), root);
        Files.createSymbolicLink(a.resolve("self"), a);
        ImageSet set = ImageFolderReader.read(root, 1, 1, 1);
        assertEquals(1, set.size());
        assertArrayEquals(new int[] {7}, unsigned(set.pixels()));
    }

    @Test
    void aClassFolderLinkedToTheRootIsALoopAndRefused() throws IOException {
        Path a = Files.createDirectory(root.resolve("a"));
        gray(a.resolve("p.png"), 1, 1, 7);
        Path loop = Files.createSymbolicLink(root.resolve("loop"), root);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolderReader.list(root, 1));
        assertTrue(e.getMessage().startsWith(loop + ": a link to " + root.toRealPath())
                && e.getMessage().contains("(a loop); expected a class folder of images"), e.getMessage());
        // A class folder linked to a folder elsewhere is an ordinary class.
        Path elsewhere = Files.createDirectories(root.resolveSibling(root.getFileName() + "-b"));
        try {
            gray(elsewhere.resolve("q.png"), 1, 1, 9);
            Files.delete(loop);
            Files.createSymbolicLink(root.resolve("b"), elsewhere);
            ImageSet set = ImageFolderReader.read(root, 1, 1, 1);
            assertEquals(List.of("a", "b"), set.classNames());
            assertArrayEquals(new int[] {7, 9}, unsigned(set.pixels()));
        } finally {
            Files.delete(elsewhere.resolve("q.png"));
            Files.delete(elsewhere);
        }
    }
}
