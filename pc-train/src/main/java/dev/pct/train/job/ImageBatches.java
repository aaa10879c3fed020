package dev.pct.train.job;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.pct.train.data.BatchMaker;
import dev.pct.train.data.BatchSource;
import dev.pct.train.data.HostBatch;
import java.util.Random;

/** A {@link dev.pct.train.data.SampleSource} seen by the training loop: batches made by a {@link BatchMaker}. */
final class ImageBatches implements BatchSource {
    private final BatchMaker maker;

    ImageBatches(BatchMaker maker) {
        this.maker = maker;
    }

    @Override
    public int size() {
        return maker.data().size();
    }

    @Override
    public int[] labels() {
        return maker.data().labels();
    }

    @Override
    public int numClasses() {
        return maker.data().numClasses();
    }

    @Override
    public Shape sampleShape() {
        return new Shape(maker.input().channels(), maker.input().height(), maker.input().width());
    }

    @Override
    public NDArray images(NDManager manager, int[] indices, Random augment) {
        return maker.images(manager, indices, augment);
    }

    @Override
    public HostBatch prepare(int[] indices, Random augment) {
        return HostBatch.of(maker.gather(indices, augment), new Shape(indices.length).addAll(sampleShape()));
    }

    @Override
    public String fingerprint() {
        return maker.data().fingerprint();
    }

    @Override
    public String inputDescription() {
        return maker.input().toString();
    }

    @Override
    public boolean augments() {
        return !maker.augmentation().isIdentity();
    }
}
