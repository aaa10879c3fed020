package dev.pct.train.loop;

/**
 * What the training loop is doing at a moment of an epoch, as a profiled epoch splits it ({@link EpochProfile}).
 * The phases follow each other without gaps, so their wall times add up to the epoch's.
 */
public enum StepPhase {
    /** Waiting for the next prepared batch and creating its tensors (images, labels, teacher rows). */
    DATA("data"),
    /** The network's forward pass, autograd recording. */
    FORWARD("forward"),
    /** The loss on the batch's predictions and labels. */
    LOSS("loss"),
    /** {@code backward} from the loss to every parameter's gradient. */
    BACKWARD("backward"),
    /** The epoch's running sums (loss, its parts, errors), kept on the device. */
    METRICS("metrics"),
    /** Gradient clipping, the parameter updates and zeroing the gradients. */
    OPTIMIZER("optimizer"),
    /** Reading values to the host: the running sums at log points and at the epoch's end. */
    HOST_READS("host reads"),
    /** Scoring the validation (and test) split after the epoch; not part of the epoch's training time. */
    EVALUATION("evaluation"),
    /** The rest: the epoch's setup, closing each step's arrays, progress lines. */
    OTHER("other");

    private final String label;

    StepPhase(String label) {
        this.label = label;
    }

    /**
     * Returns the phase's name in the profile's table.
     *
     * @return e.g. {@code "host reads"}
     */
    public String label() {
        return label;
    }
}
