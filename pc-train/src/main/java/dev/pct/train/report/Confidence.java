package dev.pct.train.report;

/** The confidence of a classifier in its answer: the softmax probability of its predicted (arg-max) class. */
public final class Confidence {

    private Confidence() {}

    /**
     * Returns, per row of logits, the softmax probability of the row's largest logit: {@code 1 / sum_c exp(z_c -
     * max_c z_c)}, in double precision (no overflow: every exponent is at most 0).
     *
     * @param logits the logits, row-major N×C
     * @param classes C
     * @return N probabilities in (0, 1]; NaN for a row holding NaN
     * @throws IllegalArgumentException if the length is not a multiple of {@code classes}
     */
    public static float[] ofLogits(float[] logits, int classes) {
        if (classes < 1 || logits.length % classes != 0) {
            throw new IllegalArgumentException(logits.length + " logits do not make rows of " + classes + " classes");
        }
        float[] out = new float[logits.length / classes];
        for (int r = 0; r < out.length; r++) {
            int base = r * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[base + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[base + c] - max);
            }
            out[r] = (float) (1 / sum);
        }
        return out;
    }
}
