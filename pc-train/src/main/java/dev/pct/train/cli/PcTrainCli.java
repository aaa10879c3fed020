package dev.pct.train.cli;

import dev.pct.core.metrics.FlipReport;
import dev.pct.train.api.PcResult;
import dev.pct.train.config.ConfigException;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.data.DataFormatException;
import dev.pct.train.io.PredictionFiles;
import dev.pct.train.job.PcJob;
import dev.pct.train.loop.NonFiniteLossException;
import dev.pct.train.loop.Progress;
import dev.pct.train.report.ReportWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** The {@code pc-train} command line: train a PC job, evaluate saved models, compare prediction files. */
@Command(
        name = "pc-train",
        mixinStandardHelpOptions = true,
        version = "pc-train 0.1.0",
        description = "Positive-congruent training: update a classifier without breaking what the old one got right.",
        subcommands = {PcTrainCli.Train.class, PcTrainCli.Teacher.class, PcTrainCli.Report.class, PcTrainCli.Evaluate.class,
            PcTrainCli.Predict.class, PcTrainCli.Compare.class})
public final class PcTrainCli implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits with its status: 0 done, 1 failed (with a one-line reason), 2 usage.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (Progress.onTerminal()) {
            // Each console log line first erases the live progress bar's line (log4j2.xml reads the property), so
            // the bar stays below the log instead of mixing with it; before the first logger exists.
            System.setProperty("pct.console.eraseLine", "\r\u001b[K");
        }
        System.exit(execute(args));
    }

    /**
     * Runs the command line and returns its exit status.
     *
     * @param args the arguments
     * @return 0 when done, 1 on failure, 2 on a usage error
     */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new PcTrainCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("pc-train: " + reason(e));
            // Expected failures say what is wrong in one line; -Dpct.stacktrace=true shows where, for any.
            if (Boolean.getBoolean("pct.stacktrace") || !(e instanceof ConfigException
                    || e instanceof DataFormatException || e instanceof IOException
                    || e instanceof IllegalArgumentException || e instanceof NonFiniteLossException)) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli.execute(args);
    }

    private static String reason(Exception e) {
        if (e instanceof ConfigException c && c.problems().size() > 1) {
            StringBuilder sb = new StringBuilder(c.problems().size() + " problems in the configuration:");
            c.problems().forEach(p -> sb.append(System.lineSeparator()).append("  ").append(p));
            return sb.toString();
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /**
     * The master of a command given {@code --spark}, once Spark is known to be on the class path: it is a
     * provided dependency, which spark-submit supplies (and bin/pc-train adds when it sees {@code --spark}).
     */
    static String sparkMaster(String master) {
        try {
            Class.forName("org.apache.spark.SparkContext", false, PcTrainCli.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("--spark " + master + ": Apache Spark is not on the class path. Run"
                    + " through bin/pc-train (it adds Spark's jars when given --spark), or on a cluster with"
                    + " spark-submit --class dev.pct.train.cli.PcTrainCli pc-train/target/pc-train.jar ...");
        }
        return master;
    }

    /** Loads a config with overrides (shared by train and evaluate). */
    static JobConfig load(Path config, List<String> overrides) {
        return JobConfigLoader.load(config, overrides);
    }

    /** {@code train}: runs a job, or resumes one. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train the old model (or take it from a checkpoint or logits), the plain retrain and the "
                    + "PC model, and write the side-by-side report into a run directory.")
    static final class Train implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "the job's YAML file")
        private Path config;

        @Option(names = "--set", paramLabel = "KEY.PATH=VALUE",
                description = "override a config key, e.g. --set training.epochs=2 (repeatable)")
        private List<String> overrides = new ArrayList<>();

        @Option(names = "--resume", paramLabel = "RUN_DIR",
                description = "continue a stopped run from its last checkpoints, with its saved config")
        private Path resume;

        @Option(names = "--run-dir", paramLabel = "DIR",
                description = "the run directory (default: <output>/<name>-<timestamp>)")
        private Path runDir;

        @Option(names = "--trust-model-code",
                description = "same as --set old_model.trust_code=true: load an old model directory even if it "
                        + "holds code (.jar/.class files, or a blockFactory other than pct's), which then runs in "
                        + "the job; refused otherwise")
        private boolean trustModelCode;

        @Option(names = "--profile-epoch", paramLabel = "N", defaultValue = "0",
                description = "profile epoch N of every stage that trains it: where the time goes (data, forward, "
                        + "loss, backward, optimizer, host reads, evaluation; libtorch's operators and ours), into "
                        + "<stage>/profile-epoch-N.md with a Chrome trace beside it; the epoch runs slower")
        private int profileEpoch;

        @Override
        public Integer call() throws IOException {
            if (profileEpoch < 0) {
                throw new IllegalArgumentException("--profile-epoch: expected an epoch >= 1 (0 for none), got "
                        + profileEpoch);
            }
            JobConfig job;
            Path dir;
            if (resume != null) {
                Path saved = resume.resolve("config.yaml");
                if (!Files.isRegularFile(saved)) {
                    throw new IOException(resume + ": not a run directory (no config.yaml); --resume takes the "
                            + "directory a train command wrote");
                }
                if (config != null || !overrides.isEmpty() || trustModelCode) {
                    throw new IllegalArgumentException(
                            "--resume continues with the run's saved config.yaml; give no CONFIG, --set or"
                                    + " --trust-model-code with it");
                }
                job = load(saved, List.of());
                dir = resume;
            } else {
                if (config == null) {
                    throw new IllegalArgumentException("train needs a CONFIG file (or --resume RUN_DIR)");
                }
                List<String> all = new ArrayList<>(overrides);
                if (trustModelCode) {
                    all.add("old_model.trust_code=true");
                }
                job = load(config, all);
                dir = runDir != null ? runDir : job.runDirectory(LocalDateTime.now());
            }
            return printed(PcJob.run(job, dir, profileEpoch));
        }
    }

    /** {@code teacher}: computes the old model's logits once into a folder that several jobs share. */
    @Command(name = "teacher", mixinStandardHelpOptions = true,
            description = "Compute the old model's logits of a job's splits once into a folder (the teacher cache), "
                    + "for jobs that name it in old_model.cache to share: each verifies the files against its own "
                    + "old model and data, and only reads them.")
    static final class Teacher implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CONFIG", description = "a job's YAML file (its old model and data)")
        private Path config;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder for the caches")
        private Path out;

        @Option(names = "--set", paramLabel = "KEY.PATH=VALUE",
                description = "override a config key, as for train (repeatable)")
        private List<String> overrides = new ArrayList<>();

        @Option(names = "--trust-model-code",
                description = "same as --set old_model.trust_code=true (see train)")
        private boolean trustModelCode;

        @Option(names = "--spark", paramLabel = "MASTER",
                description = "compute the logits as Spark tasks on this master (local[2], spark://host:7077, yarn, "
                        + "...); the files are the same. Data and model must be at the same paths on every executor")
        private String spark;

        @Override
        public Integer call() throws IOException {
            List<String> all = new ArrayList<>(overrides);
            if (trustModelCode) {
                all.add("old_model.trust_code=true");
            }
            JobConfig job = load(config, all);
            if (job.oldModel().cache() != null) {
                throw new IllegalArgumentException("old_model.cache: the job already reads a shared cache ("
                        + job.oldModel().cache() + "); teacher writes one, give it a config without the key");
            }
            List<Path> files = spark == null ? PcJob.teacher(job, out)
                    : dev.pct.train.spark.SparkTeacher.run(job, out, sparkMaster(spark));
            for (Path file : files) {
                System.out.println("Teacher cache: " + file);
            }
            System.out.println("Jobs share it with: --set old_model.cache=" + out.toAbsolutePath().normalize());
            return 0;
        }
    }

    /** Prints a job's side-by-side table and where its reports are; returns the exit code 0. */
    private static int printed(PcResult result) {
        System.out.println(result.table());
        System.out.println("Report: " + result.runDirectory().resolve(ReportWriter.REPORT_HTML) + " (and "
                + ReportWriter.REPORT_MD + ")");
        return 0;
    }

    /** {@code report}: writes a finished run's reports again. */
    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Write report.md and report.html (and metrics.json, the CSVs and charts) of a finished run "
                    + "again from its directory, training nothing: runs made before report.html existed get one. "
                    + "Given several run directories of one update (a sweep split into jobs) and --out, write one "
                    + "report of them all into DIR.")
    static final class Report implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "the directories train commands wrote")
        private List<Path> runDirs;

        @Option(names = "--out", paramLabel = "DIR",
                description = "the folder for the merged report (required with more than one RUN_DIR)")
        private Path out;

        @Override
        public Integer call() throws IOException {
            if (runDirs.size() == 1 && out == null) {
                return printed(PcJob.report(runDirs.get(0)));
            }
            if (out == null || runDirs.size() < 2) {
                throw new IllegalArgumentException(runDirs.size() < 2
                        ? "report --out merges two or more run directories; got one (leave --out out to rewrite its"
                                + " own report)"
                        : "report of " + runDirs.size() + " run directories needs --out DIR for the merged report");
            }
            return printed(PcJob.merge(runDirs, out));
        }
    }

    /** {@code evaluate}: scores saved models or logits on the configured test set. */
    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Score a saved old and new model (final.params of a run, an exported model directory, or "
                    + "logits CSV files) on the config's test set and print their flip metrics.")
    static final class Evaluate implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CONFIG", description = "the job's YAML file (data and architectures)")
        private Path config;

        @Option(names = "--old", required = true, paramLabel = "FILE",
                description = "the old model: a parameter file (old_model.architecture) or a logits CSV")
        private Path oldModel;

        @Option(names = "--new", required = true, paramLabel = "FILE",
                description = "the new model: a parameter file (new_model.architecture) or a logits CSV")
        private Path newModel;

        @Option(names = "--set", paramLabel = "KEY.PATH=VALUE", description = "override a config key")
        private List<String> overrides = new ArrayList<>();

        @Option(names = "--trust-model-code",
                description = "load a model directory even if it holds code (.jar/.class files, or a blockFactory "
                        + "other than pct's in serving.properties), which then runs in this process; refused "
                        + "otherwise")
        private boolean trustModelCode;

        @Option(names = "--spark", paramLabel = "MASTER",
                description = "score ranges of the test set as Spark tasks on this master (local[2], "
                        + "spark://host:7077, yarn, ...) and merge their flip counts; the same metrics")
        private String spark;

        @Override
        public Integer call() throws Exception {
            JobConfig job = load(config, overrides);
            FlipReport report = spark == null ? PcJob.evaluate(job, oldModel, newModel, trustModelCode)
                    : dev.pct.train.spark.SparkEvaluation.run(job, oldModel, newModel, trustModelCode,
                            sparkMaster(spark));
            System.out.println(ReportWriter.formatTable(Map.of("new vs old", report)));
            return 0;
        }
    }

    /** {@code predict}: a model's predictions on a data set, as CSV. */
    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Write a model's predictions (class and logits per sample) on a data set as CSV, which "
                    + "compare reads and old_model.source logits accepts.")
    static final class Predict implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL",
                description = "a model directory (pct exports one per trained model: <run>/seed-N/pc/model), a "
                        + "TorchScript .pt or an ONNX .onnx file")
        private Path model;

        @Parameters(index = "1", paramLabel = "DATA",
                description = "a job file (its data section and splits), a folder of IDX files, or an image folder")
        private Path data;

        @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT",
                description = "train, validation or test (default: test)")
        private String split;

        @Option(names = "--out", defaultValue = "predictions.csv", paramLabel = "CSV",
                description = "the file to write (default: predictions.csv)")
        private Path out;

        @Option(names = "--mean", split = ",", paramLabel = "M",
                description = "for a .pt/.onnx file: the per-channel mean it was trained with (inputs in [0, 1])")
        private List<Float> mean;

        @Option(names = "--std", split = ",", paramLabel = "S", description = "for a .pt/.onnx file: the per-channel std")
        private List<Float> std;

        @Option(names = "--size", split = ",", paramLabel = "H,W",
                description = "for a .pt/.onnx file: the image size it takes (default: the data's)")
        private List<Integer> size;

        @Option(names = "--channels", defaultValue = "0", paramLabel = "C",
                description = "for a .pt/.onnx file: 1 or 3 channels (default: the data's)")
        private int channels;

        @Option(names = "--bgr", description = "for a .pt/.onnx file: it takes BGR channel order")
        private boolean bgr;

        @Option(names = "--center-crop", paramLabel = "FRACTION", arity = "0..1", fallbackValue = "0.875",
                description = "bring images to the input size by resizing to size/FRACTION and cropping the center"
                        + " (default fraction 0.875) instead of stretching them; a model directory pct exported "
                        + "says how it trained, which is the default for it")
        private Double centerCrop;

        @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE", description = "auto, cpu, gpu or gpu:N")
        private String device;

        @Option(names = "--trust-model-code",
                description = "load a model directory even if it holds code (.jar/.class files, or a blockFactory "
                        + "other than pct's in serving.properties), which then runs in this process; refused "
                        + "otherwise")
        private boolean trustModelCode;

        @Override
        public Integer call() throws IOException {
            if ((mean == null) != (std == null) || mean != null && mean.size() != std.size()) {
                throw new IllegalArgumentException("--mean and --std: give both, one value per channel each");
            }
            if (size != null && size.size() != 2) {
                throw new IllegalArgumentException("--size: expected H,W, got " + size);
            }
            dev.pct.train.job.Predict.InputOptions options = new dev.pct.train.job.Predict.InputOptions(
                    mean == null ? null : floats(mean), std == null ? null : floats(std),
                    size == null ? 0 : size.get(0), size == null ? 0 : size.get(1), channels,
                    bgr ? dev.pct.train.data.ChannelOrder.BGR : dev.pct.train.data.ChannelOrder.RGB,
                    centerCrop == null ? null : dev.pct.train.data.ResizeMode.CENTER_CROP,
                    centerCrop == null ? 1.0 : centerCrop);
            dev.pct.train.job.Predict.Summary summary =
                    dev.pct.train.job.Predict.run(model, data, split, out, options, device, trustModelCode);
            System.out.printf("%d predictions of %d classes written to %s%s%n", summary.samples(), summary.classes(),
                    summary.out(), Double.isNaN(summary.accuracy()) ? ""
                            : String.format(" (accuracy %.4f)", summary.accuracy()));
            return 0;
        }

        private static float[] floats(List<Float> values) {
            float[] out = new float[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i);
            }
            return out;
        }
    }

    /** {@code compare}: flip metrics from prediction files. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compute flip metrics from files: labels, old and new predictions (a class index per line, "
                    + "rows of logits, or the CSV predict writes).")
    static final class Compare implements Callable<Integer> {
        @Option(names = "--labels", required = true, paramLabel = "CSV",
                description = "true labels, one per line (or a predict CSV, whose label column is read)")
        private Path labels;

        @Option(names = "--old", required = true, paramLabel = "CSV", description = "the old model's predictions")
        private Path oldPredictions;

        @Option(names = "--new", required = true, paramLabel = "CSV", description = "the new model's predictions")
        private Path newPredictions;

        @Option(names = "--classes", defaultValue = "0", paramLabel = "C",
                description = "number of classes (default: the largest class seen + 1)")
        private int classes;

        @Option(names = "--out", paramLabel = "JSON", description = "also write the metrics as JSON here")
        private Path out;

        @Override
        public Integer call() throws IOException {
            FlipReport report = PredictionFiles.compare(labels, oldPredictions, newPredictions, classes);
            System.out.println(ReportWriter.formatTable(Map.of("new vs old", report)));
            if (out != null) {
                dev.pct.train.io.AtomicFiles.writeString(out, new com.fasterxml.jackson.databind.ObjectMapper()
                        .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(report));
            }
            return 0;
        }
    }
}
