#!/usr/bin/env python3
"""Makes the model files pc-train's tests and example config use, offline, with Debian's python3-torch.

Run from this folder:  python3 make_fixtures.py   (torch 1.13 CPU; about a minute)

Writes, next to this script:
  tiny/{train,t10k}-{images-idx3,labels-idx1}-ubyte  a tiny 8x8 grayscale data set in IDX format, 4 classes
                                                     (768 training and 256 test images), so that the
                                                     models below are trained on the data the tests use
  tiny-old-mlp.pt / .onnx    the "production" old model: MLP 64-32-4 (TorchScript, scripted; and ONNX)
                             on inputs normalized with mean 0.5, std 0.25 (its own preprocessing)
  tiny-old-mlp.test-logits.csv   its logits on the tiny test set, as torch computes them
  tiny-backbone.pt           a pretrained CNN feature extractor (16 features, batch norm), no classifier
  tiny-classifier.pt         the same CNN with a 4-class head (a new model whose head is kept)
  fmnist-mlp.pt / .onnx      an MLP 784-64-10 trained for 2 epochs on Fashion-MNIST (mean 0.2860, std
                             0.3530), when /usr/share/datasets/fashion-mnist is installed
  fmnist-mlp.test-logits.csv its logits on the first 256 Fashion-MNIST test images
Everything is seeded, so a rerun writes the same data; the model files are byte-identical only with the
same torch build.
"""
import gzip
import os
import struct

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(20261125)
torch.set_num_threads(1)


def write_idx_images(path, images):
    """images: uint8 tensor (N, H, W)."""
    n, h, w = images.shape
    with open(path, "wb") as f:
        f.write(struct.pack(">IIII", 0x00000803, n, h, w))
        f.write(images.contiguous().numpy().tobytes() if hasattr(images, "numpy") else bytes(images))


def write_idx_labels(path, labels):
    with open(path, "wb") as f:
        f.write(struct.pack(">II", 0x00000801, len(labels)))
        f.write(bytes(int(v) for v in labels))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    offset = 4 + 4 * dims
    return torch.frombuffer(bytearray(data[offset:]), dtype=torch.uint8).reshape(shape)


def tiny_data():
    """Class prototypes of plane waves, samples mixing in another class and noise, 8-bit pixels."""
    classes, h, w = 4, 8, 8
    yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32),
                            indexing="ij")
    protos = []
    for _ in range(classes):
        p = torch.full((h, w), 0.5)
        for _ in range(2):
            fy, fx = (torch.rand(2) * 2 - 1) * 3 * 2 * torch.pi / h
            phase = torch.rand(1) * 2 * torch.pi
            p = p + 0.15 * torch.sin(fy * yy + fx * xx + phase)
        protos.append(p)
    protos = torch.stack(protos)

    def sample(n):
        y = torch.randint(0, classes, (n,))
        other = (y + 1 + torch.randint(0, classes - 1, (n,))) % classes
        m = 0.6 * torch.rand(n, 1, 1)
        x = (1 - m) * protos[y] + m * protos[other] + 0.08 * torch.randn(n, h, w)
        return (x.clamp(0, 1) * 255).round().to(torch.uint8), y

    return sample(768), sample(256)


def train(model, x, y, epochs, lr=0.05, batch=64):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(y))
        for i in range(0, len(y), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    model.eval()
    return model


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def save_logits(path, logits):
    with open(path, "w") as f:
        for row in logits.tolist():
            f.write(",".join(repr(float(v)) for v in row) + "\n")


def export(model, example, stem):
    """TorchScript (scripted: batch norm follows train/eval mode when DJL trains it) and ONNX."""
    torch.jit.script(model).save(os.path.join(HERE, stem + ".pt"))
    if stem.endswith("mlp"):
        torch.onnx.export(model, example, os.path.join(HERE, stem + ".onnx"), input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                          opset_version=13)


def main():
    (train_u8, train_y), (test_u8, test_y) = tiny_data()
    tiny = os.path.join(HERE, "tiny")
    os.makedirs(tiny, exist_ok=True)
    write_idx_images(os.path.join(tiny, "train-images-idx3-ubyte"), train_u8)
    write_idx_labels(os.path.join(tiny, "train-labels-idx1-ubyte"), train_y)
    write_idx_images(os.path.join(tiny, "t10k-images-idx3-ubyte"), test_u8)
    write_idx_labels(os.path.join(tiny, "t10k-labels-idx1-ubyte"), test_y)

    def old_input(u8):  # the old model's own preprocessing: [0, 1], then mean 0.5, std 0.25
        return ((u8.float() / 255) - 0.5) / 0.25

    x_train, x_test = old_input(train_u8)[:, None], old_input(test_u8)[:, None]
    old = train(nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 4)), x_train, train_y, 3)
    print("tiny old MLP test accuracy %.3f" % accuracy(old, x_test, test_y))
    export(old, x_test[:2], "tiny-old-mlp")
    with torch.no_grad():
        save_logits(os.path.join(HERE, "tiny-old-mlp.test-logits.csv"), old(x_test))

    # The new model's backbone, pretrained on [0, 1] inputs normalized by the data's own statistics.
    mean, std = train_u8.float().div(255).mean(), train_u8.float().div(255).std()
    xb_train = ((train_u8.float() / 255 - mean) / std)[:, None]
    xb_test = ((test_u8.float() / 255 - mean) / std)[:, None]
    backbone = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten())
    classifier = train(nn.Sequential(backbone, nn.Linear(16, 4)), xb_train, train_y, 2)
    print("tiny CNN test accuracy %.3f" % accuracy(classifier, xb_test, test_y))
    backbone.eval()
    export(backbone, xb_test[:2], "tiny-backbone")
    export(classifier, xb_test[:2], "tiny-classifier")

    fmnist = "/usr/share/datasets/fashion-mnist"
    if os.path.isfile(os.path.join(fmnist, "train-images-idx3-ubyte.gz")):
        def fm_input(u8):
            return ((u8.float() / 255) - 0.2860) / 0.3530
        fx = fm_input(read_idx(os.path.join(fmnist, "train-images-idx3-ubyte.gz")))[:, None]
        fy = read_idx(os.path.join(fmnist, "train-labels-idx1-ubyte.gz")).long()
        tx = fm_input(read_idx(os.path.join(fmnist, "t10k-images-idx3-ubyte.gz")))[:, None]
        ty = read_idx(os.path.join(fmnist, "t10k-labels-idx1-ubyte.gz")).long()
        mlp = train(nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10)), fx, fy, 2,
                    lr=0.02, batch=128)
        print("Fashion-MNIST MLP test accuracy %.4f" % accuracy(mlp, tx, ty))
        export(mlp, tx[:2], "fmnist-mlp")
        with torch.no_grad():
            save_logits(os.path.join(HERE, "fmnist-mlp.test-logits.csv"), mlp(tx[:256]))
    else:
        print("skipped the Fashion-MNIST model: " + fmnist + " is not installed (apt-get install dataset-fashion-mnist)")


if __name__ == "__main__":
    main()
