package dev.pct.train.update;

import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.Map;

/**
 * The input shape an ONNX file declares, read with ONNX Runtime's own API: DJL's ONNX block lists its inputs'
 * names only, and ONNX Runtime's message for a batch of the wrong rank gives the two ranks, not the shape the
 * model wants, which is what a user needs to fix the preprocessing.
 */
final class OnnxInputs {

    private OnnxInputs() {}

    /**
     * Returns the shape of the one input of an ONNX model, -1 where it takes any size (a dynamic axis).
     *
     * @param file the ONNX file
     * @return the shape, or null if the file cannot be read or the model has other than one tensor input
     */
    static Shape declaredShape(Path file) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString(), options)) {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1 || !(inputs.values().iterator().next().getInfo() instanceof TensorInfo tensor)) {
                return null;
            }
            return new Shape(tensor.getShape());
        } catch (OrtException | RuntimeException e) {
            return null; // only an explanation is lost: the engine's own message remains
        }
    }
}
