package dev.pct.train.data;

import ai.djl.ndarray.types.Shape;
import dev.pct.train.io.Digests;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An image folder (one sub-folder per class, as torchvision's {@code ImageFolder}) read on demand: only the
 * file list is in memory, every image is decoded when a batch needs it (on a worker thread), at its own size,
 * and prepared for each model by its {@link ModelInput}. The data set's size is then bounded by the disk, not
 * by the heap.
 *
 * <p>Listing already rejects an empty class folder, a class folder that loops back to the root, and a zero-byte
 * file; a file that fails to decode later (no image, or a header claiming more than {@link
 * ImageFolderReader#MAX_PIXELS} pixels) stops the run with a message naming it.
 */
public final class ImageFolderSource implements SampleSource {

    private final List<Path> files;
    private final int[] labels;
    private final List<String> classNames;
    private final int channels;
    private final String source;
    private final int[] sourceIndices;
    private final long[] sizes;

    private ImageFolderSource(List<Path> files, int[] labels, List<String> classNames, int channels, String source,
            int[] sourceIndices, long[] sizes) {
        this.sizes = sizes;
        this.files = files;
        this.labels = labels;
        this.classNames = classNames;
        this.channels = channels;
        this.source = source;
        this.sourceIndices = sourceIndices;
    }

    /**
     * Lists an image folder.
     *
     * @param root the folder holding one sub-folder per class
     * @param channels 1 (images are converted to grayscale) or 3 (RGB)
     * @return the source
     * @throws DataFormatException if the folder has no class folders, a class folder no image, or a file is
     *     empty
     */
    public static ImageFolderSource open(Path root, int channels) {
        ImageFolderReader.Listing listing = ImageFolderReader.list(root, channels);
        return new ImageFolderSource(listing.files(), listing.labels(), listing.classNames(), channels,
                root.toString(), ImageSet.identity(listing.files().size()), listing.sizes());
    }

    /**
     * Returns the file of a sample.
     *
     * @param index the sample
     * @return its image file
     */
    public Path file(int index) {
        return files.get(index);
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public int[] labels() {
        return labels;
    }

    @Override
    public int numClasses() {
        return classNames.size();
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public int[] sourceIndices() {
        return sourceIndices;
    }

    @Override
    public Image read(int index) {
        Objects.checkIndex(index, files.size());
        return ImageFolderReader.decode(files.get(index), channels);
    }

    @Override
    public ImageFolderSource subset(int[] indices) {
        List<Path> f = new ArrayList<>(indices.length);
        int[] l = new int[indices.length];
        int[] s = new int[indices.length];
        long[] z = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int k = Objects.checkIndex(indices[i], files.size());
            f.add(files.get(k));
            l[i] = labels[k];
            s[i] = sourceIndices[k];
            z[i] = sizes[k];
        }
        return new ImageFolderSource(List.copyOf(f), l, classNames, channels, source, s, z);
    }

    /** The folder, the channels, every file's path below it and size, the labels and the original indices. */
    @Override
    public String fingerprint() {
        MessageDigest digest = Digests.sha256();
        Path root = Path.of(source);
        Digests.update(digest, source + " " + channels + " channels");
        for (int i = 0; i < files.size(); i++) {
            Digests.update(digest, root.relativize(files.get(i)) + " " + sizes[i]);
        }
        Digests.update(digest, labels);
        Digests.update(digest, sourceIndices);
        return "sha256:" + Digests.hex(digest);
    }

    @Override
    public Shape fixedShape() {
        return null;
    }

    @Override
    public String toString() {
        return "ImageFolderSource[" + size() + " images, " + numClasses() + " classes, " + source + "]";
    }
}
