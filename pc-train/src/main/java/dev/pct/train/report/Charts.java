package dev.pct.train.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.AnnotationText;
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

    /**
     * Test error against NFR: one series per new model, a point per seed, each model named beside its mean. The axes
     * span the new models' points with a margin, not from 0, so that close models stay apart; the old model (NFR 0 by
     * definition, usually a much higher error) is a labelled point when it falls in that range and named in the
     * title otherwise.
     */
    static byte[] errorVersusNegativeFlipRate(
            Map<String, List<double[]>> newModelPoints, List<Double> oldErrorRates, int width, int height,
            boolean withFront) throws IOException {
        return BitmapEncoder.getBitmapBytes(errorVersusNegativeFlipRateChart(newModelPoints, oldErrorRates, width,
                height, withFront), BitmapEncoder.BitmapFormat.PNG);
    }

    /** The chart of {@link #errorVersusNegativeFlipRate}, before it is drawn. */
    static XYChart errorVersusNegativeFlipRateChart(
            Map<String, List<double[]>> newModelPoints, List<Double> oldErrorRates, int width, int height,
            boolean withFront) {
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
        chart.getStyler().setXAxisDecimalPattern("0.##");
        chart.getStyler().setYAxisDecimalPattern("0.##");
        double[] x = Range.EMPTY;
        double[] y = Range.EMPTY;
        for (List<double[]> points : newModelPoints.values()) {
            for (double[] p : points) {
                x = Range.include(x, 100.0 * p[0]);
                y = Range.include(y, 100.0 * p[1]);
            }
        }
        double[] xAxis = Range.padded(x);
        double[] yAxis = Range.padded(y);
        double oldError = oldErrorRates.stream().mapToDouble(v -> 100.0 * v).average().orElse(Double.NaN);
        boolean oldInRange = !Double.isNaN(oldError) && xAxis[0] <= 0 && Range.contains(yAxis, oldError);
        if (!newModelPoints.isEmpty()) {
            chart.getStyler().setXAxisMin(xAxis[0]);
            chart.getStyler().setXAxisMax(xAxis[1]);
            chart.getStyler().setYAxisMin(yAxis[0]);
            chart.getStyler().setYAxisMax(yAxis[1]);
        }
        if (!oldErrorRates.isEmpty() && (oldInRange || newModelPoints.isEmpty())) {
            double[] oldX = new double[oldErrorRates.size()];
            double[] oldY = oldErrorRates.stream().mapToDouble(v -> 100.0 * v).toArray();
            chart.addSeries("old (reference)", oldX, oldY).setMarker(SeriesMarkers.DIAMOND);
            chart.addAnnotation(label("old model", 0, oldError, xAxis, yAxis));
        }
        for (Map.Entry<String, List<double[]>> model : newModelPoints.entrySet()) {
            double[] mx = model.getValue().stream().mapToDouble(p -> 100.0 * p[0]).toArray();
            double[] my = model.getValue().stream().mapToDouble(p -> 100.0 * p[1]).toArray();
            chart.addSeries(model.getKey(), mx, my);
            chart.addAnnotation(label(displayName(model.getKey()), java.util.Arrays.stream(mx).average().orElse(0),
                    java.util.Arrays.stream(my).average().orElse(0), xAxis, yAxis));
        }
        if (!oldInRange && !Double.isNaN(oldError) && !newModelPoints.isEmpty()) {
            // Off the axes that keep the new models apart: named in the title instead.
            chart.setTitle(String.format(java.util.Locale.ROOT, "Test error vs negative flip rate (old model: %.2f%%"
                    + " error, NFR 0)", oldError));
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
        return chart;
    }

    /** The name a model's points carry on the chart: the plain retrain says what it is. */
    static String displayName(String model) {
        return model.equals(ModelRoles.BASELINE) ? "baseline (plain retrain)" : model;
    }

    /** A name just above its point, in data coordinates. */
    private static AnnotationText label(String text, double x, double y, double[] xAxis, double[] yAxis) {
        return new AnnotationText(text, x, y + 0.05 * (yAxis[1] - yAxis[0]), false);
    }

    /** Closed intervals {low, high} of chart values, empty as {+inf, -inf}. */
    static final class Range {
        static final double[] EMPTY = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        /** The margin on each side, as a share of the values' span: room for the names above the points. */
        static final double MARGIN = 0.2;

        private Range() {}

        static double[] include(double[] range, double v) {
            return Double.isFinite(v) ? new double[] {Math.min(range[0], v), Math.max(range[1], v)} : range;
        }

        static boolean contains(double[] range, double v) {
            return v >= range[0] && v <= range[1];
        }

        /**
         * The axis for values in {@code range}: the span widened by {@link #MARGIN} on each side (a single value, or
         * values closer than 0.5 points, get a span of 0.5 points around them), never below 0 since rates are not.
         */
        static double[] padded(double[] range) {
            if (range[0] > range[1]) {
                return new double[] {0, 1};
            }
            double span = Math.max(range[1] - range[0], 0.5);
            double center = (range[0] + range[1]) / 2;
            double low = center - span / 2 - MARGIN * span;
            double high = center + span / 2 + MARGIN * span;
            return new double[] {Math.max(0, low), high};
        }
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

    /** Validation and test error and NFR over the interpolation weight a, a series per seed and split. */
    static byte[] interpolation(List<InterpolationCurve> curves, int width, int height) throws IOException {
        XYChart error = lineChart("Error over a", "error (%)", width, height);
        XYChart nfr = lineChart("Negative flip rate over a", "NFR (%)", width, height);
        for (XYChart chart : List.of(error, nfr)) {
            chart.setXAxisTitle("a (0: old model, 1: new)");
            chart.getStyler().setXAxisDecimalPattern("0.##");
        }
        for (InterpolationCurve curve : curves) {
            for (boolean validation : new boolean[] {true, false}) {
                List<Double> a = new ArrayList<>();
                List<Double> e = new ArrayList<>();
                List<Double> f = new ArrayList<>();
                for (InterpolationCurve.Point p : curve.points()) {
                    double errorValue = validation ? p.validationError() : p.testError();
                    double nfrValue = validation ? p.validationNfr() : p.testNfr();
                    if (Double.isFinite(errorValue) && Double.isFinite(nfrValue)) {
                        a.add(p.a());
                        e.add(100 * errorValue);
                        f.add(100 * nfrValue);
                    }
                }
                if (!a.isEmpty()) {
                    String name = (validation ? "validation" : "test") + " seed " + curve.seed();
                    error.addSeries(name, a, e);
                    nfr.addSeries(name, a, f);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(List.of(error, nfr), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
        return out.toByteArray();
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
