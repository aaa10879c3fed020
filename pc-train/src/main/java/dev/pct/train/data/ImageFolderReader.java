package dev.pct.train.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A reader for a folder of images with one sub-folder per class, in the layout of torchvision's
 * {@code ImageFolder}.
 *
 * <p>Class folders are sorted by name and numbered from 0; files ending in {@code .png}, {@code
 * .jpg}, {@code .jpeg}, {@code .bmp} or {@code .gif} are decoded with {@code javax.imageio}, other
 * files are skipped. Images are converted to the requested channel count (grayscale by the ITU-R
 * BT.601 luma weights, or replicated to RGB) and resized bilinearly when their size differs.
 * Grayscale images are read from their raster, not through {@code getRGB}, whose color conversion
 * would change the gray levels.
 */
public final class ImageFolderReader {

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private ImageFolderReader() {}

    /**
     * Reads all images under {@code root}.
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
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "height and width must be >= 1, got " + height + "x" + width);
        }
        if (!Files.isDirectory(root)) {
            throw new DataFormatException(root + ": not a directory");
        }
        List<Path> classDirs = list(root, true);
        if (classDirs.isEmpty()) {
            throw new DataFormatException(root + ": no class sub-folders");
        }
        List<String> names = new ArrayList<>();
        List<List<Path>> files = new ArrayList<>();
        int total = 0;
        for (Path dir : classDirs) {
            List<Path> images =
                    list(dir, false).stream().filter(ImageFolderReader::isImage).toList();
            if (images.isEmpty()) {
                throw new DataFormatException(dir + ": empty class folder, no image files");
            }
            names.add(dir.getFileName().toString());
            files.add(images);
            total += images.size();
        }
        int sample = channels * height * width;
        byte[] pixels = new byte[Math.multiplyExact(total, sample)];
        int[] labels = new int[total];
        int i = 0;
        for (int c = 0; c < files.size(); c++) {
            for (Path file : files.get(c)) {
                int[] img = decode(file, channels, height, width);
                for (int j = 0; j < sample; j++) {
                    pixels[i * sample + j] = (byte) img[j];
                }
                labels[i++] = c;
            }
        }
        return ImageSet.of(
                pixels, labels, names.size(), channels, height, width, names, root.toString());
    }

    /**
     * Decodes one image into C×H×W values in [0, 255].
     *
     * @param file the image file
     * @param channels 1 or 3
     * @param height the target height
     * @param width the target width
     * @return the pixel values
     * @throws DataFormatException if the file cannot be decoded
     */
    static int[] decode(Path file, int channels, int height, int width) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(file + ": unreadable image (" + e.getMessage() + ")", e);
        }
        if (image == null) {
            throw new DataFormatException(file + ": unreadable image, no decoder for its format");
        }
        int h0 = image.getHeight();
        int w0 = image.getWidth();
        int[][] planes = planes(image, channels);
        int[] out = new int[channels * height * width];
        for (int c = 0; c < channels; c++) {
            int[] plane = planes[c];
            if (h0 != height || w0 != width) {
                plane = resizeBilinear(plane, h0, w0, height, width);
            }
            System.arraycopy(plane, 0, out, c * height * width, height * width);
        }
        return out;
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

    /**
     * Resizes one plane bilinearly with half-pixel centers (as PyTorch's {@code interpolate} with
     * {@code align_corners=False}, without antialiasing).
     */
    static int[] resizeBilinear(int[] src, int h0, int w0, int h, int w) {
        int[] out = new int[h * w];
        double sy = (double) h0 / h;
        double sx = (double) w0 / w;
        for (int y = 0; y < h; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, h0 - 1);
            int y1 = Math.min(y0 + 1, h0 - 1);
            double ay = fy - y0;
            for (int x = 0; x < w; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, w0 - 1);
                int x1 = Math.min(x0 + 1, w0 - 1);
                double ax = fx - x0;
                double top = src[y0 * w0 + x0] * (1 - ax) + src[y0 * w0 + x1] * ax;
                double bottom = src[y1 * w0 + x0] * (1 - ax) + src[y1 * w0 + x1] * ax;
                out[y * w + x] = (int) Math.round(top * (1 - ay) + bottom * ay);
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
