package dev.pct.train.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A reader for a folder of images with one sub-folder per class, in the layout of torchvision's
 * {@code ImageFolder}.
 *
 * <p>Class folders are sorted by name and numbered from 0; files ending in {@code .png}, {@code
 * .jpg}, {@code .jpeg}, {@code .bmp} or {@code .gif} are decoded with {@code javax.imageio}, other
 * files are skipped. Images are converted to the requested channel count (grayscale by the ITU-R
 * BT.601 luma weights, or replicated to RGB); {@link ModelInput} resizes them.
 * Grayscale images are read from their raster, not through {@code getRGB}, whose color conversion
 * would change the gray levels.
 *
 * <p>Hostile files fail with a message naming them: a file whose content is no image despite its extension,
 * and an image whose header claims more than {@link #MAX_PIXELS} pixels (a decompression bomb: a few
 * hundred bytes of PNG can declare 100000 x 100000 pixels, for which {@code javax.imageio} would allocate
 * 40 GB), refused from its header before any pixel is decoded. Only the class folders directly under the root
 * and the files directly in them are listed, so a link to a directory inside a class folder is skipped, not
 * followed; a class folder that is a link to the root or to a folder above it (a loop) is refused.
 */
public final class ImageFolderReader {

    /**
     * The most pixels (width x height) an image may have: 2^28, a 16384 x 16384 image, over twice the largest
     * camera sensors (about 100 megapixels), so no real photograph is refused, while a forged header is
     * refused before its pixels are allocated. Decoding such an image at the limit takes about 7 GB of heap
     * (RGB: 4 bytes per pixel for the decoded image, 12 for the channel planes, 12 for the intensities), and
     * 3 x 2^28 intensities still fit one Java array.
     */
    public static final long MAX_PIXELS = 1L << 28;

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private ImageFolderReader() {}

