#!/usr/bin/env python3
"""PyTorch eager replica of the default job's PC-trained CNN stage, timed in samples/s (issue 21's anchor).

The same network as configs/fashion-mnist.yaml's new model (conv 3x3 16 + batch norm + ReLU + max-pool 2,
conv 3x3 32 + batch norm + ReLU + max-pool 2, linear 64 + ReLU, linear 10), the same optimizer (Nesterov SGD,
momentum 0.9, learning rate 0.05, weight decay 5e-4), batch 128, and the same loss: cross-entropy plus
focal distillation, KL at tau 1 toward precomputed old logits, weight alpha + beta * 1[old right] with
alpha 0, beta 1, lambda 1, on the samples the old model got right. The data are random images and labels of
Fashion-MNIST's shape held in memory (the step's cost does not depend on their values), so this times the
step alone, with no data loading; pct's per-epoch samples/s includes its data wait (logged, under 1%).

Usage: /usr/bin/python3 pc-bench/pytorch/cnn_train.py [--samples 54000] [--epochs 2] [--threads 2]
Prints one line per epoch and a JSON summary on the last line.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def network():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))


def pc_loss(logits, labels, old_logits, tau=1.0, alpha=0.0, beta=1.0, lam=1.0):
    ce = F.cross_entropy(logits, labels)
    old_right = (old_logits.argmax(dim=1) == labels).float()
    weight = (alpha + beta * old_right) * old_right
    log_p = F.log_softmax(logits / tau, dim=1)
    log_q = F.log_softmax(old_logits / tau, dim=1)
    kl = (log_q.exp() * (log_q - log_p)).sum(dim=1) * tau * tau
    return ce + lam * (weight * kl).mean()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=54000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    images = torch.randn(args.samples, 1, 28, 28)
    labels = torch.randint(0, 10, (args.samples,))
    old_logits = torch.randn(args.samples, 10) * 3
    model = network()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    rates = []
    for epoch in range(args.epochs):
        order = torch.randperm(args.samples)
        model.train()
        start = time.perf_counter()
        for first in range(0, args.samples - args.batch + 1, args.batch):
            index = order[first:first + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = pc_loss(model(images[index]), labels[index], old_logits[index])
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        trained = (args.samples // args.batch) * args.batch
        rates.append(trained / seconds)
        print(f"epoch {epoch + 1}: {rates[-1]:.0f} samples/s, {seconds:.1f} s (loss {loss.item():.4f})",
              flush=True)
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "batch": args.batch,
                      "samples_per_second": [round(r) for r in rates]}))


if __name__ == "__main__":
    main()
