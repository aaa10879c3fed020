package dev.pct.train.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * A DJL {@link RandomAccessDataset} seen by pct's training loop: batches are the dataset's records stacked,
 * with the dataset's own transforms; pct adds no augmentation. The first data array of a record is the input,
 * the first label array its class.
 *
 * <p>Every label is read once when the adapter is made (the flip metrics and the teacher cache index samples
 * by position), which for a dataset that decodes images on {@code get} costs one pass over it.
 */
public final class DatasetBatches implements BatchSource {

    private final RandomAccessDataset dataset;
    private final int[] labels;
    private final int classes;
    private final Shape sampleShape;

    private DatasetBatches(RandomAccessDataset dataset, int[] labels, int classes, Shape sampleShape) {
        this.dataset = dataset;
        this.labels = labels;
        this.classes = classes;
        this.sampleShape = sampleShape;
    }

    /**
     * Reads a dataset's labels and makes the adapter.
     *
     * @param dataset the dataset (prepared)
     * @param classes the number of classes
     * @param manager a manager for reading the labels
     * @return the adapter
     * @throws IllegalArgumentException if the dataset is empty or a label is not a class in [0, classes)
     */
    public static DatasetBatches of(RandomAccessDataset dataset, int classes, NDManager manager) {
        long size = dataset.size();
        if (size < 1 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dataset has " + size + " samples; expected 1 to 2^31 - 1");
        }
        int[] labels = new int[(int) size];
        Shape shape = null;
        try (NDManager scratch = manager.newSubManager()) {
            for (int i = 0; i < labels.length; i++) {
                try (NDManager record = scratch.newSubManager()) {
                    Record r = dataset.get(record, i);
                    if (shape == null) {
                        shape = r.getData().head().getShape();
                    }
                    double label = r.getLabels().head().toType(DataType.FLOAT64, false)
                            .toDoubleArray()[0];
                    if (!(label >= 0 && label < classes) || label != Math.rint(label)) {
                        throw new IllegalArgumentException("dataset sample " + i + " has label " + label
                                + "; expected a class in [0, " + classes + ")");
                    }
                    labels[i] = (int) label;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dataset's labels", e);
        }
        return new DatasetBatches(dataset, labels, classes, shape);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] labels() {
        return labels;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public Shape sampleShape() {
        return sampleShape;
    }

    @Override
    public NDArray images(NDManager manager, int[] indices, Random augment) {
        NDList samples = new NDList(indices.length);
        try (NDManager records = manager.newSubManager()) {
            for (int index : indices) {
                samples.add(dataset.get(records, index).getData().head());
            }
            NDArray batch = NDArrays.stack(samples);
            batch.attach(manager);
            return batch;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset samples", e);
        }
    }

    /**
     * Reads and stacks the records on the calling (worker) thread, in a CPU manager of its own, and keeps the
     * batch as host values; a batch of another type than float32 is left to the training thread.
     */
    @Override
    public HostBatch prepare(int[] indices, Random augment) {
        float[] values;
        Shape shape;
        try (NDManager worker = NDManager.newBaseManager(Device.cpu())) {
            NDArray batch = images(worker, indices, augment);
            if (batch.getDataType() != DataType.FLOAT32) {
                return manager -> images(manager, indices, augment);
            }
            values = batch.toFloatArray();
            shape = batch.getShape();
        }
        return HostBatch.of(values, shape);
    }

    /** The dataset's class and size, and a digest of its labels: a DJL dataset has no file to name. */
    @Override
    public String fingerprint() {
        java.security.MessageDigest digest = dev.pct.train.io.Digests.sha256();
        dev.pct.train.io.Digests.update(digest, labels);
        return dataset.getClass().getName() + " of " + labels.length + " samples, labels sha256:"
                + dev.pct.train.io.Digests.hex(digest);
    }

    @Override
    public boolean augments() {
        return false;
    }

}
