package dev.pct.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A first-order optimizer (SGD with optional momentum, Nesterov momentum, or Adam) whose state can be exported
 * and imported, so a checkpoint holds everything needed to resume a run bit for bit.
 *
 * <p>DJL's own optimizers keep their momentum buffers private; a run restarted from saved parameters alone
 * would take different steps. The update rules follow PyTorch's {@code torch.optim.SGD} (dampening 0) and
 * {@code torch.optim.Adam}, with L2 weight decay added to the gradient. The learning rate comes from a
 * {@link LearningRateSchedule} at the global step, which {@link #nextStep()} advances once per training step.
 */
public final class PcOptimizer extends Optimizer {

    /** The update rule. */
    public enum Kind {
        /** Stochastic gradient descent, with heavy-ball momentum when momentum > 0. */
        SGD,
        /** Stochastic gradient descent with Nesterov momentum. */
        NESTEROV,
        /** Adam (Kingma and Ba, 2015). */
        ADAM
    }

    private final Kind kind;
    private final LearningRateSchedule schedule;
    private final float momentum;
    private final float weightDecay;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    /** Per parameter: [momentum] for SGD, [m, v] for Adam; owned by the manager given at construction. */
    private final Map<String, NDArray[]> state = new LinkedHashMap<>();
    private final NDManager stateManager;
    private final Map<String, Float> learningRateMultipliers;
    /** Scalars of constant values (momentum, weight decay, betas), by value. */
    private final Map<Float, NDArray> constants = new HashMap<>();
    /** Scalars that hold for one step (learning rates, Adam's step size), by value, of step {@link #stepScalarsAt}. */
    private final Map<Float, NDArray> stepScalars = new HashMap<>();
    private long stepScalarsAt = -1;
    private long step;

    private PcOptimizer(Builder builder) {
        super(builder);
        this.kind = builder.kind;
        this.schedule = builder.schedule;
        this.momentum = builder.momentum;
        this.weightDecay = builder.weightDecay;
        this.beta1 = builder.beta1;
        this.beta2 = builder.beta2;
        this.epsilon = builder.epsilon;
        this.stateManager = builder.stateManager;
        this.learningRateMultipliers = Map.copyOf(builder.learningRateMultipliers);
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the global step: the number of completed training steps.
     *
     * @return the global step
     */
    public long getStep() {
        return step;
    }

    /**
     * Returns the learning rate the next update will use.
     *
     * @return the current learning rate
     */
    public double currentLearningRate() {
        return schedule.rateAt(step);
    }

    /** Marks the end of one training step (all parameters updated): the schedule moves on. */
    public void nextStep() {
        step++;
    }

    /**
     * Updates a parameter from its gradient, using the gradient as scratch space: on return it holds an
     * intermediate of the update, not the gradient. The training loop clears gradients after every step, as
     * DJL's {@code Trainer} does before every backward pass, so nothing reads it afterwards.
     *
     * <p>Every constant of the update (learning rate, momentum, weight decay, Adam's betas) is a scalar array the
     * optimizer keeps on the parameter's device, made once (the learning rate once per step): DJL's {@code
     * mul(Number)} family makes and frees a scalar from a Java buffer for every call, two more native calls each,
     * and on a GPU a host-to-device copy each.
     *
     * @param parameterId the parameter's id
     * @param weight the parameter, updated in place
     * @param grad its gradient, overwritten
     */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = (float) schedule.rateAt(step) * learningRateMultipliers.getOrDefault(parameterId, 1f);
        // The gradient becomes the step: scaled, decayed, then (Nesterov) the look-ahead. Each in-place op computes
        // what the out-of-place form did, in the same order of operands, so the weights are the same bits.
        NDArray g = grad;
        if (rescaleGrad != 1f) {
            g.muli(constant(rescaleGrad));
        }
        if (weightDecay != 0f) {
            // weight.mul lands in the model's manager: close it or it stays there for the whole run.
            try (NDArray decay = weight.mul(constant(weightDecay))) {
                g.addi(decay);
            }
        }
        switch (kind) {
            case SGD:
            case NESTEROV:
                sgdUpdate(parameterId, weight, g, lr);
                break;
            case ADAM:
                adamUpdate(parameterId, weight, g, lr);
                break;
            default:
                throw new IllegalStateException("unknown optimizer " + kind);
        }
    }

    private void sgdUpdate(String id, NDArray weight, NDArray g, float rate) {
        NDArray lr = perStep(rate);
        if (momentum == 0f) {
            weight.subi(g.muli(lr));
            return;
        }
        NDArray[] buffers = state.get(id);
        if (buffers == null) {
            // PyTorch starts the buffer at the first gradient, not at zero.
            NDArray v = g.duplicate();
            v.attach(stateManager);
            state.put(id, new NDArray[] {v});
            buffers = state.get(id);
        } else {
            buffers[0].muli(constant(momentum)).addi(g);
        }
        NDArray v = buffers[0];
        if (kind == Kind.NESTEROV) {
            // w -= lr * (g + momentum * v)
            try (NDArray lookAhead = v.mul(constant(momentum))) {
                g.addi(lookAhead);
            }
            weight.subi(g.muli(lr));
        } else {
            try (NDArray delta = v.mul(lr)) {
                weight.subi(delta);
            }
        }
    }

    private void adamUpdate(String id, NDArray weight, NDArray g, float rate) {
        NDArray[] buffers = state.get(id);
        if (buffers == null) {
            NDArray m = g.zerosLike();
            NDArray v = g.zerosLike();
            m.attach(stateManager);
            v.attach(stateManager);
            buffers = new NDArray[] {m, v};
            state.put(id, buffers);
        }
        NDArray m = buffers[0];
        NDArray v = buffers[1];
        m.muli(constant(beta1));
        try (NDArray gs = g.mul(constant(1f - beta1))) {
            m.addi(gs);
        }
        v.muli(constant(beta2));
        try (NDArray g2 = g.square()) {
            g2.muli(constant(1f - beta2));
            v.addi(g2);
        }
        long t = step + 1;
        double correction1 = 1 - Math.pow(beta1, t);
        double correction2 = 1 - Math.pow(beta2, t);
        float stepSize = (float) (rate * Math.sqrt(correction2) / correction1);
        float eps = (float) (epsilon * Math.sqrt(correction2));
        try (NDArray denominator = v.sqrt()) {
            denominator.addi(perStep(eps));
            try (NDArray delta = m.div(denominator)) {
                delta.muli(perStep(stepSize));
                weight.subi(delta);
            }
        }
    }

    /** A scalar array of a constant value, kept for the optimizer's life. */
    private NDArray constant(float value) {
        return constants.computeIfAbsent(value, v -> scalar(v));
    }

    /** A scalar array of a value that holds for this step; the previous step's are closed. */
    private NDArray perStep(float value) {
        if (stepScalarsAt != step) {
            stepScalars.values().forEach(NDArray::close);
            stepScalars.clear();
            stepScalarsAt = step;
        }
        return stepScalars.computeIfAbsent(value, v -> scalar(v));
    }

    private NDArray scalar(float value) {
        // Made by the engine on the state's device, from no Java buffer.
        NDArray scalar = stateManager.full(new Shape(), value);
        scalar.setName("__pc_optimizer_scalar__");
        return scalar;
    }

    /**
     * Exports the state (step and buffers) as an {@link NDList} whose arrays are named
     * {@code "<parameterId>/<k>"}; the step is stored as a named scalar.
     *
     * @param manager the manager that owns the returned copies
     * @param keyOf maps a parameter id to the stable key to save it under (DJL's ids are random per run)
     * @return the state
     */
    public NDList exportState(NDManager manager, java.util.function.UnaryOperator<String> keyOf) {
        NDList list = new NDList();
        NDArray stepArray = manager.create(new long[] {step});
        stepArray.setName("__step__");
        list.add(stepArray);
        for (Map.Entry<String, NDArray[]> e : state.entrySet()) {
            for (int k = 0; k < e.getValue().length; k++) {
                NDArray copy = e.getValue()[k].duplicate();
                copy.attach(manager);
                copy.setName(keyOf.apply(e.getKey()) + "/" + k);
                list.add(copy);
            }
        }
        return list;
    }

    /**
     * Replaces the state with one produced by {@link #exportState}.
     *
     * @param saved the saved state
     * @param idOf maps a saved key back to this run's parameter id
     */
    public void importState(NDList saved, java.util.function.UnaryOperator<String> idOf) {
        for (NDArray[] buffers : state.values()) {
            for (NDArray b : buffers) {
                b.close();
            }
        }
        state.clear();
        Map<String, NDArray[]> restored = new LinkedHashMap<>();
        int width = kind == Kind.ADAM ? 2 : 1;
        for (NDArray a : saved) {
            String name = a.getName();
            if ("__step__".equals(name)) {
                step = a.toLongArray()[0];
                continue;
            }
            int slash = name == null ? -1 : name.lastIndexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("optimizer state entry has no parameter name: " + name);
            }
            String id = idOf.apply(name.substring(0, slash));
            int k = Integer.parseInt(name.substring(slash + 1));
            if (k >= width) {
                throw new IllegalArgumentException(
                        "optimizer state entry " + name + " does not fit optimizer " + kind);
            }
            NDArray copy = a.duplicate();
            copy.attach(stateManager);
            restored.computeIfAbsent(id, x -> new NDArray[width])[k] = copy;
        }
        state.putAll(restored);
    }

    /** The builder for {@link PcOptimizer}. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private Kind kind = Kind.SGD;
        private LearningRateSchedule schedule;
        private float momentum;
        private float weightDecay;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private NDManager stateManager;
        private Map<String, Float> learningRateMultipliers = Map.of();

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the update rule.
         *
         * @param kind the update rule
         * @return this builder
         */
        public Builder setKind(Kind kind) {
            this.kind = kind;
            return this;
        }

        /**
         * Sets the learning-rate schedule.
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder setSchedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * Sets the manager that owns the optimizer's state buffers (the trainer's or model's manager).
         *
         * @param manager the owner of the state
         * @return this builder
         */
        public Builder setStateManager(NDManager manager) {
            this.stateManager = manager;
            return this;
        }

        /**
         * Sets a learning-rate multiplier per parameter, e.g. a smaller rate for a pretrained backbone than
         * for a new classifier (parameters not listed train at the scheduled rate).
         *
         * @param multipliers the multiplier of each parameter, by parameter id
         * @return this builder
         */
        public Builder optLearningRateMultipliers(Map<String, Float> multipliers) {
            this.learningRateMultipliers = multipliers;
            return this;
        }

        /**
         * Sets the momentum of SGD and Nesterov (default 0).
         *
         * @param momentum the momentum in [0, 1)
         * @return this builder
         */
        public Builder optMomentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        /**
         * Sets the L2 weight decay added to the gradient (default 0).
         *
         * @param weightDecay the decay, >= 0
         * @return this builder
         */
        public Builder optL2WeightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Sets Adam's moment decay rates and epsilon.
         *
         * @param beta1 the first-moment decay in [0, 1)
         * @param beta2 the second-moment decay in [0, 1)
         * @param epsilon the denominator guard, > 0
         * @return this builder
         */
        public Builder optAdam(float beta1, float beta2, float epsilon) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Builds the optimizer.
         *
         * @return the optimizer
         */
        public PcOptimizer build() {
            if (schedule == null || stateManager == null || kind == null) {
                throw new IllegalArgumentException("optimizer needs a kind, a schedule and a state manager");
            }
            if (momentum < 0 || momentum >= 1) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            if (kind == Kind.NESTEROV && momentum == 0) {
                throw new IllegalArgumentException("Nesterov momentum needs momentum > 0, got 0");
            }
            if (weightDecay < 0) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            }
            if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || !(epsilon > 0)) {
                throw new IllegalArgumentException(
                        "Adam needs beta1, beta2 in [0, 1) and epsilon > 0, got "
                                + beta1 + ", " + beta2 + ", " + epsilon);
            }
            return new PcOptimizer(this);
        }
    }
}
