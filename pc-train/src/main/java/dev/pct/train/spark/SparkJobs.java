package dev.pct.train.spark;

import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.job.PcJob;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** The Spark context of a command, and the job a task rebuilds on its executor from the driver's config. */
final class SparkJobs {

    private SparkJobs() {}

    /**
     * A Spark context on a master: {@code local[N]} (or {@code local[N,F]}: F tries per task) runs the executors
     * as threads of this JVM, bound to 127.0.0.1 and without the web UI; any other master (e.g. {@code
     * spark://host:7077}, {@code yarn}, {@code k8s://...}) is Spark's own, as under {@code spark-submit}.
     *
     * @param master the master URL
     * @param app the application's name, shown by the cluster manager
     * @return the context; close it when the command ends
     */
    static JavaSparkContext context(String master, String app) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName(app);
        if (master.startsWith("local")) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false");
        }
        return new JavaSparkContext(conf);
    }

    /**
     * The configuration a command sends to its executors: the driver's, with the new model's normalization
     * measured once here and written in ({@code data.mean}, {@code data.std}; each float's shortest decimal,
     * which reads back as the same float), so that no executor measures it again.
     *
     * @param config the effective configuration
     * @return it, or it with the measured normalization
     * @throws IOException when the temporary file cannot be written
     */
    static JobConfig resolved(JobConfig config) throws IOException {
        float[][] measured = PcJob.measuredNormalization(config);
        if (measured == null) {
            return config;
        }
        return load(config.toYaml(), List.of("data.mean=" + list(measured[0]), "data.std=" + list(measured[1])));
    }

    private static String list(float[] values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Float.toString(values[i]));
        }
        return sb.append(']').toString();
    }

    /** Binds a configuration from its YAML text and overrides, through a temporary file. */
    private static JobConfig load(String yaml, List<String> overrides) throws IOException {
        Path file = Files.createTempFile("pct-spark-job-", ".yaml");
        try {
            Files.writeString(file, yaml);
            return JobConfigLoader.load(file, overrides);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * A new run's name: the key of what its tasks keep on their executors ({@link ExecutorPool}).
     *
     * @return a random name
     */
    static String newRun() {
        return UUID.randomUUID().toString();
    }

    /**
     * The job a command runs, as its tasks carry it to the executors: its effective configuration as YAML
     * (every key written, paths absolute, so each executor must see the data and model files at the same
     * paths: a shared file system or the same image on every node) and the run it belongs to.
     *
     * @param yaml the effective configuration ({@link JobConfig#toYaml})
     * @param run the run's name ({@link #newRun})
     */
    record Job(String yaml, String run) implements Serializable {
        private static final long serialVersionUID = 1L;

        /**
         * The configuration, bound again on the executor from its YAML.
         *
         * @return the configuration
         * @throws IOException when the temporary file cannot be written
         */
        JobConfig config() throws IOException {
            return load(yaml, List.of());
        }
    }
}
