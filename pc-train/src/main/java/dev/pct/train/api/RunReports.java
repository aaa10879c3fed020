package dev.pct.train.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pct.core.metrics.FlipReport;
import dev.pct.train.io.AtomicFiles;
import dev.pct.train.io.RunLock;
import dev.pct.train.report.MergedRuns;
import dev.pct.train.report.ModelResult;
import dev.pct.train.report.ReportWriter;
import dev.pct.train.report.RunResults;
import dev.pct.train.selection.SelectionSettings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reports of one training's run directory: the run's own ({@code report.md}, {@code report.html} and the files
 * beside them), written after a run or again from what it left, and one report of several runs; with the input
 * pipeline's measured rate, which the report shows and a later re-write reads back. What goes into them is {@link
 * PcTraining}'s to gather.
 */
final class RunReports {
    private static final Logger LOG = LoggerFactory.getLogger(RunReports.class);
    /** The input pipeline's measured rate, in the run directory. */
    static final String INPUT_PIPELINE = "input-pipeline.json";

    private final Path runDir;
    private final List<String> classNames;
    private final SelectionSettings selection;
    private final List<String> notes;
    private final IntFunction<BufferedImage> testImages;
    private final String title;

    /**
     * The reports of a run directory.
     *
     * @param runDir the run directory
     * @param classNames the data's class names
     * @param selection the selection rule, for the tables of kept epochs
     * @param notes what loading the old model noted
     * @param testImages the test samples' images for the galleries, or null
     * @param title the run's name
     */
    RunReports(Path runDir, List<String> classNames, SelectionSettings selection, List<String> notes,
            IntFunction<BufferedImage> testImages, String title) {
        this.runDir = runDir;
        this.classNames = classNames;
        this.selection = selection;
        this.notes = notes;
        this.testImages = testImages;
        this.title = title;
    }

    /** Writes report.md, report.html and the files beside them, for a run's findings. */
    void write(RunResults results, RunRecord record, Map<String, String> settings, ReportWriter.LoadingRate loading)
            throws IOException {
        report(title)
                .optLoadingRate(loading)
                .optSelection(record.selected(), selection)
                .optInterpolation(record.curves())
                .optSettings(settings)
                .build().write(results);
    }

    /** A report of this run directory, with what every report of it shows: the classes, notes, images, title. */
    private ReportWriter.Builder report(String reportTitle) {
        return ReportWriter.builder().setRunDirectory(runDir).optClassNames(classNames).optNotes(notes)
                .optTestImages(testImages).optTitle(reportTitle);
    }

    /**
     * Writes one report of several finished runs into this run directory (see {@link PcTraining#writeMergedReport}).
     *
     * @param runs the runs, two or more
     * @return this directory and the merged results and table
     * @throws IOException when the report cannot be written
     */
    PcResult writeMerged(List<MergedRuns.Run> runs) throws IOException {
        MergedRuns.Merged merged = MergedRuns.merge(runs);
        Files.createDirectories(runDir);
        try (RunLock held = RunLock.acquire(runDir)) {
            List<String> lines = new ArrayList<>();
            lines.add(runs.size() + " runs: " + String.join(", ", runs.stream().map(MergedRuns.Run::name).toList())
                    + ".");
            merged.notes().forEach(note -> lines.add(note + "."));
            report(title + " (" + runs.size() + " runs)")
                    .optSelection(merged.selected(), selection)
                    .optSettings(merged.settings())
                    .optMerged(lines)
                    .build().write(merged.results());
        }
        LOG.info("Merged report of {} runs written: {}", runs.size(), runDir.resolve(ReportWriter.REPORT_HTML));
        return new PcResult(runDir, merged.results(), table(merged.results().models()), Map.of());
    }

    /**
     * Records the input pipeline's measured rate, for a later re-write of the report, which measures nothing; apart
     * from metrics.json, whose bytes a resumed run keeps.
     */
    void writeLoadingRate(ReportWriter.LoadingRate loading) throws IOException {
        var pipeline = new ObjectMapper().createObjectNode().put("imagesPerSecond", loading.imagesPerSecond())
                .put("workers", loading.workers());
        AtomicFiles.writeString(runDir.resolve(INPUT_PIPELINE), pipeline.toString() + "\n");
    }

    /** The input pipeline's rate the run measured, or null for a run from before it was recorded. */
    ReportWriter.LoadingRate earlierLoadingRate() {
        Path metrics = runDir.resolve(INPUT_PIPELINE);
        if (!Files.exists(metrics)) {
            return null;
        }
        try {
            var pipeline = new ObjectMapper().readTree(metrics.toFile());
            return pipeline.isObject() ? new ReportWriter.LoadingRate(pipeline.path("imagesPerSecond").asDouble(),
                    pipeline.path("workers").asInt()) : null;
        } catch (IOException e) {
            LOG.warn("{}: unreadable ({}); the report leaves the input pipeline's rate out", metrics, e.getMessage());
            return null;
        }
    }

    /** The table {@link PcResult} carries: each model and seed against the old model. */
    static String table(List<ModelResult> results) {
        Map<String, FlipReport> table = new LinkedHashMap<>();
        for (ModelResult r : results) {
            table.put(r.model() + " seed " + r.seed(), r.vsOld());
        }
        return ReportWriter.formatTable(table);
    }
}
