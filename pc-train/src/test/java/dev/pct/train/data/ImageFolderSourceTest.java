package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.loop.Prefetcher;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderSourceTest {

    @TempDir Path root;

    /** A gray image of one level. */
    private static void flat(Path file, int w, int h, int level) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = new int[w * h];
        java.util.Arrays.fill(values, level);
        img.getRaster().setPixels(0, 0, w, h, values);
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** An RGB image with a pattern from a seed. */
    private static void noise(Path file, int w, int h, long seed) throws IOException {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, file.toString().endsWith(".jpg") ? "jpg" : "png", file.toFile());
    }

    @Test
    void listsWithoutDecodingAndDecodesEachImageAtItsOwnSize() throws IOException {
        flat(root.resolve("b/1.png"), 3, 2, 51);
        flat(root.resolve("a/2.png"), 5, 4, 102);
        flat(root.resolve("a/1.png"), 1, 1, 255);
        ImageFolderSource source = ImageFolderSource.open(root, 1);
        assertEquals(List.of("a", "b"), source.classNames());
        assertArrayEquals(new int[] {0, 0, 1}, source.labels());
        assertNull(source.fixedShape());
        Image first = source.read(0);
        assertEquals(1, first.height());
        assertEquals(1f, first.values()[0], 0f); // exact: 255 * (1/255f) rounds to 1
        Image second = source.read(1);
        assertEquals(4, second.height());
        assertEquals(5, second.width());
        assertEquals(102 / 255f, second.values()[19], 1e-7f); // byte * (1/255f) against byte / 255f: an ulp
        ImageFolderSource sub = source.subset(new int[] {2, 0});
        assertArrayEquals(new int[] {2, 0}, sub.sourceIndices());
        assertArrayEquals(new int[] {1, 0}, sub.labels());
        assertEquals(3, sub.read(0).width());
    }

    @Test
    void anEmptyFileAndAnEmptyClassFolderAreRejectedWhenListing() throws IOException {
        flat(root.resolve("a/1.png"), 2, 2, 1);
        Files.createFile(root.resolve("a/2.png"));
        DataFormatException empty = assertThrows(DataFormatException.class, () -> ImageFolderSource.open(root, 1));
        assertTrue(empty.getMessage().contains("2.png") && empty.getMessage().contains("0 bytes"),
                empty.getMessage());
        Files.delete(root.resolve("a/2.png"));
        Files.createDirectories(root.resolve("b"));
        DataFormatException noImages = assertThrows(DataFormatException.class,
                () -> ImageFolderSource.open(root, 1));
        assertTrue(noImages.getMessage().contains("empty class folder"), noImages.getMessage());
    }

    @Test
    void anUndecodableImageStopsTheBatchWithTheFileNamed() throws IOException {
        flat(root.resolve("a/1.png"), 2, 2, 1);
        Files.write(root.resolve("a/2.png"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ImageFolderSource source = ImageFolderSource.open(root, 1);
        BatchMaker maker = BatchMaker.builder().setData(source)
                .optInput(new ModelInput(1, 2, 2, ChannelOrder.RGB, Normalizer.identity(1))).build();
        maker.gather(new int[] {0}, null);
        DataFormatException e = assertThrows(DataFormatException.class, () -> maker.gather(new int[] {0, 1}, null));
        assertTrue(e.getMessage().contains(root.resolve("a/2.png").toString()), e.getMessage());
    }

    @Test
    void textNamedPngAndAForgedHugeHeaderAreListedButRefusedWhenReadWithTheFileNamed() throws IOException {
        flat(root.resolve("a/1.png"), 2, 2, 1);
        Path text = root.resolve("a/2.png");
        Files.writeString(text, "name,label\nx,1\n");
        Path bomb = root.resolve("a/3.png");
        ImageFolderReaderTest.forgedPng(bomb, 100_000, 100_000);
        ImageFolderSource source = ImageFolderSource.open(root, 1);
        assertEquals(3, source.size());
        assertEquals(2, source.read(0).width());
        DataFormatException notImage = assertThrows(DataFormatException.class, () -> source.read(1));
        assertEquals(text + ": not an image: its content is no PNG, JPEG, BMP or GIF that javax.imageio can decode,"
                + " whatever its extension says", notImage.getMessage());
        DataFormatException huge = assertThrows(DataFormatException.class, () -> source.read(2));
        assertTrue(huge.getMessage().startsWith(bomb + ": its header claims 100000 x 100000"), huge.getMessage());
    }

    @Test
    void batchesAreTheSameWhicheverThreadsMakeThem() throws IOException {
        int[] sizes = {20, 24, 32, 40};
        for (int i = 0; i < 24; i++) {
            noise(root.resolve((i % 3) + "/" + i + (i % 2 == 0 ? ".png" : ".jpg")), sizes[i % 4], sizes[(i + 1) % 4],
                    i);
        }
        ImageFolderSource source = ImageFolderSource.open(root, 3);
        BatchMaker maker = BatchMaker.builder().setData(source).optAugmentation(new Augmentation(2, true))
                .optInput(new ModelInput(3, 16, 16, ChannelOrder.RGB, ResizeMode.CENTER_CROP, 0.875,
                        new Normalizer(new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.2f, 0.3f, 0.25f})))
                .build();
        List<float[]> inline = batches(maker, 0);
        List<float[]> threaded = batches(maker, 3);
        assertEquals(inline.size(), threaded.size());
        for (int b = 0; b < inline.size(); b++) {
            assertArrayEquals(inline.get(b), threaded.get(b), 0f, "batch " + b);
        }
    }

    private static List<float[]> batches(BatchMaker maker, int workers) {
        int[] order = BatchMaker.shuffledIndices(maker.data().size(), new Random(9));
        List<int[]> batches = BatchMaker.batches(order, 5);
        List<float[]> out = new ArrayList<>();
        try (Prefetcher prefetcher = new Prefetcher(workers, 2);
                Prefetcher.Batches<float[]> made = prefetcher.start(batches.size(),
                        b -> maker.gather(batches.get(b), new Random(100 + b)))) {
            for (int b = 0; b < batches.size(); b++) {
                out.add(made.next());
            }
        }
        return out;
    }

    @Test
    void normalizationStatisticsOfAFolderAreThoseOfItsImagesAtTheModelsSize() throws IOException {
        // Flat images stay flat when resized, so each contributes its level at every pixel: levels 0, 51, 102
        // and 255 are intensities 0, 0.2, 0.4, 1; mean 0.4, population variance (0.16 + 0.04 + 0 + 0.36) / 4.
        flat(root.resolve("a/1.png"), 3, 5, 0);
        flat(root.resolve("a/2.png"), 8, 2, 51);
        flat(root.resolve("b/1.png"), 4, 4, 102);
        flat(root.resolve("b/2.png"), 7, 9, 255);
        ImageFolderSource source = ImageFolderSource.open(root, 1);
        ModelInput input = new ModelInput(1, 4, 4, ChannelOrder.RGB, ResizeMode.CENTER_CROP, 0.875,
                Normalizer.identity(1));
        Normalizer all = Normalizer.fit(source, input, 100, 1);
        // Statistics in double from intensities exact to float rounding (~3e-8), rounded once to float: a few ulps
        // of values below 1; 1e-6 is margin, here and for the pairs below.
        assertEquals(0.4f, all.mean()[0], 1e-6f);
        assertEquals((float) Math.sqrt(0.14), all.std()[0], 1e-6f);
        // With two samples: the statistics of one of the six pairs, the same pair for the same seed.
        Normalizer two = Normalizer.fit(source, input, 2, 5);
        assertEquals(two, Normalizer.fit(source, input, 2, 5));
        double[] levels = {0, 0.2, 0.4, 1};
        boolean matched = false;
        for (int i = 0; i < 4; i++) {
            for (int j = i + 1; j < 4; j++) {
                double mean = (levels[i] + levels[j]) / 2;
                double std = Math.abs(levels[i] - levels[j]) / 2;
                matched |= Math.abs(two.mean()[0] - mean) < 1e-6 && Math.abs(two.std()[0] - std) < 1e-6;
            }
        }
        assertTrue(matched, two.toString());
    }
}
