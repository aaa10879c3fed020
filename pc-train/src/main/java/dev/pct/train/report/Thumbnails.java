package dev.pct.train.report;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Small PNG images of test samples for {@code report.html}. */
final class Thumbnails {

    private Thumbnails() {}

    /**
     * Scales an image down so that its longer side is {@code side} pixels, keeping its aspect ratio.
     *
     * @param image the image
     * @param side the longer side of the result
     * @return the image itself when it is no larger
     */
    static BufferedImage scale(BufferedImage image, int side) {
        int longer = Math.max(image.getWidth(), image.getHeight());
        if (longer <= side) {
            return image;
        }
        int width = Math.max(1, Math.round((float) image.getWidth() * side / longer));
        int height = Math.max(1, Math.round((float) image.getHeight() * side / longer));
        BufferedImage out = new BufferedImage(width, height, image.getType() == BufferedImage.TYPE_BYTE_GRAY
                ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Encodes an image as PNG.
     *
     * @param image the image
     * @return the PNG bytes
     */
    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer for an image of type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
        return out.toByteArray();
    }
}
