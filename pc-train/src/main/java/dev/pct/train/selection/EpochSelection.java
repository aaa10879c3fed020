package dev.pct.train.selection;

import java.util.TreeMap;

/**
 * Chooses a stage's epoch from its validation figures, one epoch at a time, and says when to stop early.
 *
 * <p>The choice over epochs 1..e never changes to an epoch before the last one offered unless that epoch was
 * the choice when it was offered; so saving the parameters of each epoch that is the choice when offered is
 * enough to have the final choice's parameters on disk. Offering an epoch again replaces its figures (a
 * resumed stage repeats the epochs after its checkpoint, with the same figures).
 */
public final class EpochSelection {

    /**
     * How a stage chooses.
     *
     * @param rule the rule; {@link SelectionRule#LOWEST_NFR} only for PC stages
     * @param errorBound for {@code LOWEST_NFR}: the highest validation error an epoch may have; NaN otherwise
     * @param patience stop after this many epochs without a newly chosen one; 0 = never
     */
    public record Spec(SelectionRule rule, double errorBound, int patience) {
        public static final Spec LAST = new Spec(SelectionRule.LAST, Double.NaN, 0);

        /** A short description for logs and the report. */
        public String describe() {
            return switch (rule) {
                case LAST -> "last epoch";
                case LOWEST_ERROR -> "lowest validation error";
                case LOWEST_NFR -> String.format(java.util.Locale.ROOT,
                        "lowest validation NFR with validation error <= %.2f%%", 100 * errorBound);
            };
        }
    }

    /**
     * The chosen epoch.
     *
     * @param epoch the epoch (1-based)
     * @param fallback true when no epoch met the error bound of {@code LOWEST_NFR}, so the lowest-error epoch
     *     was taken
     */
    public record Choice(int epoch, boolean fallback) {}

    private final Spec spec;
    /** {validation error, validation NFR} per epoch, in epoch order. */
    private final TreeMap<Integer, double[]> epochs = new TreeMap<>();

    public EpochSelection(Spec spec) {
        this.spec = spec;
    }

    public Spec spec() {
        return spec;
    }

    /**
     * Records an epoch's validation figures (NaN when unknown).
     *
     * @param epoch the epoch
     * @param validationError its validation error rate
     * @param validationNfr its validation negative flip rate
     */
    public void offer(int epoch, double validationError, double validationNfr) {
        epochs.put(epoch, new double[] {validationError, validationNfr});
    }

    /**
     * Returns the choice over the epochs offered so far, or null when none was.
     *
     * @return the choice
     */
    public Choice choice() {
        SelectionRule.Choice<Integer> choice = spec.rule().choose(epochs, spec.errorBound());
        return choice == null ? null : new Choice(choice.key(), choice.fallback());
    }

    /**
     * Whether training should stop: {@code patience} epochs have passed since the chosen one (for {@code
     * LOWEST_NFR}, only once some epoch met the bound).
     *
     * @return true to stop
     */
    public boolean stop() {
        if (spec.patience() == 0 || spec.rule() == SelectionRule.LAST || epochs.isEmpty()) {
            return false;
        }
        Choice choice = choice();
        if (choice.fallback()) {
            return false;
        }
        return epochs.lastKey() - choice.epoch() >= spec.patience();
    }
}
