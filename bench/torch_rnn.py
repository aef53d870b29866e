#!/usr/bin/env python3
"""PyTorch CPU peer of bft's reference dual-channel workload, for bench/rnn.ts.

Daily channel [batch, 20, 16] + minute channel [batch, bars, 8], LSTM or GRU with 32 units
each, concatenate -> dense 32 (relu) -> sigmoid, Adam, batch 64, `samples` random samples.
Prints one JSON object per line: {"kind": "rnn", cell, bars, train, infer} in samples/s (best
of `repeats` epochs after a warm-up), and {"kind": "peak", "gflops", "blas"} for a float32
matmul, with the BLAS library the process loaded (Debian's torch calls the system libblas.so.3:
the reference BLAS unless e.g. libopenblas0 is installed, which changes PyTorch's speed a lot).
Usage: python3 bench/torch_rnn.py [--samples 2048] [--threads 2] [--bars 255 51]
"""
import argparse
import json
import time

import torch
from torch import nn


class Dual(nn.Module):
    def __init__(self, cell: str, units: int = 32):
        super().__init__()
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.daily = rnn(16, units, batch_first=True)
        self.minute = rnn(8, units, batch_first=True)
        self.head = nn.Sequential(nn.Linear(2 * units, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, xd, xm):
        _, hd = self.daily(xd)
        _, hm = self.minute(xm)
        hd = hd[0] if isinstance(hd, tuple) else hd
        hm = hm[0] if isinstance(hm, tuple) else hm
        return torch.sigmoid(self.head(torch.cat([hd[-1], hm[-1]], dim=1)))


def epoch(model, opt, xd, xm, y, batch):
    loss_fn = nn.BCELoss()
    for i in range(0, xd.shape[0], batch):
        opt.zero_grad()
        loss = loss_fn(model(xd[i:i + batch], xm[i:i + batch]), y[i:i + batch])
        loss.backward()
        opt.step()


def bench(cell, bars, samples, batch, repeats):
    torch.manual_seed(1)
    model = Dual(cell)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xd = torch.randn(samples, 20, 16)
    xm = torch.randn(samples, bars, 8)
    y = (torch.rand(samples, 1) > 0.5).float()
    epoch(model, opt, xd[:batch], xm[:batch], y[:batch], batch)  # warm-up
    train = 0.0
    for _ in range(repeats):
        t = time.perf_counter()
        epoch(model, opt, xd, xm, y, batch)
        train = max(train, samples / (time.perf_counter() - t))
    infer = 0.0
    with torch.no_grad():
        for _ in range(repeats):
            t = time.perf_counter()
            for i in range(0, samples, batch):
                model(xd[i:i + batch], xm[i:i + batch])
            infer = max(infer, samples / (time.perf_counter() - t))
    return train, infer


def blas_library():
    """The BLAS shared library mapped into this process (after a matmul has loaded it)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


def peak(n=2048, repeats=5):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    a @ b
    best = 0.0
    for _ in range(repeats):
        t = time.perf_counter()
        a @ b
        best = max(best, 2 * n ** 3 / (time.perf_counter() - t) / 1e9)
    return best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=2048)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--bars", type=int, nargs="+", default=[255, 51])
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    gflops = peak()
    print(json.dumps({"kind": "peak", "gflops": gflops, "blas": blas_library(), "threads": a.threads, "torch": torch.__version__}), flush=True)
    for bars in a.bars:
        for cell in ("lstm", "gru"):
            train, infer = bench(cell, bars, a.samples, 64, a.repeats)
            print(json.dumps({"kind": "rnn", "cell": cell, "bars": bars, "train": train, "infer": infer}), flush=True)


if __name__ == "__main__":
    main()
