#!/usr/bin/env python3
"""Makes the model files pc-train's tests use to check that a model file which does not fit is refused clearly.

Run from this folder:  python3 make_hostile_fixtures.py   (Debian's python3-torch 1.13 CPU; a few seconds)

Writes, next to this script, tiny untrained models on the 8x8 grayscale inputs of tiny/ (4 classes), each a few KB:
  tiny-tuple.pt     TorchScript returning a tuple (logits (N, 4), features (N, 8)) instead of one tensor
  tiny-float64.pt   TorchScript returning logits (N, 4) as float64
  tiny-int64.pt     TorchScript returning (N, 4) int64 values
  tiny-flat.onnx    ONNX whose input is flat, (N, 64), where the data gives (N, 1, 8, 8)
Seeded; the files are byte-identical only with the same torch build.
"""
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(20261202)


class Tuple(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Linear(64, 8)
        self.classifier = nn.Linear(8, 4)

    def forward(self, x):
        f = self.features(x.flatten(1))
        return self.classifier(f), f


class Float64(nn.Module):
    def __init__(self):
        super().__init__()
        self.classifier = nn.Linear(64, 4)

    def forward(self, x):
        return self.classifier(x.flatten(1)).double()


class Int64(nn.Module):
    def __init__(self):
        super().__init__()
        self.classifier = nn.Linear(64, 4)

    def forward(self, x):
        return (self.classifier(x.flatten(1)) * 100).long()


def main():
    for module, stem in ((Tuple(), "tiny-tuple"), (Float64(), "tiny-float64"), (Int64(), "tiny-int64")):
        torch.jit.script(module.eval()).save(os.path.join(HERE, stem + ".pt"))
    flat = nn.Linear(64, 4).eval()
    torch.onnx.export(flat, torch.zeros(2, 64), os.path.join(HERE, "tiny-flat.onnx"), input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=13)


if __name__ == "__main__":
    main()
