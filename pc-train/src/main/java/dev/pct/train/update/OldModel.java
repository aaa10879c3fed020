package dev.pct.train.update;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The old model of an update as a function from input batches to logits: a model file run by DJL, any DJL
 * {@link Predictor} or {@link Model}, or a network trained in the job. Its inputs are prepared for it (its own
 * size and normalization) before they reach it.
 */
public interface OldModel extends AutoCloseable {

    /**
     * Returns the logits of a batch.
     *
     * @param manager the owner of the result
     * @param inputs the batch, prepared for this model, e.g. (B, C, H, W)
     * @return the logits (B, classes), owned by {@code manager}
     * @throws IllegalStateException naming the model if it fails on the batch
     * @throws IllegalArgumentException naming the model if it returns anything but one float32 tensor, or if the
     *     batch does not fit the input shape the model declares (both shapes named)
     */
    NDArray logits(NDManager manager, NDArray inputs);

    /**
     * Returns a one-line description for logs and reports.
     *
     * @return e.g. {@code TorchScript old.pt}
     */
    String description();

    /**
     * Returns what identifies this model's outputs, recorded in the teacher cache so that a cache made by
     * another model is recomputed: for a model file, its description and the SHA-256 of its content; for a
     * block, of its parameter values. The default, for a predictor or model the caller supplies, is the
     * description alone, which cannot tell two versions of a model with the same name apart.
     *
     * @return the identity
     */
    default String identity() {
        return description();
    }

    /**
     * Returns what a report must say about how this model was loaded, e.g. that the user trusted code in its
     * directory and DJL ran it; empty for most models.
     *
     * @return one sentence per note
     */
    default List<String> notes() {
        return List.of();
    }

    /** Releases what the old model holds (a loaded model file); does nothing for models the caller owns. */
    @Override
    default void close() {}

    /**
     * Returns an old model run by a predictor the caller owns (and closes).
     *
     * @param predictor a predictor from {@code NDList} to {@code NDList} whose one output is the logits, (N,
     *     classes) float32; a batch on which it returns more outputs or another type fails
     * @param description a one-line description
     * @return the old model
     */
    static OldModel of(Predictor<NDList, NDList> predictor, String description) {
        return new PredictorOldModel(predictor, null, description, description);
    }

    /**
     * Returns an old model run by a DJL model the caller owns (and closes).
     *
     * @param model the model; its block maps a batch to logits
     * @return the old model (closing it closes the predictor it made, not the model)
     */
    static OldModel of(Model model) {
        Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
        return new PredictorOldModel(predictor, predictor, "DJL model " + model.getName(),
                "DJL model " + model.getName());
    }

    /**
     * Returns an old model run by a block in inference mode (e.g. a network trained in the job).
     *
     * @param block the initialized block
     * @param description a one-line description
     * @return the old model
     */
    static OldModel of(Block block, String description) {
        return new BlockOldModel(block, description);
    }

    /**
     * Runs a predictor and hands its output to the caller's manager. A model (file) that returns several outputs,
     * such as a tuple of logits and auxiliary logits, or values of another type than float32, is refused on its
     * first batch (the job's probe, before any training), with its description and what it returned: taking the
     * first of several outputs could silently distill from the wrong one, and neither a float64 nor an integer
     * tensor is what the losses read. Given the input shape the model declares, a batch the engine refuses is
     * reported with both shapes (the engine's own message gives ranks at best).
     */
    final class PredictorOldModel implements OldModel {
        private final Predictor<NDList, NDList> predictor;
        private final AutoCloseable owned;
        private final String description;
        private final String identity;
        /** The shape of the model's one input as it declares it (-1: any size), read only once a batch fails. */
        private final Supplier<Shape> declaredInput;
        private final List<String> notes;

        PredictorOldModel(Predictor<NDList, NDList> predictor, AutoCloseable owned, String description,
                String identity) {
            this(predictor, owned, description, identity, List.of(), null);
        }

        /**
         * Creates an old model run by a predictor.
         *
         * @param notes what the report and log must say about how it was loaded (e.g. code trusted)
         * @param declaredInput the shape of the model's one input as it declares it, e.g. {@link
         *     OnnxInputs#declaredShape} of its file; asked only when the engine refuses a batch; null, or returning
         *     null, if not known
         */
        PredictorOldModel(Predictor<NDList, NDList> predictor, AutoCloseable owned, String description,
                String identity, List<String> notes, Supplier<Shape> declaredInput) {
            this.predictor = predictor;
            this.owned = owned;
            this.description = description;
            this.identity = identity;
            this.notes = List.copyOf(notes);
            this.declaredInput = declaredInput;
        }

        /** A batch refused by the engine whose shape does not fit the declared one: both shapes, no engine text. */
        private void explainRefusedInput(Shape batch, Exception cause) {
            Shape declared = declaredInput == null ? null : declaredInput.get();
            if (declared == null) {
                return;
            }
            boolean fits = batch.dimension() == declared.dimension();
            for (int d = 1; fits && d < batch.dimension(); d++) {
                fits = declared.get(d) < 0 || declared.get(d) == batch.get(d);
            }
            if (!fits) {
                throw new IllegalArgumentException(description + ": takes input of shape " + declared
                        + " (-1: any size), the batch has shape " + batch + "; expected the data prepared to the"
                        + " model's input (its image size and channels, flattened or not as it was exported)", cause);
            }
        }

        @Override
        public List<String> notes() {
            return notes;
        }

        @Override
        public String identity() {
            return identity;
        }

        @Override
        public NDArray logits(NDManager manager, NDArray inputs) {
            NDList outputs;
            try {
                outputs = predictor.predict(new NDList(inputs));
            } catch (TranslateException | RuntimeException e) {
                explainRefusedInput(inputs.getShape(), e);
                throw new IllegalStateException(description + ": failed on a batch of shape " + inputs.getShape()
                        + ": " + TorchScriptModel.firstLine(e.getMessage()), e);
            }
            checkOutputs(outputs, inputs.getShape());
            NDArray logits = outputs.get(0);
            NDArray owned;
            if (logits.getManager().getEngine() == manager.getEngine()) {
                logits.attach(manager);
                owned = logits;
            } else {
                owned = manager.from(logits);
                logits.close();
            }
            for (int i = 1; i < outputs.size(); i++) {
                outputs.get(i).close();
            }
            return owned;
        }

        /** One float32 tensor, else an error naming the model, what it returned and what was expected. */
        private void checkOutputs(NDList outputs, Shape batch) {
            String problem = ModelOutputs.problem(outputs);
            if (problem != null) {
                outputs.close();
                throw new IllegalArgumentException(description + ": returns " + problem + " for input " + batch
                        + "; expected one (N, classes) float32 tensor of logits (in the model, return only the"
                        + " logits, as float32: .float())");
            }
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public void close() {
            if (owned != null) {
                try {
                    owned.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot close " + description, e);
                }
            }
        }
    }
}
