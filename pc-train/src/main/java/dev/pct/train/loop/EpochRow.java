package dev.pct.train.loop;

/**
 * What one epoch of one stage measured.
 *
 * @param epoch the 1-based epoch
 * @param trainLoss the mean training loss over the epoch's steps
 * @param crossEntropy the mean cross-entropy part
 * @param distillation the mean distillation part (0 for plain cross-entropy)
 * @param trainError the share of training samples misclassified during the epoch (with augmentation)
 * @param learningRate the learning rate of the epoch's last step
 * @param samplesPerSecond training throughput, evaluation excluded
 * @param seconds the training time of the epoch, evaluation excluded
 * @param liveArrays NDArrays alive under the model's manager at the end of the epoch (flat when nothing leaks)
 * @param residentMegabytes the process's resident memory at the end of the epoch, in MiB (-1 if unknown)
 * @param dataWaitSeconds the time the loop waited for its next batch to be prepared
 */
public record EpochRow(
        int epoch,
        double trainLoss,
        double crossEntropy,
        double distillation,
        double trainError,
        double learningRate,
        double samplesPerSecond,
        double seconds,
        int liveArrays,
        long residentMegabytes,
        double dataWaitSeconds) {

    /** The CSV header of {@link #toCsv()}. */
    public static final String CSV_HEADER =
            "epoch,train_loss,cross_entropy,distillation,train_error,learning_rate,samples_per_second,seconds,"
                    + "live_arrays,resident_mb,data_wait_seconds";

    /**
     * Returns the row as CSV.
     *
     * @return comma-separated values in the order of {@link #CSV_HEADER}
     */
    public String toCsv() {
        return epoch + "," + trainLoss + "," + crossEntropy + "," + distillation + "," + trainError + ","
                + learningRate + "," + samplesPerSecond + "," + seconds + "," + liveArrays + "," + residentMegabytes
                + "," + dataWaitSeconds;
    }

    /**
     * Parses a row written by {@link #toCsv()}.
     *
     * @param line the CSV line
     * @return the row
     */
    public static EpochRow parse(String line) {
        String[] f = line.split(",");
        // 10 fields: a checkpoint written before the data wait was measured.
        if (f.length != 10 && f.length != 11) {
            throw new IllegalArgumentException("epoch row needs 11 fields (" + CSV_HEADER + "), got: " + line);
        }
        return new EpochRow(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Double.parseDouble(f[6]), Double.parseDouble(f[7]), Integer.parseInt(f[8]), Long.parseLong(f[9]),
                f.length > 10 ? Double.parseDouble(f[10]) : Double.NaN);
    }
}
