package dev.pct.train.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.pct.train.update.OldModel;
import java.util.List;
import java.util.stream.Collectors;

/** The mean logits of several models that take the same inputs (an ensemble). */
public final class MeanOldModel implements OldModel {
    private final List<OldModel> members;
    private final String description;

    /**
     * Returns the mean logits of several models that take the same inputs, e.g. an ensemble of networks trained
     * with different seeds. Its identity lists every member's, so a cache of it is recomputed when any changes.
     *
     * @param members the models, at least one; closing the ensemble closes them
     * @param description a one-line description
     * @return the ensemble
     */
    public static OldModel mean(List<OldModel> members, String description) {
        return new MeanOldModel(members, description);
    }

    private MeanOldModel(List<OldModel> members, String description) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one model");
        }
        this.members = List.copyOf(members);
        this.description = description;
    }

    @Override
    public NDArray logits(NDManager manager, NDArray inputs) {
        try (NDManager scratch = manager.newSubManager()) {
            NDList outputs = new NDList(members.size());
            for (OldModel member : members) {
                outputs.add(member.logits(scratch, inputs));
            }
            NDArray mean = NDArrays.stack(outputs).mean(new int[] {0});
            mean.attach(manager);
            return mean;
        }
    }

    /** Every member's identity, in order: another member, or the same ones in another order, is another cache. */
    @Override
    public String identity() {
        return description + " [" + members.stream().map(OldModel::identity).collect(Collectors.joining("; ")) + "]";
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        for (OldModel member : members) {
            member.close();
        }
    }
}
