package dev.pct.train.api;

import dev.pct.train.report.RunResults;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a PC training run produced.
 *
 * @param runDirectory the run directory (report.md, metrics.json, the stages' files)
 * @param results the old model's and every new model's test predictions and flip reports, and the history
 * @param table the side-by-side table printed at the end
 * @param models the exported model directory of every new model, by {@code "<model> seed <N>"}
 */
public record PcResult(Path runDirectory, RunResults results, String table, Map<String, Path> models) {

    /** Copies the map. */
    public PcResult {
        models = Map.copyOf(models);
    }
}
