package dev.pct.train.data;

/**
 * An unchecked exception thrown when a data source is missing, malformed or inconsistent; its
 * message names the file or folder and the problem.
 */
public class DataFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with the given message.
     *
     * @param message what is wrong, naming the file
     */
    public DataFormatException(String message) {
        super(message);
    }

    /**
     * Creates an exception with the given message and cause.
     *
     * @param message what is wrong, naming the file
     * @param cause the underlying I/O or decoding error
     */
    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
