package dev.pct.train.config;

/**
 * The new model trained with the positive-congruent loss (and, if asked, also with plain cross-entropy).
 *
 * @param architecture its network; required
 */
public record NewModelConfig(ArchitectureConfig architecture) {

    /** The defaults with the required architecture left null. */
    static NewModelConfig template() {
        return new NewModelConfig(null);
    }
}
