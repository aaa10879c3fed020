package dev.pct.train.export;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a Java service does with a model pct exported, run in a JVM whose class path holds DJL and at most pct's
 * architecture artifact ({@code dev.pct:pc-train:<version>:models}, the package {@code dev.pct.train.model}),
 * nothing else of pct: load the directory with {@code Criteria}, predict, write the logits.
 *
 * <p>Arguments: the model directory, a file of inputs (int rank, longs shape, then float32 values, big-endian),
 * the file to write the logits to (same format), and {@code factory} (pass pct's block factory to DJL, as
 * README's example does, with the architecture artifact on the class path) or {@code plain} (DJL alone, the
 * directory carrying {@code pct-architecture.jar}).
 */
public final class ExportProbe {

    private ExportProbe() {}

    public static void main(String[] args) throws Exception {
        for (String training : new String[] {"dev.pct.train.export.ModelExport", "dev.pct.train.api.PcTraining",
            "dev.pct.core.loss.FocalDistillationLoss"}) {
            try {
                Class.forName(training);
                System.out.println("pct's " + training + " on the class path");
                System.exit(3);
            } catch (ClassNotFoundException expected) {
                // only DJL (and the architecture artifact) may be there
            }
        }
        boolean factory = args[3].equals("factory");
        try {
            Class.forName("dev.pct.train.model.ArchitectureBlockFactory");
            System.out.println(factory ? "architecture artifact on the class path" : "pct on the class path");
            if (!factory) {
                System.exit(3);
            }
        } catch (ClassNotFoundException e) {
            System.out.println("no pct class on the class path");
            if (factory) {
                System.exit(4);
            }
        }
        Criteria.Builder<NDList, NDList> builder = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(Path.of(args[0]));
        if (factory) {
            builder.optArgument("blockFactory", new dev.pct.train.model.ArchitectureBlockFactory());
        }
        try (ZooModel<NDList, NDList> model = builder.build().loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor();
                NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = predictor.predict(new NDList(read(manager, Path.of(args[1])))).head();
            write(logits, Path.of(args[2]));
            System.out.println("block " + model.getBlock().getClass().getName() + " loaded by "
                    + model.getBlock().getClass().getClassLoader());
        }
    }

    static NDArray read(NDManager manager, Path file) throws Exception {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            long[] shape = new long[in.readInt()];
            long size = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readLong();
                size *= shape[i];
            }
            float[] values = new float[(int) size];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readFloat();
            }
            return manager.create(values, new Shape(shape));
        }
    }

    static void write(NDArray array, Path file) throws Exception {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            long[] shape = array.getShape().getShape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            for (float v : array.toFloatArray()) {
                out.writeFloat(v);
            }
        }
    }
}
