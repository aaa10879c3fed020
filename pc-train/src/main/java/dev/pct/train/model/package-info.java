/**
 * Image classifiers built from a {@link dev.pct.train.model.ModelSpec} by {@link
 * dev.pct.train.model.ModelFactory}: a multilayer perceptron, a small VGG-style CNN, LeNet-5 and
 * DJL's ResNet. Each returns logits of shape [N, numClasses]; the old and the new model of a PC
 * update (Yan et al., CVPR 2021, https://arxiv.org/abs/2011.09161) are typically two of these.
 */
package dev.pct.train.model;
