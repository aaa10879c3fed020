package dev.pct.train.config;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A class a hostile job file names in a YAML type tag: loading it or making one records the fact, so a test can
 * show the loader did neither. The record lives in {@link Touched}, so that a test reading it does not itself
 * load this class.
 */
public final class TagTrap {
    static {
        Touched.TOUCHED.set(true);
    }

    /** Records that one was made. */
    public TagTrap() {
        Touched.TOUCHED.set(true);
    }

    /** Whether {@link TagTrap} was ever loaded or made. */
    static final class Touched {
        static final AtomicBoolean TOUCHED = new AtomicBoolean();

        private Touched() {}
    }
}
