package dev.pct.core.loss;

/**
 * Focal distillation in float64 plain Java, written from the paper's formula, independent of the
 * code under test (no closed-form gradient, no shared helpers). Public for pc-bench's tests, through
 * pc-core's test jar.
 */
public final class ReferenceLoss {

    final double alpha;
    final double beta;
    final double tau;
    final double lambda;
    final Distance distance;
    final SampleFilter filter;
    final ClassReduction reduction;
    final double margin;
    final double power;
    final int topK;
    final boolean excludeTrueClass;

    /**
     * Reads a loss's settings.
     *
     * @param loss the loss whose formula to evaluate
     */
    public ReferenceLoss(FocalDistillationLoss loss) {
        this.alpha = loss.getAlpha();
        this.beta = loss.getBeta();
        this.tau = loss.getTau();
        this.lambda = loss.getLambda();
        this.distance = loss.getDistance();
        this.filter = loss.getFilter();
        this.reduction = loss.getClassReduction();
        this.margin = loss.getMargin();
        this.power = loss.getPower();
        this.topK = loss.getTopK();
        this.excludeTrueClass = loss.isExcludeTrueClass();
    }

    static int argMax(double[] v) {
        int best = 0;
        for (int c = 1; c < v.length; c++) {
            if (v[c] > v[best]) {
                best = c;
            }
        }
        return best;
    }

    static double[] logSoftmax(double[] v, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x / temperature);
        }
        double sum = 0;
        for (double x : v) {
            sum += Math.exp(x / temperature - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[v.length];
        for (int c = 0; c < v.length; c++) {
            out[c] = v[c] / temperature - lse;
        }
        return out;
    }

    double crossEntropy(double[][] z, int[] y) {
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            sum -= logSoftmax(z[i], 1)[y[i]];
        }
        return sum / z.length;
    }

    double distance(double[] z, double[] o) {
        if (distance == Distance.LDI && excludeTrueClass) {
            throw new IllegalStateException("LDI without the true class needs it: use distance(z, o, y)");
        }
        return distance(z, o, -1);
    }

    /**
     * The classes LDI compares for one sample: the candidates (all, or all but {@code y}), restricted
     * to those whose reference logit is at least the k-th largest candidate value (ties included).
     */
    boolean[] ldiClasses(double[] r, int y) {
        int classes = r.length;
        boolean[] candidate = new boolean[classes];
        int candidates = 0;
        for (int c = 0; c < classes; c++) {
            candidate[c] = !(excludeTrueClass && c == y);
            candidates += candidate[c] ? 1 : 0;
        }
        if (topK == 0 || topK >= candidates) {
            return candidate;
        }
        double[] values = new double[candidates];
        int k = 0;
        for (int c = 0; c < classes; c++) {
            if (candidate[c]) {
                values[k++] = r[c];
            }
        }
        java.util.Arrays.sort(values); // ascending: the k-th largest is at candidates - topK
        double kth = values[candidates - topK];
        boolean[] chosen = new boolean[classes];
        for (int c = 0; c < classes; c++) {
            chosen[c] = candidate[c] && r[c] >= kth;
        }
        return chosen;
    }

    double distance(double[] z, double[] o, int y) {
        double d = 0;
        if (distance == Distance.LDI) {
            boolean[] chosen = ldiClasses(o, y);
            int size = 0;
            for (int c = 0; c < z.length; c++) {
                if (chosen[c]) {
                    d += Math.pow(Math.max(Math.abs(z[c] - o[c]) - margin, 0), power);
                    size++;
                }
            }
            return reduction == ClassReduction.MEAN ? (size == 0 ? 0 : d / size) : d;
        }
        if (distance == Distance.KL) {
            double[] logQ = logSoftmax(o, tau);
            double[] logP = logSoftmax(z, tau);
            for (int c = 0; c < z.length; c++) {
                d += Math.exp(logQ[c]) * (logQ[c] - logP[c]);
            }
            d *= tau * tau;
        } else {
            for (int c = 0; c < z.length; c++) {
                d += 0.5 * (z[c] - o[c]) * (z[c] - o[c]);
            }
        }
        return reduction == ClassReduction.MEAN ? d / z.length : d;
    }

    /** Weights from the arg-max decisions of the given logits (the new ones may be held fixed). */
    double[] weights(double[][] zForArgMax, double[][] o, int[] y) {
        double[] w = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            boolean oldRight = argMax(o[i]) == y[i];
            boolean newWrong = argMax(zForArgMax[i]) != y[i];
            boolean f;
            switch (filter) {
                case OLD_CORRECT -> f = oldRight;
                case OLD_INCORRECT -> f = !oldRight;
                case ALL -> f = true;
                case NEW_INCORRECT -> f = newWrong;
                case NEGATIVE_FLIP -> f = oldRight && newWrong;
                default -> throw new AssertionError();
            }
            w[i] = alpha + (f ? beta : 0);
        }
        return w;
    }

    double distillation(double[][] z, double[][] o, int[] y, double[] w) {
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            sum += w[i] * distance(z[i], o[i], y[i]);
        }
        return lambda * sum / z.length;
    }

    /**
     * The loss's value in float64: mean cross-entropy plus the weighted distillation term.
     *
     * @param z the new logits, N rows of C
     * @param o the old logits, N rows of C
     * @param y the labels
     * @return the value
     */
    public double value(double[][] z, double[][] o, int[] y) {
        return crossEntropy(z, y) + distillation(z, o, y, weights(z, o, y));
    }

    /** Central differences of the loss in z, the weights held at their value at z. */
    double[][] numericGradient(double[][] z, double[][] o, int[] y, double eps) {
        double[] w = weights(z, o, y);
        double[][] g = new double[z.length][z[0].length];
        for (int i = 0; i < z.length; i++) {
            for (int c = 0; c < z[0].length; c++) {
                double keep = z[i][c];
                z[i][c] = keep + eps;
                double up = crossEntropy(z, y) + distillation(z, o, y, w);
                z[i][c] = keep - eps;
                double down = crossEntropy(z, y) + distillation(z, o, y, w);
                z[i][c] = keep;
                g[i][c] = (up - down) / (2 * eps);
            }
        }
        return g;
    }
}
