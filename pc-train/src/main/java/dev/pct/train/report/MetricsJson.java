package dev.pct.train.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pct.core.metrics.FlipReport;
import dev.pct.core.metrics.Interval;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The run's machine-readable metrics, {@value ReportWriter#METRICS_JSON}; its field names are a published format. */
final class MetricsJson {

    private MetricsJson() {}

    /**
     * The metrics of a run as JSON: the test set's size and class names, every model and seed (errors, error rate
     * with its Wilson interval, flips against the old model), and each model's mean and sample std over seeds.
     *
     * @param models the results, in report order
     * @param labels the test set's labels
     * @param classNames the class names, empty when the data has none
     * @return the file's text, indented, with a final newline
     * @throws IOException when the JSON cannot be written
     */
    static String of(List<ModelResult> models, int[] labels, List<String> classNames) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("testSamples", labels.length);

        if (!classNames.isEmpty()) {
            ArrayNode names = root.putArray("classNames");
            classNames.forEach(names::add);
        }
        ArrayNode runs = root.putArray("models");
        Map<String, List<ModelResult>> byModel = new LinkedHashMap<>();
        for (ModelResult result : models) {
            byModel.computeIfAbsent(result.model(), k -> new ArrayList<>()).add(result);
            ObjectNode run = runs.addObject();
            run.put("model", result.model());
            run.put("seed", result.seed());
            long errors = ReportWriter.errors(result, labels);
            run.put("errors", errors);
            run.put("errorRate", ReportWriter.errorRate(result, labels));
            run.set("errorRateInterval", mapper.valueToTree(Interval.wilson(errors, labels.length)));
            run.set("vsOld", result.isOldModel() ? null : mapper.valueToTree(result.vsOld()));
        }
        ObjectNode summary = root.putObject("summary");
        for (Map.Entry<String, List<ModelResult>> model : byModel.entrySet()) {
            ObjectNode node = summary.putObject(model.getKey());
            List<ModelResult> seeds = model.getValue();
            node.put("seeds", seeds.size());
            node.set("errorRate", summaryNode(mapper,
                    seeds.stream().map(r -> ReportWriter.errorRate(r, labels)).toList()));
            if (!seeds.get(0).isOldModel()) {
                node.set("negativeFlipRate",
                        summaryNode(mapper, ReportWriter.perSeed(seeds, FlipReport::negativeFlipRate)));
                node.set("positiveFlipRate",
                        summaryNode(mapper, ReportWriter.perSeed(seeds, FlipReport::positiveFlipRate)));
                node.set(
                        "relativeNegativeFlipRate",
                        summaryNode(mapper, ReportWriter.perSeed(seeds, FlipReport::relativeNegativeFlipRate)));
            }
        }
        return mapper.writeValueAsString(root) + "\n";
    }

    private static ObjectNode summaryNode(ObjectMapper mapper, List<Double> values) {
        SeedSummary s = SeedSummary.of(values);
        ObjectNode node = mapper.createObjectNode();
        node.put("mean", s.mean());
        // A single seed has no sample standard deviation; null says so instead of a fake 0.
        if (s.seeds() > 1) {
            node.put("std", s.std());
        } else {
            node.putNull("std");
        }
        return node;
    }
}