    /**
     * Reads all images under {@code root} into memory, brought to one size (for small folders; the job reads
     * image folders on demand with {@link ImageFolderSource}).
     *
     * @param root the folder holding one sub-folder per class
     * @param channels 1 for grayscale or 3 for RGB
     * @param height the height images are resized to
     * @param width the width images are resized to
     * @return the data set, samples ordered by class then file name
     * @throws DataFormatException if {@code root} has no class folders, a class folder has no
     *     images, or an image cannot be decoded
     */
    public static ImageSet read(Path root, int channels, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "height and width must be >= 1, got " + height + "x" + width);
        }
        Listing listing = list(root, channels);
        int total = listing.files().size();
        ModelInput input = new ModelInput(channels, height, width, ChannelOrder.RGB, Normalizer.identity(channels));
        int sample = input.sampleSize();
        byte[] pixels = new byte[Math.multiplyExact(total, sample)];
        float[] prepared = new float[sample];
        for (int i = 0; i < total; i++) {
            input.apply(decode(listing.files().get(i), channels), prepared, 0);
            for (int j = 0; j < sample; j++) {
                pixels[i * sample + j] = (byte) Math.round(Math.min(1f, Math.max(0f, prepared[j])) * 255f);
            }
        }
        return ImageSet.of(pixels, listing.labels(), listing.classNames().size(), channels, height, width,
                listing.classNames(), root.toString());
    }

    /**
     * The image files of a folder, class by class.
     *
     * @param files every image file, ordered by class then name
     * @param labels the class of each file
     * @param classNames the class folder names, index = class
     * @param sizes the size of each file in bytes
     */
    public record Listing(List<Path> files, int[] labels, List<String> classNames, long[] sizes) {}

    /**
     * Lists the image files under {@code root} without decoding them; a zero-byte file is an error here,
     * before any training.
     *
     * @param root the folder holding one sub-folder per class
     * @param channels 1 or 3, checked
     * @return the files and their classes
     * @throws DataFormatException if {@code root} has no class folders, a class folder has no images or is a
     *     link to the root or a folder above it, or an image file is empty
     */
    public static Listing list(Path root, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (!Files.isDirectory(root)) {
            throw new DataFormatException(root + ": not a directory");
        }
        List<Path> classDirs = list(root, true);
        if (classDirs.isEmpty()) {
            throw new DataFormatException(root + ": no class sub-folders");
        }
        Path realRoot = realPath(root);
        for (Path dir : classDirs) {
            Path real = realPath(dir);
            if (realRoot.startsWith(real)) {
                throw new DataFormatException(dir + ": a link to " + real + ", which holds the image folder " + root
                        + " itself (a loop); expected a class folder of images");
            }
        }
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (Path dir : classDirs) {
            List<Path> images =
                    list(dir, false).stream().filter(ImageFolderReader::isImage).toList();
            if (images.isEmpty()) {
                throw new DataFormatException(dir + ": empty class folder, no image files");
            }
            for (Path image : images) {
                try {
                    long size = Files.size(image);
                    if (size == 0) {
                        throw new DataFormatException(image + ": empty file (0 bytes), not an image");
                    }
                    sizes.add(size);
                } catch (IOException e) {
                    throw new DataFormatException(image + ": cannot read (" + e.getMessage() + ")", e);
                }
                files.add(image);
                labels.add(names.size());
            }
            names.add(dir.getFileName().toString());
        }
        return new Listing(List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray(), names,
                sizes.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * Decodes one image at its own size into intensities in [0, 1] with the requested channels.
     *
     * @param file the image file
     * @param channels 1 or 3
     * @return the image
     * @throws DataFormatException naming the file if it cannot be decoded, is no image, or its header claims
     *     more than {@link #MAX_PIXELS} pixels
     */
    public static Image decode(Path file, int channels) {
        BufferedImage image = readImage(file);
        int h = image.getHeight();
        int w = image.getWidth();
        int[][] planes = planes(image, channels);
        float[] values = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            int[] plane = planes[c];
            for (int j = 0; j < plane.length; j++) {
                values[c * h * w + j] = plane[j] * ImageSet.PIXEL_SCALE;
            }
        }
        return new Image(values, channels, h, w);
    }

    /** Reads the size from the header first, so that a forged one is refused before pixels are allocated. */
    private static BufferedImage readImage(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new DataFormatException(file + ": cannot open for reading");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataFormatException(file + ": not an image: its content is no PNG, JPEG, BMP or GIF that"
                        + " javax.imageio can decode, whatever its extension says");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > MAX_PIXELS) {
                    throw new DataFormatException(file + ": its header claims " + width + " x " + height + " = "
                            + width * height + " pixels, more than the " + MAX_PIXELS + " (2^28) an image may have;"
                            + " expected a real image (a forged header, a decompression bomb?), not decoded");
                }
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new DataFormatException(file + ": unreadable image, the decoder returned nothing");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(file + ": unreadable image (" + e.getMessage() + ")", e);
        }
    }

    private static int[][] planes(BufferedImage image, int channels) {
        int h = image.getHeight();
        int w = image.getWidth();
        boolean gray = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        int[][] out = new int[channels][h * w];
        if (gray) {
            Raster raster = image.getRaster();
            int bits = raster.getSampleModel().getSampleSize(0);
            int max = (1 << bits) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int s = raster.getSample(x, y, 0);
                    int v = bits == 8 ? s : (int) Math.round(s * 255.0 / max);
                    for (int c = 0; c < channels; c++) {
                        out[c][y * w + x] = v;
                    }
                }
            }
            return out;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (channels == 1) {
                    out[0][y * w + x] = (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                } else {
                    out[0][y * w + x] = r;
                    out[1][y * w + x] = g;
                    out[2][y * w + x] = b;
                }
            }
        }
        return out;
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p)
                && !name.startsWith(".")
                && EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new DataFormatException(dir + ": cannot resolve (" + e + ")", e);
        }
    }

    private static List<Path> list(Path dir, boolean directories) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> directories == Files.isDirectory(p))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DataFormatException(dir + ": cannot list (" + e + ")", e);
        }
    }
}
