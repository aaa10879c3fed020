package dev.pct.train.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of a run, drawn with XChart off screen. */
final class Charts {

    static {
        // Training runs on servers without a display; AWT must not try to open one.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {}

    /** Train loss and test error per epoch, side by side, a series per model and seed. */
    static byte[] learningCurves(List<EpochRecord> history, int width, int height) throws IOException {
        XYChart loss = lineChart("Training loss", "loss", width, height);
        XYChart error = lineChart("Test error", "error (%)", width, height);
        Map<String, List<EpochRecord>> runs = new LinkedHashMap<>();
        for (EpochRecord record : history) {
            runs.computeIfAbsent(record.model() + " seed " + record.seed(), k -> new ArrayList<>()).add(record);
        }
        for (Map.Entry<String, List<EpochRecord>> run : runs.entrySet()) {
            addSeries(loss, run.getKey(), run.getValue(), EpochRecord::trainLoss, 1.0);
            addSeries(error, run.getKey(), run.getValue(), EpochRecord::testError, 100.0);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(List.of(loss, error), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
        return out.toByteArray();
    }

    /** Test error against NFR: one series per new model, a point per seed, the old model at NFR 0. */
    static byte[] errorVersusNegativeFlipRate(
            Map<String, List<double[]>> newModelPoints, List<Double> oldErrorRates, int width, int height,
            boolean withFront) throws IOException {
        XYChart chart =
                new XYChartBuilder()
                        .width(width)
                        .height(height)
                        .title("Test error vs negative flip rate")
                        .xAxisTitle("negative flip rate (%)")
                        .yAxisTitle("test error (%)")
                        .build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(10);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        // Both axes start at 0: the old model sits at NFR 0 and the reader compares distances to it.
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisDecimalPattern("0.##");
        chart.getStyler().setYAxisDecimalPattern("0.##");
        if (!oldErrorRates.isEmpty()) {
            double[] x = new double[oldErrorRates.size()];
            double[] y = oldErrorRates.stream().mapToDouble(v -> 100.0 * v).toArray();
            chart.addSeries("old (reference)", x, y).setMarker(SeriesMarkers.DIAMOND);
        }
        for (Map.Entry<String, List<double[]>> model : newModelPoints.entrySet()) {
            double[] x = model.getValue().stream().mapToDouble(p -> 100.0 * p[0]).toArray();
            double[] y = model.getValue().stream().mapToDouble(p -> 100.0 * p[1]).toArray();
            chart.addSeries(model.getKey(), x, y);
        }
        if (withFront) {
            Map<String, double[]> means = new LinkedHashMap<>();
            newModelPoints.forEach((model, points) -> means.put(model, new double[] {
                points.stream().mapToDouble(p -> p[0]).average().orElse(Double.NaN),
                points.stream().mapToDouble(p -> p[1]).average().orElse(Double.NaN)}));
            List<double[]> front = paretoFront(means).stream().map(means::get)
                    .sorted(java.util.Comparator.comparingDouble(p -> p[0])).toList();
            if (front.size() > 1) {
                chart.addSeries("Pareto front (means)", front.stream().mapToDouble(p -> 100.0 * p[0]).toArray(),
                        front.stream().mapToDouble(p -> 100.0 * p[1]).toArray())
                        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setMarker(SeriesMarkers.NONE);
            }
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * The names whose point is not dominated: no other point has both NFR and error at most its own with one
     * of them strictly lower.
     *
     * @param points {negative flip rate, error rate} per name
     * @return the names on the front, in the map's order
     */
    static java.util.Set<String> paretoFront(Map<String, double[]> points) {
        java.util.Set<String> front = new java.util.LinkedHashSet<>();
        for (Map.Entry<String, double[]> a : points.entrySet()) {
            double[] p = a.getValue();
            boolean dominated = false;
            for (double[] q : points.values()) {
                if (q[0] <= p[0] && q[1] <= p[1] && (q[0] < p[0] || q[1] < p[1])) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated && !Double.isNaN(p[0]) && !Double.isNaN(p[1])) {
                front.add(a.getKey());
            }
        }
        return front;
    }

    private static XYChart lineChart(String title, String yTitle, int width, int height) {
        XYChart chart =
                new XYChartBuilder()
                        .width(width)
                        .height(height)
                        .title(title)
                        .xAxisTitle("epoch")
                        .yAxisTitle(yTitle)
                        .build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setYAxisDecimalPattern("0.###");
        chart.getStyler().setXAxisDecimalPattern("0");
        return chart;
    }

    private static void addSeries(
            XYChart chart, String name, List<EpochRecord> records, ToDoubleFunction<EpochRecord> value, double scale) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochRecord record : records) {
            double v = value.applyAsDouble(record);
            // NaN marks "not measured"; XChart would draw it as a broken axis range.
            if (Double.isFinite(v)) {
                x.add((double) record.epoch());
                y.add(scale * v);
            }
        }
        if (!x.isEmpty()) {
            chart.addSeries(name, x, y);
        }
    }
}
