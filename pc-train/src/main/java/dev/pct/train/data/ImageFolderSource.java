package dev.pct.train.data;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An image folder (one sub-folder per class, as torchvision's {@code ImageFolder}) read on demand: only the
 * file list is in memory, every image is decoded when a batch needs it (on a worker thread), at its own size,
 * and prepared for each model by its {@link ModelInput}. The data set's size is then bounded by the disk, not
 * by the heap.
 *
 * <p>Listing already rejects an empty class folder and a zero-byte file; a file that fails to decode later
 * stops the run with a message naming it.
 */
public final class ImageFolderSource implements SampleSource {

    private final List<Path> files;
    private final int[] labels;
    private final List<String> classNames;
    private final int channels;
    private final String source;
    private final int[] sourceIndices;

    private ImageFolderSource(List<Path> files, int[] labels, List<String> classNames, int channels, String source,
            int[] sourceIndices) {
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
                root.toString(), ImageSet.identity(listing.files().size()));
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
        for (int i = 0; i < indices.length; i++) {
            int k = Objects.checkIndex(indices[i], files.size());
            f.add(files.get(k));
            l[i] = labels[k];
            s[i] = sourceIndices[k];
        }
        return new ImageFolderSource(List.copyOf(f), l, classNames, channels, source, s);
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
