package dev.pct.core.loss;

import ai.djl.ndarray.NDList;
import java.util.Objects;

/**
 * The labels of {@link TwoSourceDistillationLoss}: the old model's terms and the second reference's, each in its
 * own loss's layout. As an {@link NDList} they hold the first labels' arrays followed by the second's, so that code
 * that moves or closes a batch's arrays reaches all of them.
 */
public final class TwoSourceLabels extends NDList {

    private static final long serialVersionUID = 1L;

    private final TeacherLabels first;
    private final TeacherLabels second;

    /**
     * Joins the two sources' labels of one batch.
     *
     * @param first the old model's terms, made by the first loss's {@link FocalDistillationLoss#teacherLabels}
     * @param second the second reference's terms, made by {@link TwoSourceDistillationLoss#getSecond()}'s {@link
     *     FocalDistillationLoss#teacherLabels} with the old model's correctness as the mask
     */
    public TwoSourceLabels(TeacherLabels first, TeacherLabels second) {
        super(first.size() + second.size());
        this.first = Objects.requireNonNull(first, "first");
        this.second = Objects.requireNonNull(second, "second");
        addAll(first);
        addAll(second);
    }

    /**
     * The old model's terms.
     *
     * @return the first source's labels
     */
    public TeacherLabels first() {
        return first;
    }

    /**
     * The second reference's terms.
     *
     * @return the second source's labels
     */
    public TeacherLabels second() {
        return second;
    }
}
