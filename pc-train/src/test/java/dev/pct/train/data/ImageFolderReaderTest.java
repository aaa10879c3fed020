package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
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
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("unreadable"), e.getMessage());
    }
}
