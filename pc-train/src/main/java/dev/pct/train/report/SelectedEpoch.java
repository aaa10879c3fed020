package dev.pct.train.report;


/**
 * The epoch a trained model kept, how it was chosen, and its figures at that epoch.
 *
 * @param model the model's name in the run ({@code baseline}, {@code pc}, or a sweep setting)
 * @param seed its seed
 * @param rule the rule, in words
 * @param epoch the kept epoch
 * @param epochsTrained how many epochs it trained (fewer than configured after an early stop)
 * @param fallback true when no epoch met the rule's error bound, so the lowest-error epoch was kept
 * @param errorBound the rule's validation error bound, NaN when it has none
 * @param figures the model's record at the kept epoch (validation and test error and NFR)
 */
public record SelectedEpoch(String model, int seed, String rule, int epoch, int epochsTrained, boolean fallback,
        double errorBound, EpochRecord figures) {

    /**
     * This choice under another model name (a merged report's name for a run's model).
     *
     * @param name the name
     * @return the copy
     */
    public SelectedEpoch withModel(String name) {
        return new SelectedEpoch(name, seed, rule, epoch, epochsTrained, fallback, errorBound,
                figures == null ? null : figures.withModel(name));
    }
}
