package dev.pct.train.report;

import dev.pct.train.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The per-epoch records of one stage, kept in its directory so a resumed run reports every epoch. */
public final class StageHistory {
    /** The file name in a stage's directory. */
    public static final String FILE = "epochs.csv";
    private static final String HEADER = "model,seed,epoch,train_loss,cross_entropy,distillation,train_error,"
            + "validation_error,validation_nfr,test_error,test_nfr,samples_per_second,seconds,"
            + "data_wait_share,evaluation_share";

    private StageHistory() {}

    public static void write(Path file, List<EpochRecord> records) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (EpochRecord r : records) {
            sb.append(r.model()).append(',').append(r.seed()).append(',').append(r.epoch()).append(',')
                    .append(r.trainLoss()).append(',').append(r.crossEntropy()).append(',')
                    .append(r.distillation()).append(',').append(r.trainError()).append(',')
                    .append(r.validationError()).append(',').append(r.validationNegativeFlipRate()).append(',')
                    .append(r.testError()).append(',')
                    .append(r.testNegativeFlipRate()).append(',').append(r.samplesPerSecond()).append(',')
                    .append(r.seconds()).append(',').append(r.dataWaitShare()).append(',')
                    .append(r.evaluationShare()).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    public static List<EpochRecord> read(Path file) throws IOException {
        List<EpochRecord> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            // 13 fields: written before the data-wait share was measured; 14 before the evaluation share.
            if (f.length < 13 || f.length > 15) {
                throw new IOException(file + ":" + (i + 1) + ": expected 15 fields (" + HEADER + "), got "
                        + f.length);
            }
            out.add(new EpochRecord(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), d(f[3]), d(f[4]),
                    d(f[5]), d(f[6]), d(f[7]), d(f[8]), d(f[9]), d(f[10]), d(f[11]), d(f[12]),
                    f.length > 13 ? d(f[13]) : Double.NaN, f.length > 14 ? d(f[14]) : Double.NaN));
        }
        return out;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }
}
