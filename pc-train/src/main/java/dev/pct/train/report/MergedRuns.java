package dev.pct.train.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The results of several finished runs of one update as one report's: the settings of a sweep run as separate
 * jobs (one per GPU, say) against the same old model and test set. Every run must have the same test labels and
 * the same old-model predictions on them, or the merge is refused. A model of a later run whose name and seed an
 * earlier run already has is the same model when its test predictions are identical (the plain retrain every job
 * trains alike): it is listed once. Otherwise it is listed as {@code <run>/<model>}.
 */
public final class MergedRuns {

    private MergedRuns() {}

    /**
     * One finished run's report inputs.
     *
     * @param name the run's name in the merged report (its directory's name)
     * @param results its results
     * @param selected the epoch kept per model and seed
     * @param settings its PC settings' descriptions, by model name
     */
    public record Run(String name, RunResults results, List<SelectedEpoch> selected, Map<String, String> settings) {}

    /**
     * The merged report inputs.
     *
     * @param results every run's models, once each, in run order
     * @param selected their kept epochs
     * @param settings their settings' descriptions
     * @param notes what the merge did: the models listed once and the ones renamed
     */
    public record Merged(RunResults results, List<SelectedEpoch> selected, Map<String, String> settings,
            List<String> notes) {}

    /**
     * Merges finished runs.
     *
     * @param runs two or more runs, the first one's names kept
     * @return the merged inputs
     * @throws IllegalArgumentException when fewer than two runs are given, or their test sets or old models differ
     */
    public static Merged merge(List<Run> runs) {
        if (runs.size() < 2) {
            throw new IllegalArgumentException("a merged report needs two or more runs, got " + runs.size());
        }
        Run first = runs.get(0);
        for (Run run : runs.subList(1, runs.size())) {
            check(first, run);
        }
        Map<String, ModelResult> seen = new HashMap<>();
        Set<String> historySeen = new HashSet<>();
        List<ModelResult> models = new ArrayList<>();
        List<EpochRecord> history = new ArrayList<>();
        List<SelectedEpoch> selected = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Run run : runs) {
            // Per (model, seed) of this run: its merged name, or null when an earlier run lists the same model.
            Map<String, String> names = new HashMap<>();
            for (ModelResult result : run.results().models()) {
                String key = key(result.model(), result.seed());
                ModelResult earlier = seen.get(key);
                if (earlier == null) {
                    names.put(key, result.model());
                } else if (Arrays.equals(earlier.testPredictions(), result.testPredictions())) {
                    names.put(key, null);
                    notes.add(run.name() + ": " + result.model() + " seed " + result.seed() + " has the test"
                            + " predictions of the one listed, so it is listed once");
                } else {
                    String renamed = run.name() + "/" + result.model();
                    names.put(key, renamed);
                    notes.add(run.name() + ": " + result.model() + " seed " + result.seed() + " is listed as "
                            + renamed);
                }
                String name = names.get(key);
                if (name != null) {
                    ModelResult kept = result.withModel(name);
                    seen.put(key(name, result.seed()), kept);
                    seen.putIfAbsent(key, kept);
                    models.add(kept);
                }
            }
            for (EpochRecord record : run.results().history()) {
                String key = key(record.model(), record.seed());
                String name = names.containsKey(key) ? names.get(key)
                        : historySeen.contains(key) ? null : record.model();
                if (name != null) {
                    history.add(name.equals(record.model()) ? record : record.withModel(name));
                }
            }
            for (EpochRecord record : run.results().history()) {
                historySeen.add(key(record.model(), record.seed()));
            }
            for (SelectedEpoch choice : run.selected()) {
                String key = key(choice.model(), choice.seed());
                String name = names.containsKey(key) ? names.get(key) : choice.model();
                if (name != null) {
                    selected.add(name.equals(choice.model()) ? choice : choice.withModel(name));
                }
            }
            run.settings().forEach((model, description) -> {
                String name = settings.containsKey(model) && !settings.get(model).equals(description)
                        ? run.name() + "/" + model : model;
                settings.putIfAbsent(name, description);
            });
        }
        RunResults results = new RunResults(first.results().testLabels(), first.results().oldPredictions(), models,
                history, first.results().oldConfidences());
        return new Merged(results, selected, settings, notes);
    }

    private static void check(Run first, Run run) {
        int[] labels = first.results().testLabels();
        int[] other = run.results().testLabels();
        if (!Arrays.equals(labels, other)) {
            throw new IllegalArgumentException(run.name() + ": its test set differs from " + first.name() + "'s ("
                    + (labels.length != other.length ? other.length + " samples, not " + labels.length
                            : "labels differ from sample " + Arrays.mismatch(labels, other))
                    + "): a merged report needs runs of one update on one test set");
        }
        int at = Arrays.mismatch(first.results().oldPredictions(), run.results().oldPredictions());
        if (at >= 0) {
            throw new IllegalArgumentException(run.name() + ": the old model's test predictions differ from "
                    + first.name() + "'s from sample " + at + " (another old model?): a merged report needs runs"
                    + " against one old model");
        }
    }

    private static String key(String model, int seed) {
        return model + "\u0000" + seed;
    }
}
