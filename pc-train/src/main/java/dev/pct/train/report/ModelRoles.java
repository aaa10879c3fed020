package dev.pct.train.report;

/**
 * The names a run gives its models, reserved so that no sweep setting takes one: they name the stages, their
 * directories and the rows of the report.
 */
public final class ModelRoles {

    /** The production model being replaced. */
    public static final String OLD = "old";

    /** The plain retrain of the new architecture with cross-entropy alone. */
    public static final String BASELINE = "baseline";

    /** The PC-trained model of a run without a sweep (a sweep names its settings). */
    public static final String PC = "pc";

    private ModelRoles() {}
}
