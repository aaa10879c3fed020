package dev.pct.train.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The committed model fixtures (made by {@code src/test/resources/models/make_fixtures.py}). */
public final class Fixtures {

    private Fixtures() {}

    /**
     * Returns the folder of the model fixtures and the tiny IDX data set ({@code tiny/}).
     *
     * @return the folder
     */
    public static Path models() {
        try {
            return Path.of(Fixtures.class.getResource("/models/tiny-old-mlp.pt").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
