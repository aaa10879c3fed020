package dev.pct.bench;

/**
 * The focal distillation loss and its gradient in float64 on plain Java arrays, written from the
 * formulas (Yan et al., CVPR 2021, with the closed-form gradients of the project guide), as the
 * independent reference of the tests.
 */
final class FocalDistillationReference {

    /** The loss value and its gradient with respect to the new logits. */
    record Value(double loss, double[][] gradient) {}

    private FocalDistillationReference() {}

    static Value evaluate(double[][] z, int[] y, double[][] o, double alpha, double beta,
            double tau, double lambda, boolean kl) {
        int n = z.length;
        int c = z[0].length;
        double loss = 0;
        double[][] grad = new double[n][c];
        for (int i = 0; i < n; i++) {
            double[] p = softmax(z[i], 1);
            loss += -Math.log(p[y[i]]) / n;
            int oldArgmax = 0;
            for (int k = 1; k < c; k++) {
                if (o[i][k] > o[i][oldArgmax]) {
                    oldArgmax = k;
                }
            }
            double w = alpha + (oldArgmax == y[i] ? beta : 0);
            double d = 0;
            double[] pt = softmax(z[i], tau);
            double[] qt = softmax(o[i], tau);
            for (int k = 0; k < c; k++) {
                double ceGrad = (p[k] - (k == y[i] ? 1 : 0)) / n;
                double distGrad;
                if (kl) {
                    d += tau * tau * qt[k] * (Math.log(qt[k]) - Math.log(pt[k]));
                    distGrad = tau * (pt[k] - qt[k]);
                } else {
                    d += 0.5 * (z[i][k] - o[i][k]) * (z[i][k] - o[i][k]);
                    distGrad = z[i][k] - o[i][k];
                }
                grad[i][k] = ceGrad + lambda * w * distGrad / n;
            }
            loss += lambda * w * d / n;
        }
        return new Value(loss, grad);
    }

    static double[] softmax(double[] logits, double tau) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v / tau);
        }
        double sum = 0;
        double[] out = new double[logits.length];
        for (int k = 0; k < logits.length; k++) {
            out[k] = Math.exp(logits[k] / tau - max);
            sum += out[k];
        }
        for (int k = 0; k < logits.length; k++) {
            out[k] /= sum;
        }
        return out;
    }
}
