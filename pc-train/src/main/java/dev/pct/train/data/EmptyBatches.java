package dev.pct.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** A split with no samples (no validation set), shaped like another. */
final class EmptyBatches implements BatchSource {

    private final int classes;
    private final Shape sampleShape;

    private EmptyBatches(int classes, Shape sampleShape) {
        this.classes = classes;
        this.sampleShape = sampleShape;
    }

    static EmptyBatches like(BatchSource other) {
        return new EmptyBatches(other.numClasses(), other.sampleShape());
    }

    @Override
    public int size() {
        return 0;
    }

    @Override
    public int[] labels() {
        return new int[0];
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
        throw new IllegalArgumentException("the split is empty, sample " + (indices.length > 0 ? indices[0] : -1));
    }

    @Override
    public boolean augments() {
        return false;
    }
}
