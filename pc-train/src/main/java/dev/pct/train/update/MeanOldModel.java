package dev.pct.train.update;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.stream.Collectors;

/** The mean logits of several models that take the same inputs (an ensemble). */
final class MeanOldModel implements OldModel {
    private final List<OldModel> members;
    private final String description;

    MeanOldModel(List<OldModel> members, String description) {
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
