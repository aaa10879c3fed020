package dev.pct.train.update;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import ai.djl.repository.FilenameUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dev.pct.train.io.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Old models from files, loaded with DJL's {@link Criteria}: TorchScript on the PyTorch engine, ONNX on the
 * ONNX Runtime engine (inference only), and DJL model directories ({@code Model.save} output, such as a model
 * pct exported). Every problem names the file; {@link #check} runs one batch to catch a wrong input shape or
 * class count before anything is written.
 */
public final class OldModelFiles {

    private static final Logger LOG = LoggerFactory.getLogger(OldModelFiles.class);

    private OldModelFiles() {}

    /** The kinds of model file. */
    public enum Kind {
        /** A TorchScript file, run by the PyTorch engine. */
        TORCHSCRIPT("PyTorch", "TorchScript"),
        /** An ONNX file, run by the ONNX Runtime engine. */
        ONNX("OnnxRuntime", "ONNX"),
        /** A DJL model directory, run by the PyTorch engine. */
        DJL("PyTorch", "DJL model directory");

        private final String engine;
        private final String label;

        Kind(String engine, String label) {
            this.engine = engine;
            this.label = label;
        }
    }

    /**
     * Loads an old model from a file.
     *
     * @param kind the kind of file
     * @param file the file, or the directory for {@link Kind#DJL}
     * @param block for a DJL directory without {@code serving.properties} naming a block factory, the block of
     *     its architecture (uninitialized); null otherwise
     * @param device the device to run it on
     * @return the old model, which owns the loaded model (close it)
     * @throws IllegalArgumentException naming the file if it is missing, corrupt, or not of that kind, or if its
     *     folder holds code (see {@link ModelCode})
     */
    public static OldModel load(Kind kind, Path file, Block block, Device device) {
        return load(kind, file, block, device, false, "old_model.file " + file);
    }

    /**
     * Loads an old model from a file, refusing one whose folder holds code unless {@code trustCode} (see {@link
     * ModelCode}): pct passes DJL its own block factory, so DJL loads no class from the folder; only a trusted
     * directory that names a foreign block factory has DJL load it, which is logged and recorded in the old
     * model's {@link OldModel#notes()}.
     *
     * @param kind the kind of file
     * @param file the file, or the directory for {@link Kind#DJL}
     * @param block for a DJL directory without {@code serving.properties} naming a block factory, the block of
     *     its architecture (uninitialized); null otherwise
     * @param device the device to run it on
     * @param trustCode whether the user trusts code in the model's folder ({@code --trust-model-code}, {@code
     *     old_model.trust_code})
     * @param label how the user named the model, for messages, e.g. {@code old_model.file /m/dir}
     * @return the old model, which owns the loaded model (close it)
     * @throws IllegalArgumentException naming the file if it is missing, corrupt, not of that kind, or holds code
     *     that is not trusted
     */
    public static OldModel load(Kind kind, Path file, Block block, Device device, boolean trustCode, String label) {
        if (kind == Kind.DJL ? !Files.isDirectory(file) : !Files.isRegularFile(file)) {
            throw new IllegalArgumentException(label + ": no such " + (kind == Kind.DJL ? "directory" : "file"));
        }
        if (!Engine.hasEngine(kind.engine)) {
            throw new IllegalArgumentException(label + ": a " + kind.label + " model needs DJL's "
                    + kind.engine + " engine, which is not on the class path");
        }
        if (kind != Kind.DJL && FilenameUtils.isArchiveFile(file.getFileName().toString())) {
            // DJL would extract an archive into its cache; pct extracts nothing: the user unpacks and names the file.
            throw new IllegalArgumentException(label + ": an archive (.zip, .tar, .tgz, .tar.gz); pct does not"
                    + " extract archives: unpack it and name the " + kind.label + " file inside");
        }
        ModelCode.Inspection code = ModelCode.inspect(file);
        ModelCode.check(code, trustCode, label);
        Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(file.toAbsolutePath())
                .optEngine(kind.engine)
                .optDevice(kind == Kind.ONNX ? null : device)
                .optTranslator(new NoopTranslator());
        if (block != null) {
            criteria.optBlock(block);
        }
        BlockFactory factory = ModelCode.factoryFor(code, kind == Kind.DJL);
        List<String> notes = new ArrayList<>();
        if (factory != null) {
            criteria.optArgument(ModelCode.BLOCK_FACTORY, factory);
            if (code.holdsCode()) {
                notes.add(label + ": code in the model directory (" + code.describeCode() + ") was trusted but not"
                        + " needed: pct built the model itself and loaded none of it");
            }
        } else {
            notes.add(label + ": model code trusted (--trust-model-code / old_model.trust_code): the directory "
                    + code.describeCode() + ", which DJL loaded and ran");
        }
        notes.forEach(note -> LOG.warn("{}", note));
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.build().loadModel();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains("serving.properties: ")) {
                // The directory declares an architecture pct cannot build: the message names the key and value.
                throw new IllegalArgumentException(label + ": " + e.getMessage(), e);
            }
            throw new IllegalArgumentException(label + ": cannot be loaded as a " + kind.label
                    + " (corrupt, truncated, or another format?): " + TorchScriptModel.firstLine(e.getMessage()), e);
        } catch (IOException | ModelNotFoundException | MalformedModelException | EngineException
                | IllegalStateException e) {
            throw new IllegalArgumentException(label + ": cannot be loaded as a " + kind.label
                    + " (corrupt, truncated, or another format?): " + TorchScriptModel.firstLine(e.getMessage()), e);
        }
        Predictor<NDList, NDList> predictor = model.newPredictor();
        AutoCloseable both = () -> {
            predictor.close();
            model.close();
        };
        String description = kind.label + " " + file.getFileName();
        return new OldModel.PredictorOldModel(predictor, both, description,
                description + " sha256:" + Digests.of(file), notes,
                kind == Kind.ONNX ? () -> OnnxInputs.declaredShape(file) : null);
    }

    /**
     * Runs a batch of two zero samples through an old model and checks its output, so that a model that does
     * not fit the data fails with a clear message before the job writes anything.
     *
     * @param model the old model
     * @param inputShape the shape of one sample as prepared for the model, e.g. (C, H, W)
     * @param classes the data set's number of classes
     * @param manager a manager for the probe
     * @param source the file or description, for messages
     * @throws IllegalArgumentException naming the source, the shape it was given and what it returned
     */
    public static void check(OldModel model, Shape inputShape, int classes, NDManager manager, String source) {
        Shape batch = new Shape(2).addAll(inputShape);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray logits;
            try {
                logits = model.logits(scratch, scratch.zeros(batch));
            } catch (IllegalStateException | EngineException e) {
                throw new IllegalArgumentException(source + ": does not accept input of shape " + batch
                        + " (the data after old_model.preprocessing): "
                        + TorchScriptModel.firstLine(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
                        e);
            }
            Shape out = logits.getShape();
            if (out.dimension() != 2 || out.get(0) != 2) {
                throw new IllegalArgumentException(source + ": returns shape " + out + " for input " + batch
                        + "; expected logits of shape (2, " + classes + ")");
            }
            if (out.get(1) != classes) {
                throw new IllegalArgumentException(source + ": returns " + out.get(1) + " logits per sample, the data"
                        + " set has " + classes + " classes");
            }
        }
    }
}
