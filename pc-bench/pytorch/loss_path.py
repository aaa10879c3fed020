#!/usr/bin/env python3
"""The PyTorch anchor of pc-bench's loss path: focal distillation, forward and backward, in PyTorch.

It times, on the grid of LossPathBenchmark (N in 256, 1024, 4096; C in 10, 100, 1000; distance
kl_tau1, kl_tau100, lm, ldi), two ways of writing the loss of positive-congruent training (Yan et al.,
CVPR 2021, arXiv:2011.09161) with alpha 1, beta 5, lambda 1, the old-correct filter and the sum over
classes:

  naive      the same composition of small operators as pc-bench's NaiveFocalDistillation;
  idiomatic  what a PyTorch user writes: F.cross_entropy plus F.kl_div / F.mse_loss.

One call is what one JMH step is in DJL: a fresh leaf z.detach().requires_grad_(), the loss,
backward() and loss.item(). The inputs are drawn as in the JMH state: z ~ N(0, 2^2), o = z + N(0, 1),
y uniform int64, with a fixed seed. After a warm-up, the two forms are timed in R blocks that
alternate block by block (naive first in even blocks, idiomatic first in odd ones), each block long
enough to hold at least a few calls; the JSON gives, per form, the per-call time of every block and
their median, minimum and maximum, so a ratio can come with its spread.

It also counts, with PyTorch's legacy profiler (the one DJL's JniUtils.startProfile runs), the aten
operators one call of each form runs (forward, backward and the call's own detach and item):
top-level operators only, those with no aten operator above them on their thread, the same rule
pc-bench's OpCensus applies to DJL's traces. The median time inside those operators and the span of
the profiled call are recorded too; both are slowed by the profiler and show proportions only.

Usage: loss_path.py --out pytorch.json [--threads T] [--batch-sizes 256,1024,4096]
       [--classes 10,100,1000] [--distances kl_tau1,kl_tau100,lm,ldi] [--devices cpu]
       [--blocks 7] [--block-seconds 0.2] [--min-calls 3] [--warmup-seconds 0.5]
       [--profiled-calls 3] [--seed 42]
Needs only the standard library and torch (Debian's python3-torch 1.13 works).
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn.functional as F

ALPHA = 1.0
BETA = 5.0
LAMBDA = 1.0
DISTANCES = {"kl_tau1": ("kl", 1.0), "kl_tau100": ("kl", 100.0), "lm": ("lm", 1.0), "ldi": ("ldi", 1.0)}
# LDI (ELODI) as LossPathBenchmark sets it: max(|z - o| - margin, 0)^2 over every class, summed.
LDI_MARGIN = 0.5


def naive_loss(z, y, o, kind, tau):
    """The composition of NaiveFocalDistillation, one operator per step."""
    ce = F.log_softmax(z, 1).gather(1, y[:, None]).neg().mean()
    if kind == "kl":
        log_p = F.log_softmax(z / tau, 1)
        log_q = F.log_softmax(o / tau, 1)
        # One multiplication by tau^2, as in the DJL composition.
        d = (log_q.exp() * (log_q - log_p)).sum(1) * (tau * tau)
    elif kind == "lm":
        d = ((z - o) ** 2).sum(1) * 0.5
    else:
        d = ((z - o).abs() - LDI_MARGIN).clamp(min=0).pow(2).sum(1)
    w = (o.argmax(1) == y).float() * BETA + ALPHA
    return ce + (w * d).mean() * LAMBDA


def idiomatic_loss(z, y, o, kind, tau):
    """What a PyTorch user writes: library losses, the focal weights computed per call."""
    w = (o.argmax(1) == y).float() * BETA + ALPHA
    if kind == "kl":
        kl = F.kl_div(F.log_softmax(z / tau, 1), F.log_softmax(o / tau, 1),
                      reduction="none", log_target=True)
        return F.cross_entropy(z, y) + LAMBDA * tau * tau * (w * kl.sum(1)).mean()
    if kind == "lm":
        mse = F.mse_loss(z, o, reduction="none")
        return F.cross_entropy(z, y) + LAMBDA * 0.5 * (w * mse.sum(1)).mean()
    # LDI: the hinge written with relu, as a PyTorch user would.
    hinge = F.relu((z - o).abs() - LDI_MARGIN)
    return F.cross_entropy(z, y) + LAMBDA * (w * (hinge * hinge).sum(1)).mean()


FORMS = {"naive": naive_loss, "idiomatic": idiomatic_loss}


def make_call(form, z0, y, o, kind, tau):
    loss_fn = FORMS[form]

    def call():
        z = z0.detach().requires_grad_()
        loss = loss_fn(z, y, o, kind, tau)
        loss.backward()
        return loss.item()

    return call


def time_block(call, min_seconds, min_calls):
    """Runs calls until both limits are reached; returns (microseconds per call, calls)."""
    calls = 0
    start = time.perf_counter()
    while True:
        call()
        calls += 1
        elapsed = time.perf_counter() - start
        if calls >= min_calls and elapsed >= min_seconds:
            return elapsed / calls * 1e6, calls


def top_level_aten(events):
    """The aten operators that no other aten operator on the same thread encloses.

    The rule of pc-bench's ChromeTrace.topLevelAtenOps: an event lies inside another when it starts
    within that event's interval; events sorted by start, the longer first at equal starts.
    """
    top = []
    threads = {}
    for e in events:
        if e.name.startswith("aten::"):
            threads.setdefault(e.thread, []).append(e)
    for evs in threads.values():
        evs.sort(key=lambda e: (e.time_range.start, -(e.time_range.end - e.time_range.start)))
        open_ends = []
        for e in evs:
            while open_ends and e.time_range.start >= open_ends[-1]:
                open_ends.pop()
            if not open_ends:
                top.append(e)
            open_ends.append(e.time_range.end)
    return top


def count_ops(call):
    """Top-level aten operators of one call by name, the time inside them, the span of the trace.

    The legacy profiler is the one DJL's JniUtils.startProfile runs (enableProfilerLegacy), and in
    torch 1.13 the only one with sub-microsecond times: Kineto's whole microseconds make a short
    operator at its parent's end look like a sibling.
    """
    try:
        from torch.autograd.profiler_legacy import profile
        profiler = "legacy"
    except ImportError:  # a torch without the legacy profiler: Kineto, coarser times
        from torch.autograd.profiler import profile
        profiler = "kineto"
    with profile() as prof:
        call()
    events = list(prof.function_events)
    top = top_level_aten(events)
    ops = {}
    for e in top:
        ops[e.name] = ops.get(e.name, 0) + 1
    aten_micros = sum(e.time_range.end - e.time_range.start for e in top)
    span = (max(e.time_range.end for e in events) - min(e.time_range.start for e in events)
            if events else 0.0)
    return len(top), dict(sorted(ops.items())), aten_micros, span, profiler


def run_case(device, n, c, distance, args):
    kind, tau = DISTANCES[distance]
    gen = torch.Generator().manual_seed(args.seed)
    z0 = torch.randn(n, c, generator=gen) * 2.0
    o = z0 + torch.randn(n, c, generator=gen)
    y = torch.randint(0, c, (n,), generator=gen, dtype=torch.int64)
    target = torch.device("cuda" if device == "gpu" else "cpu")
    z0, o, y = z0.to(target), o.to(target), y.to(target)
    calls = {form: make_call(form, z0, y, o, kind, tau) for form in FORMS}

    # Both forms must compute the same loss; a wrong anchor is worse than none.
    values = {form: call() for form, call in calls.items()}
    if abs(values["naive"] - values["idiomatic"]) > 1e-4 * max(1.0, abs(values["naive"])):
        raise SystemExit(f"loss_path.py: naive and idiomatic disagree at {device} N={n} C={c} "
                         f"{distance}: {values}")

    for call in calls.values():
        time_block(call, args.warmup_seconds, args.min_calls)
    blocks = {form: [] for form in FORMS}
    block_calls = {form: [] for form in FORMS}
    forms = list(FORMS)
    for b in range(args.blocks):
        for form in (forms if b % 2 == 0 else forms[::-1]):
            micros, k = time_block(calls[form], args.block_seconds, args.min_calls)
            blocks[form].append(micros)
            block_calls[form].append(k)

    result = {"device": device, "batchSize": n, "numClasses": c, "distance": distance,
              "loss": values["naive"], "forms": {}}
    for form in forms:
        counts = [count_ops(calls[form]) for _ in range(args.profiled_calls)]
        ops, histogram, aten_micros, trace_micros, profiler = counts[-1]
        result["forms"][form] = {
            "medianMicros": statistics.median(blocks[form]),
            "minMicros": min(blocks[form]),
            "maxMicros": max(blocks[form]),
            "blockMicros": blocks[form],
            "callsPerBlock": block_calls[form],
            "opsPerCall": ops,
            "opsPerProfiledCall": [c[0] for c in counts],
            "profiler": profiler,
            "atenMicros": statistics.median(c[2] for c in counts),
            "traceMicros": statistics.median(c[3] for c in counts),
            "ops": histogram,
        }
    f = result["forms"]
    print(f"[pytorch] {device} N={n} C={c} {distance}: naive {f['naive']['medianMicros']:.1f} us "
          f"({f['naive']['opsPerCall']} ops), idiomatic {f['idiomatic']['medianMicros']:.1f} us "
          f"({f['idiomatic']['opsPerCall']} ops)", file=sys.stderr, flush=True)
    return result


def csv(kind):
    def parse(text):
        items = [s for s in text.split(",") if s]
        return [kind(s) for s in items]
    return parse


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="the JSON file to write")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="torch.set_num_threads (inter-op threads are always 1)")
    parser.add_argument("--batch-sizes", type=csv(int), default=[256, 1024, 4096])
    parser.add_argument("--classes", type=csv(int), default=[10, 100, 1000])
    parser.add_argument("--distances", type=csv(str), default=list(DISTANCES))
    parser.add_argument("--devices", type=csv(str), default=["cpu"], help="cpu and/or gpu")
    parser.add_argument("--blocks", type=int, default=7, help="timed blocks per form")
    parser.add_argument("--block-seconds", type=float, default=0.2, help="least time of a block")
    parser.add_argument("--min-calls", type=int, default=3, help="least calls in a block")
    parser.add_argument("--warmup-seconds", type=float, default=0.5, help="warm-up per form")
    parser.add_argument("--profiled-calls", type=int, default=3,
                        help="calls profiled one by one for the op count")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    for d in args.distances:
        if d not in DISTANCES:
            parser.error(f"--distances: expected kl_tau1, kl_tau100, lm or ldi, got '{d}'")
    for d in args.devices:
        if d not in ("cpu", "gpu"):
            parser.error(f"--devices: expected cpu or gpu, got '{d}'")
    if args.blocks < 1 or args.min_calls < 1 or args.profiled_calls < 1:
        parser.error("--blocks, --min-calls and --profiled-calls must be at least 1")

    # Before any parallel work: set_num_interop_threads fails once the pool has started.
    torch.set_num_interop_threads(1)
    torch.set_num_threads(args.threads)
    devices = list(args.devices)
    if "gpu" in devices and not torch.cuda.is_available():
        print("[pytorch] torch sees no GPU: gpu cases left out", file=sys.stderr)
        devices.remove("gpu")

    cases = []
    for device in devices:
        for n in args.batch_sizes:
            for c in args.classes:
                for distance in args.distances:
                    cases.append(run_case(device, n, c, distance, args))

    out = {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "alpha": ALPHA, "beta": BETA, "lambda": LAMBDA, "seed": args.seed,
        "blocks": args.blocks, "blockSeconds": args.block_seconds, "minCalls": args.min_calls,
        "warmupSeconds": args.warmup_seconds,
        "call": "z.detach().requires_grad_(), loss, backward(), item()",
        "counted": "top-level aten operators (no aten operator above them on their thread) of one"
                   " call, from the profiler named per form",
        "cases": cases,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(f"PyTorch anchor written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
