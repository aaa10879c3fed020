package dev.pct.train.data;

import java.util.Arrays;
import java.util.Random;

/** Seeded splits of a data set. */
public final class Splits {

    private Splits() {}

    /**
     * Splits a training set into a training and a validation part by a seeded shuffle.
     *
     * <p>The validation part has {@code round(fraction * size)} samples. Within each part the
     * samples stay in their original order, and {@link SampleSource#sourceIndices()} gives each
     * sample's index in {@code train}'s source.
     *
     * @param train the set to split
     * @param fraction the share held out for validation, in [0, 1)
     * @param seed the shuffle seed
     * @param <S> the kind of source (its {@link SampleSource#subset} returns the same kind)
     * @return the two parts, disjoint, together covering {@code train}
     * @throws IllegalArgumentException if {@code fraction} is outside [0, 1) or would leave no
     *     training sample
     */
    @SuppressWarnings("unchecked")
    public static <S extends SampleSource> TrainValidation<S> trainValidation(S train, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be in [0, 1), got " + fraction);
        }
        int n = train.size();
        int v = (int) Math.round(fraction * n);
        if (n - v < 1) {
            throw new IllegalArgumentException(
                    "validation fraction "
                            + fraction
                            + " of "
                            + n
                            + " samples leaves no training sample in "
                            + train.source());
        }
        int[] perm = BatchMaker.shuffledIndices(n, new Random(seed));
        int[] val = Arrays.copyOfRange(perm, 0, v);
        int[] rest = Arrays.copyOfRange(perm, v, n);
        Arrays.sort(val);
        Arrays.sort(rest);
        return new TrainValidation<>((S) train.subset(rest), (S) train.subset(val));
    }
}
