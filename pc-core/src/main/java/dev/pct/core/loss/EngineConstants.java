package dev.pct.core.loss;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scalar constants of one loss's hot path, made once per device and type and kept for the loss's life,
 * so that a step runs no {@code full} operator per constant (one native call each, and on a GPU a kernel).
 *
 * <p>Each constant is an array the engine owns (never a wrapped Java buffer, which the garbage collector
 * may free while autograd still reads it), held by a manager of its own that no scope closes: {@link
 * #of} takes it out of any enclosing {@link NDScope}. A constant must never be the first operand of an
 * operator, whose result would land in the constants' manager instead of the caller's.
 */
final class EngineConstants {

    private record Key(Device device, DataType type, int bits) {}

    private final Map<Key, NDArray> values = new ConcurrentHashMap<>();
    private final Map<Device, NDManager> managers = new ConcurrentHashMap<>();

    /**
     * A scalar constant on the device and of the type of {@code like}.
     *
     * @param like an array of the device and type wanted
     * @param value the value
     * @return the shared constant; the caller must not close it or use it as an operator's first operand
     */
    NDArray of(NDArray like, float value) {
        Device device = like.getDevice();
        DataType type = like.getDataType();
        return values.computeIfAbsent(new Key(device, type, Float.floatToRawIntBits(value)), key -> {
            NDManager manager = managers.computeIfAbsent(device,
                    d -> like.getManager().getEngine().newBaseManager(d));
            NDArray constant = manager.full(new Shape(), value, type, device);
            NDScope.unregister(constant);
            return constant;
        });
    }
}
