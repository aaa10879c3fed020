package dev.pct.train.reference;

/**
 * What a PC model's distillation term pulls it toward: the old model (the paper's focal distillation), or an
 * ensemble of plain retrains of the new architecture, ELODI's reference (Zhao et al., "ELODI: Ensemble Logit
 * Difference Inhibition for Positive-Congruent Training", TPAMI 2024, <a
 * href="https://arxiv.org/abs/2205.06265">arXiv:2205.06265</a>).
 *
 * <p>The ensemble of a seed averages the logits of {@code members} models: the seed's plain retrain (the
 * baseline, so the run must train it) and {@code members - 1} more, trained the same way with the seeds
 * {@code seed + }{@value #MEMBER_SEED_STRIDE}{@code  * j} (j = 1, 2, ...) in {@code seed-N/reference-<j+1>/}.
 * Their mean logits on the training split are cached in {@code seed-N/reference/} like the old model's. The
 * flips are still counted against the old model.
 *
 * @param members how many models the ensemble averages; 0 for the old model, 1 for the seed's plain retrain
 *     alone, else the plain retrain and {@code members - 1} more
 * @param weightsFromOld whether the loss's filter reads the old model's decisions (true: the weights favour
 *     the samples the old model got right) or the ensemble's own
 */
public record Reference(int members, boolean weightsFromOld) {
    /** The old model as the reference. */
    public static final Reference OLD = new Reference(0, true);

    /** Member j + 1 of seed s trains with seed {@code s + MEMBER_SEED_STRIDE * j}. */
    public static final int MEMBER_SEED_STRIDE = 100_000;

    /** Checks the values. */
    public Reference {
        if (members < 0) {
            throw new IllegalArgumentException("an ensemble reference needs at least 1 member (the plain retrain),"
                    + " got " + members);
        }
        if (members == 0 && !weightsFromOld) {
            throw new IllegalArgumentException("the old model as the reference reads the old model's decisions");
        }
    }

    /**
     * Returns an ensemble of plain retrains of the new architecture as the reference.
     *
     * @param members how many models it averages, &gt;= 1 (the plain retrain is the first; 1 is it alone)
     * @param weightsFromOld whether the filter reads the old model's decisions (else the ensemble's)
     * @return the reference
     */
    public static Reference ensemble(int members, boolean weightsFromOld) {
        if (members < 1) {
            throw new IllegalArgumentException("an ensemble reference needs at least 1 member (the plain retrain),"
                    + " got " + members);
        }
        return new Reference(members, weightsFromOld);
    }

    /**
     * Returns whether the reference is an ensemble.
     *
     * @return true unless it is the old model
     */
    public boolean isEnsemble() {
        return members > 0;
    }

    /**
     * Returns the seed member {@code index} (0 = the plain retrain) of a seed's ensemble trains with.
     *
     * @param seed the run's seed
     * @param index the member, 0-based
     * @return {@code seed + MEMBER_SEED_STRIDE * index}
     */
    public static int memberSeed(int seed, int index) {
        return Math.addExact(seed, Math.multiplyExact(MEMBER_SEED_STRIDE, index));
    }

    /**
     * Returns a one-line description for logs and provenance.
     *
     * @return e.g. {@code the old model} or {@code mean of 4 plain retrains, weights from the old model}
     */
    public String describe() {
        if (!isEnsemble()) {
            return "the old model";
        }
        return (members == 1 ? "logits of the plain retrain" : "mean logits of " + members + " plain retrains")
                + ", weights from the " + (weightsFromOld ? "old model's" : (members == 1 ? "retrain's" : "ensemble's"))
                + " decisions";
    }
}
