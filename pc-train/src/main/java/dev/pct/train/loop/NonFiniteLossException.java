package dev.pct.train.loop;

/** Thrown when the training loss becomes NaN or infinite; the run stops and its last good checkpoint stays. */
public final class NonFiniteLossException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what diverged, where, and what to try
     */
    public NonFiniteLossException(String message) {
        super(message);
    }
}
