package dev.pct.train.config;

import dev.pct.core.loss.OptionProblem;
import dev.pct.train.check.Checks;
import dev.pct.train.check.SettingProblem;
import dev.pct.train.check.UpdateRules;
import dev.pct.train.interpolation.InterpolationSettings;
import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.model.ModelSpec;
import dev.pct.train.selection.SelectionRule;
import dev.pct.train.selection.SelectionSettings;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Range and consistency checks on a bound {@link JobConfig}; reports through {@link Problems}. */
final class JobConfigValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern GPU_N = Pattern.compile("gpu:\\d+");

    private final Problems problems;

    JobConfigValidator(Problems problems) {
        this.problems = problems;
    }

    void validate(JobConfig config) {
        if (!NAME.matcher(config.name()).matches()) {
            problems.invalid("name", config.name(),
                    "a name of letters, digits, '.', '_' or '-' (it names the run folder)");
        }
        validateSeeds(config.seeds());
        validateDevice(config.device());
        if (config.output().toString().isBlank()) {
            problems.invalid("output", config.output(), "a folder path");
        }
        validateData(config.data());
        validateOldModel(config.oldModel());
        validateNewModel(config.newModel(), config.oldModel());
        validateLoss(config.loss(), config.data());
        validateTraining("training", config.training());
        validateSelection(config);
        validateInterpolation(config);
        validateBaselineFrom(config);
        SweepGrid.validate(config, problems);
        validateRules(config);
    }

    /** A plain retrain taken from another run: this job must want one, of an old model that is not trained here. */
    private void validateBaselineFrom(JobConfig config) {
        if (config.baselineFrom() == null) {
            return;
        }
        if (!config.compareBaseline()) {
            problems.invalid("baseline_from", config.baselineFrom().toString(), "no baseline_from, since"
                    + " compare_baseline is false (the job has no plain retrain to take)");
        }
        if (config.oldModel().source() == OldModelSource.TRAIN) {
            problems.invalid("baseline_from", config.baselineFrom().toString(), "no baseline_from with old_model.source"
                    + " train: an old model trained in each job is each job's own (on a GPU not bit for bit alike),"
                    + " and the plain retrain is selected against it; give the old model as a file or checkpoint");
        }
    }

    /** Weight interpolation needs the old model's parameters in the new model's architecture, and the baseline. */
    private void validateInterpolation(JobConfig config) {
        InterpolationSettings interpolation = config.interpolation();
        report(interpolation.problems("interpolation"));
        if (!interpolation.enabled()) {
            return;
        }
        if (!(config.data().validationFraction() > 0)) {
            problems.invalid("data.validation_fraction", config.data().validationFraction(), "a number > 0, since"
                    + " interpolation.enabled chooses a on the validation split");
        }
        OldModelConfig old = config.oldModel();
        NewModelConfig model = config.newModel();
        if (!hasOldParameters(old)) {
            return; // validateRules reports it
        }
        if (model.source() == NewModelSource.TORCHSCRIPT) {
            problems.invalid("new_model.source", model.source(), "architecture or params, since"
                    + " interpolation.enabled mixes the new model's parameters with the old model's");
        } else if (model.source() != NewModelSource.OLD && old.architecture() != null
                && model.architecture() != null && !old.architecture().sameNetwork(model.architecture())) {
            problems.invalid("new_model.architecture", model.architecture(), "the old model's"
                    + " architecture (" + old.architecture() + "), since"
                    + " interpolation.enabled mixes the two models' parameters");
        }
    }

    private void validateSelection(JobConfig config) {
        SelectionSettings selection = config.selection();
        report(selection.problems("selection"));
        if (selection.rule() != SelectionRule.LAST && !(config.data().validationFraction() > 0)) {
            problems.invalid("selection.rule", selection.rule(), "last, since data.validation_fraction is 0 (the"
                    + " other rules choose on the validation split)");
        }
    }

    private void validateSeeds(List<Integer> seeds) {
        if (seeds.isEmpty()) {
            problems.invalid("seeds", seeds, "at least one seed");
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < seeds.size(); i++) {
            atLeast("seeds[" + i + "]", seeds.get(i), 0);
            if (!seen.add(seeds.get(i))) {
                problems.invalid("seeds[" + i + "]", seeds.get(i), "distinct seeds (a repeated seed repeats a run)");
            }
        }
    }

    private void validateDevice(String device) {
        if (!(device.equals("auto") || device.equals("cpu") || device.equals("gpu") || GPU_N.matcher(device).matches())) {
            problems.invalid("device", device, "auto, cpu, gpu (GPU 0) or gpu:N (N = 0, 1, ...)");
        }
    }

    private void validateData(DataConfig data) {
        if (data.source() != DataSource.SYNTHETIC && data.path() == null) {
            problems.missing("data.path", "a path (required for source " + data.source() + ")");
        }
        if (!(data.validationFraction() >= 0 && data.validationFraction() < 0.5)) {
            problems.invalid("data.validation_fraction", data.validationFraction(), "a number >= 0 and < 0.5");
        }
        atLeast("data.train_limit", data.trainLimit(), 0);
        atLeast("data.test_limit", data.testLimit(), 0);
        atLeast("data.augment.random_crop_padding", data.augment().randomCropPadding(), 0);
        if (data.imageSize().size() != 2) {
            problems.invalid("data.image_size", data.imageSize(), "two integers [height, width]");
        }
        for (int i = 0; i < data.imageSize().size(); i++) {
            atLeast("data.image_size[" + i + "]", data.imageSize().get(i), 1);
        }
        if (data.channels() != 1 && data.channels() != 3) {
            problems.invalid("data.channels", data.channels(), "1 (grayscale) or 3 (RGB)");
        }
        cropFraction("data.crop_fraction", data.cropFraction());
        meanAndStd("data", data.mean(), data.std());
        atLeast("data.workers", data.workers(), 0);
        atLeast("data.prefetch", data.prefetch(), 1);
        SyntheticConfig synthetic = data.synthetic();
        atLeast("data.synthetic.train_size", synthetic.trainSize(), 1);
        atLeast("data.synthetic.test_size", synthetic.testSize(), 1);
        atLeast("data.synthetic.classes", synthetic.classes(), 2);
        atLeast("data.synthetic.channels", synthetic.channels(), 1);
        atLeast("data.synthetic.height", synthetic.height(), 1);
        atLeast("data.synthetic.width", synthetic.width(), 1);
        atLeast("data.synthetic.noise", synthetic.noise(), 0);
    }

    private void validateOldModel(OldModelConfig old) {
        switch (old.source()) {
            case TRAIN -> requireArchitecture(old);
            case CHECKPOINT -> {
                requireArchitecture(old);
                if (old.checkpoint() == null) {
                    problems.missing("old_model.checkpoint", "a path (required for source checkpoint)");
                }
            }
            case LOGITS -> {
                if (old.logits().train() == null) {
                    problems.missing("old_model.logits.train", "a CSV file path (required for source logits)");
                }
                if (old.logits().test() == null) {
                    problems.missing("old_model.logits.test", "a CSV file path (required for source logits)");
                }
            }
            case TORCHSCRIPT, ONNX, DJL -> {
                if (old.file() == null) {
                    problems.missing("old_model.file", "a path (required for source " + old.source() + ": the "
                            + (old.source() == OldModelSource.DJL ? "model directory" : "model file") + ")");
                }
                if (old.source() != OldModelSource.DJL && old.preprocessing().mean().isEmpty()) {
                    problems.missing("old_model.preprocessing.mean", "the per-channel mean the model was trained with"
                            + " (required for source " + old.source() + ": its normalization is not in the file)");
                }
            }
        }
        if (old.cache() != null && (old.source() == OldModelSource.TRAIN || old.source() == OldModelSource.LOGITS)) {
            problems.invalid("old_model.cache", old.cache().toString(), "no cache with source " + old.source()
                    + ": a shared teacher cache is made by pc-train teacher from an old model file or checkpoint");
        }
        if (!(old.trainFraction() > 0 && old.trainFraction() <= 1)) {
            problems.invalid("old_model.train_fraction", old.trainFraction(), "a number > 0 and <= 1");
        } else if (old.trainFraction() < 1 && old.source() != OldModelSource.TRAIN) {
            problems.invalid("old_model.train_fraction", old.trainFraction(), "1 with source " + old.source()
                    + " (only an old model trained in the job, source train, trains on a fraction)");
        }
        if (old.seed() != null && old.source() != OldModelSource.TRAIN) {
            problems.invalid("old_model.seed", old.seed(), "no seed with source " + old.source()
                    + ": only an old model trained in the job (source train) has one");
        }
        validatePreprocessing("old_model.preprocessing", old.preprocessing());
        if (old.architecture() != null) {
            validateArchitecture("old_model.architecture", old.architecture());
        }
        if (old.training() != null) {
            validateTraining("old_model.training", old.training());
        }
    }

    private void validatePreprocessing(String path, PreprocessingConfig p) {
        if (!p.imageSize().isEmpty() && p.imageSize().size() != 2) {
            problems.invalid(path + ".image_size", p.imageSize(), "two integers [height, width], or none for the data's");
        }
        for (int i = 0; i < p.imageSize().size(); i++) {
            atLeast(path + ".image_size[" + i + "]", p.imageSize().get(i), 1);
        }
        if (p.channels() != 0 && p.channels() != 1 && p.channels() != 3) {
            problems.invalid(path + ".channels", p.channels(), "1 (grayscale), 3 (RGB), or 0 for the data's");
        }
        meanAndStd(path, p.mean(), p.std());
        if (p.channels() != 0 && !p.mean().isEmpty() && p.mean().size() != p.channels()) {
            problems.invalid(path + ".mean", p.mean(), "one value per channel (" + p.channels() + ")");
        }
        cropFraction(path + ".crop_fraction", p.cropFraction());
    }

    private void meanAndStd(String path, List<Double> mean, List<Double> std) {
        if (mean.size() != std.size()) {
            problems.invalid(path + ".std", std, "one value per channel, as many as mean has (" + mean.size() + ")");
        }
        for (int i = 0; i < std.size(); i++) {
            if (!(std.get(i) > 0) || Double.isInfinite(std.get(i))) {
                problems.invalid(path + ".std[" + i + "]", std.get(i), "a number > 0");
            }
        }
    }

    private void cropFraction(String path, double value) {
        if (!(value > 0 && value <= 1)) {
            problems.invalid(path, value, "a number > 0 and <= 1 (the share of the resized image kept)");
        }
    }

    private void validateNewModel(NewModelConfig model, OldModelConfig old) {
        if (model.source() == NewModelSource.OLD) {
            if (old.source() != OldModelSource.TRAIN && old.source() != OldModelSource.CHECKPOINT) {
                problems.invalid("new_model.source", model.source(), "architecture, params or torchscript, since"
                        + " old_model.source " + old.source() + " gives no weights to start from (old needs train or"
                        + " checkpoint)");
            } else if (model.architecture() != null && old.architecture() != null
                    && !model.architecture().sameNetwork(old.architecture())) {
                problems.invalid("new_model.architecture", model.architecture(), "none or the old model's ("
                        + old.architecture() + "), since source old starts from the old model's weights");
            }
            if (model.file() != null) {
                problems.invalid("new_model.file", model.file(), "none with source old (the weights are the old"
                        + " model's)");
            }
            return;
        }
        if (model.source() != NewModelSource.TORCHSCRIPT && model.architecture() == null) {
            problems.missing("new_model.architecture",
                    "a mapping with keys type, hidden, ... (required for source " + model.source() + ")");
        }
        if (model.source() != NewModelSource.ARCHITECTURE && model.file() == null) {
            problems.missing("new_model.file", "a path (required for source " + model.source() + ")");
        }
        if (model.architecture() != null) {
            validateArchitecture("new_model.architecture", model.architecture());
        }
        if (!(model.backboneLearningRate() > 0 && model.backboneLearningRate() <= 1)) {
            problems.invalid("new_model.backbone_learning_rate", model.backboneLearningRate(),
                    "a number > 0 and <= 1 (a multiple of training.learning_rate)");
        }
    }

    private void requireArchitecture(OldModelConfig old) {
        if (old.architecture() == null) {
            problems.missing("old_model.architecture",
                    "a mapping with keys type, hidden, ... (required for source " + old.source() + ")");
        }
    }

    private void validateArchitecture(String path, ModelSpec architecture) {
        // The spec's own checks, written once in ModelSpec (its own Problem type: the model package ships alone).
        for (ModelSpec.Problem problem : architecture.problems()) {
            problems.invalid(path + "." + problem.key(), problem.value(), problem.expected());
        }
    }

    /** Reports the problems a settings record found in itself (its checks are written there, once). */
    private void report(List<SettingProblem> found) {
        for (SettingProblem problem : found) {
            problems.invalid(problem.key(), problem.value(), problem.expected());
        }
    }

    void validateLoss(LossConfig loss, DataConfig data) {
        // The loss's own checks, of every value whatever the treatment uses, so that none is wrong without a word.
        for (OptionProblem problem : loss.problems()) {
            problems.invalid("loss." + problem.option(), problem.value(), problem.expected());
        }
        if (loss.topK() >= 0 && loss.treatment() == Treatment.FD_LDI && data.source() == DataSource.SYNTHETIC
                && loss.topK() > data.synthetic().classes()) {
            // Other sources know their classes once read; the training then checks before it starts.
            problems.invalid("loss.top_k", loss.topK(), "an integer >= 0 and <= data.synthetic.classes ("
                    + data.synthetic().classes() + "), 0 = every class");
        }
        if (loss.ensembleMembers() < 1) {
            problems.invalid("loss.ensemble_members", loss.ensembleMembers(), "an integer >= 1 (the seed's plain"
                    + " retrain, and more with other seeds; 1 is the plain retrain alone)");
        }
        if (loss.usesEnsemble() && data.augment().enabled()) {
            boolean second = loss.twoSources();
            problems.invalid(second ? "loss.second_treatment" : "loss.reference",
                    second ? loss.secondTreatment() : loss.reference(), (second ? "none" : "old")
                            + ", since data.augment changes the inputs every epoch while the ensemble's logits are"
                            + " computed once and cached; turn augmentation off to distil toward the ensemble");
        }
        if (loss.secondTreatment() != Treatment.NONE && !loss.distills()) {
            problems.invalid("loss.second_treatment", loss.secondTreatment(), "none, since the first term does not"
                    + " distil (treatment none or lambda 0 trains the plain retrain); a second source adds to a"
                    + " distilling first term (alpha 0 makes it count only where the old model is right)");
        }
    }

    /**
     * The rules between the update's parts ({@link UpdateRules}, written once there), each reported under the key
     * that made the choice.
     */
    private void validateRules(JobConfig config) {
        // A sweep's settings are known once its axes are valid; SweepGrid.validate has reported them otherwise.
        boolean ensemble = config.sweep().isEmpty() ? config.loss().usesEnsemble() : problems.isEmpty()
                && SweepGrid.settings(config).values().stream().anyMatch(LossConfig::usesEnsemble);
        UpdateRules rules = new UpdateRules(config.compareBaseline(),
                config.selection().rule() == SelectionRule.LOWEST_NFR, ensemble, config.interpolation().enabled(),
                hasOldParameters(config.oldModel()));
        for (UpdateRules.Rule rule : rules.broken()) {
            switch (rule) {
                case LOWEST_NFR_NEEDS_BASELINE -> problems.invalid("selection.rule", config.selection().rule(),
                        "last or lowest_error, since compare_baseline is false (" + rule.why() + ")");
                case ENSEMBLE_NEEDS_BASELINE -> problems.invalid("compare_baseline", false, "true, since the loss"
                        + " distils toward an ensemble of plain retrains (loss.reference ensemble or a"
                        + " loss.second_treatment): " + rule.why());
                case INTERPOLATION_NEEDS_BASELINE -> problems.invalid("compare_baseline", false, "true, since"
                        + " interpolation.enabled: " + rule.why());
                case INTERPOLATION_NEEDS_OLD_PARAMETERS -> problems.invalid("old_model.source",
                        config.oldModel().source(), "train or checkpoint, since interpolation.enabled: "
                                + rule.why());
            }
        }
    }

    /** Whether the old model's parameters are at hand: trained in the job, or a checkpoint's. */
    private static boolean hasOldParameters(OldModelConfig old) {
        return old.source() == OldModelSource.TRAIN || old.source() == OldModelSource.CHECKPOINT;
    }

    private void validateTraining(String path, TrainingSettings training) {
        report(training.problems(path));
    }

    private void atLeast(String path, int value, int minimum) {
        report(new Checks("").atLeast(path, value, minimum).problems());
    }

    private void atLeast(String path, double value, double minimum) {
        report(new Checks("").atLeast(path, value, minimum).problems());
    }
}
