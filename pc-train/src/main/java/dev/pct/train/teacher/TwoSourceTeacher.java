package dev.pct.train.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.pct.core.loss.TeacherLabels;
import dev.pct.core.loss.TwoSourceDistillationLoss;
import dev.pct.core.loss.TwoSourceLabels;
import java.util.Objects;

/**
 * The labels of two-source distillation ({@link TwoSourceDistillationLoss}): the old model's terms from one teacher
 * and the second reference's from another (each in the cheapest form {@link TeacherSource#forStage} finds), joined
 * per batch into {@link TwoSourceLabels}.
 */
public final class TwoSourceTeacher implements TeacherSource {
    private final TeacherSource towardOld;
    private final TeacherSource towardSecond;

    /**
     * Joins two teachers.
     *
     * @param towardOld gives the first loss's labels (the old model's terms)
     * @param towardSecond gives the second loss's labels (the second reference's terms, weighted by the old model's
     *     decisions)
     */
    public TwoSourceTeacher(TeacherSource towardOld, TeacherSource towardSecond) {
        this.towardOld = Objects.requireNonNull(towardOld, "towardOld");
        this.towardSecond = Objects.requireNonNull(towardSecond, "towardSecond");
    }

    /** {@inheritDoc} */
    @Override
    public Prepared prepare(int[] indices, long augmentSeed) {
        Prepared first = towardOld.prepare(indices, augmentSeed);
        Prepared second = towardSecond.prepare(indices, augmentSeed);
        return manager -> new Both(first.create(manager), second.create(manager));
    }

    /** {@inheritDoc} */
    @Override
    public NDList labels(NDManager manager, NDArray images, NDArray labels, NDList prepared) {
        Both both = (Both) prepared;
        return new TwoSourceLabels(
                (TeacherLabels) towardOld.labels(manager, images, labels, both.first),
                (TeacherLabels) towardSecond.labels(manager, images, labels, both.second));
    }

    /** Both teachers' prepared arrays, all of them in the list so that the batch's owner reaches them. */
    private static final class Both extends NDList {
        private static final long serialVersionUID = 1L;
        private final transient NDList first;
        private final transient NDList second;

        Both(NDList first, NDList second) {
            super(first.size() + second.size());
            this.first = first;
            this.second = second;
            addAll(first);
            addAll(second);
        }
    }
}
