#!/usr/bin/env python3
"""The PyTorch reference peer of npm run bench:quality (bench/quality.ts), plain numpy + torch.

Reads what bft exported into EXPORT_DIR (bench/quality-export.ts: daily.npy, minute.npy,
label.npy, folds.json, samples.json), computes its own features from the raw bars, trains one
model per fold of bft's plan on the fold's training samples, stops early on the fold's
validation samples, predicts the fold's test samples, and writes EXPORT_DIR/peer.json.

Features (fixed scales, nothing fitted):
  daily, the last 20 days: close-to-close log return of the traded contract / 0.003,
    day range (high - low) / close / 0.003, log volume - 11
  minute, day t's bars: log(close / open) / 5e-4, (high - low) / close / 5e-4,
    volume share x bars - 1, sign(close - open) x volume share x bars
    (bars: the day's bars present; an absent bar is all zeros)
Model: LSTM(32) per channel, last hidden states concatenated -> dense 32 ReLU -> dropout 0.2 ->
1 logit; binary cross-entropy without class weights; Adam 1e-3, weight decay 1e-4, batch 64, up
to 60 epochs, patience 8 on the validation loss, the best epoch's weights kept. A fold without a
validation set in the plan takes the last 1/6 of its training samples after a 1-day purge.
torch.manual_seed per fold and seed; several seeds are averaged.

Usage: python3 bench/quality_peer.py EXPORT_DIR [--jobs N] [--threads 1] [--seeds N] [--epochs 60]
  [--patience 8] [--batch 64] [--lr 1e-3] [--class-weights none|balanced]
(bench:quality --peer-training bft passes bft's own training settings.)
(--jobs processes train (fold, seed) models side by side, --threads torch threads each: on CPU
these small LSTMs run fastest on one thread per process.)
"""
import argparse
import json
import multiprocessing
import os
import platform
import re
import sys
import time

import numpy as np
import torch
from torch import nn

DAILY_DAYS = 20
UNITS = 32


def daily_features(bars):
    """bars [n, 21, 5] (open, high, low, close, volume) -> [n, 20, 3] float32."""
    close = bars[:, :, 3]
    with np.errstate(divide="ignore", invalid="ignore"):
        ret = np.log(close[:, 1:] / close[:, :-1]) / 0.003
        rng = (bars[:, 1:, 1] - bars[:, 1:, 2]) / close[:, 1:] / 0.003
        vol = np.log(np.maximum(bars[:, 1:, 4], 1.0)) - 11.0
    x = np.stack([ret, rng, vol], axis=2)
    return np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)


def minute_features(bars):
    """bars [n, T, 5] -> [n, T, 4] float32; an absent bar (NaN close) is all zeros."""
    o, h, l, c, v = (bars[:, :, j].astype(np.float64) for j in range(5))
    present = np.isfinite(c) & np.isfinite(o)
    count = present.sum(axis=1, keepdims=True).astype(np.float64)
    vol = np.where(present & np.isfinite(v), v, 0.0)
    total = vol.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, vol / total, 0.0)
        lr = np.log(c / o) / 5e-4
        rng = (h - l) / c / 5e-4
    x = np.stack([lr, rng, share * count - 1.0, np.sign(c - o) * share * count], axis=2)
    x[~present] = 0.0
    return np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)


class Peer(nn.Module):
    def __init__(self, daily_in, minute_in, units=UNITS):
        super().__init__()
        self.daily = nn.LSTM(daily_in, units, batch_first=True)
        self.minute = nn.LSTM(minute_in, units, batch_first=True)
        self.head = nn.Sequential(nn.Linear(2 * units, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 1))

    def forward(self, xd, xm):
        _, (hd, _) = self.daily(xd)
        _, (hm, _) = self.minute(xm)
        return self.head(torch.cat([hd[-1], hm[-1]], dim=1)).squeeze(1)


def logits(model, xd, xm, batch=256):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(xd[i:i + batch], xm[i:i + batch]) for i in range(0, xd.shape[0], batch)])


def fit_predict(xd, xm, y, train, val, test, seed, a):
    """One model: train on `train`, early-stop on `val`, return P(up) of `test` and what happened (a: epochs, patience, batch)."""
    torch.manual_seed(seed)
    model = Peer(xd.shape[2], xm.shape[2])
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    # bft's "balanced" class weights: n / (2 n_c) per sample of class c, the loss their weighted mean
    w = torch.ones(2)
    if a.class_weights == "balanced":
        n1 = float(y[train].sum())
        n = float(len(train))
        w = torch.tensor([n / (2 * max(1.0, n - n1)), n / (2 * max(1.0, n1))])
    weighted = nn.BCEWithLogitsLoss(reduction="none")
    gen = torch.Generator().manual_seed(seed)
    tr = torch.as_tensor(train)
    xdv, xmv, yv = xd[val], xm[val], y[val]
    best, best_epoch, best_state, since, epochs = float("inf"), 0, None, 0, 0
    for epoch in range(1, a.epochs + 1):
        model.train()
        order = tr[torch.randperm(len(tr), generator=gen)]
        for i in range(0, len(order), a.batch):
            b = order[i:i + a.batch]
            opt.zero_grad()
            yb = y[b]
            out = model(xd[b], xm[b])
            loss = loss_fn(out, yb) if a.class_weights == "none" else (weighted(out, yb) * w[yb.long()]).mean()
            loss.backward()
            opt.step()
        epochs = epoch
        v = loss_fn(logits(model, xdv, xmv), yv).item()
        if v < best - 1e-7:
            best, best_epoch, since = v, epoch, 0
            best_state = {k: t.detach().clone() for k, t in model.state_dict().items()}
        else:
            since += 1
            if since >= a.patience:
                break
    model.load_state_dict(best_state)
    p = torch.sigmoid(logits(model, xd[test], xm[test])).numpy().astype(np.float64)
    train_acc = float(((torch.sigmoid(logits(model, xd[train], xm[train])) > 0.5).float() == y[train]).float().mean())
    return p, {"epochs": epochs, "bestEpoch": best_epoch, "validationLoss": best, "trainAccuracy": train_acc}


def own_validation(train, purge=1):
    """The peer's own rule when the plan has no validation set: the last 1/6 after a purge."""
    v = max(1, len(train) // 6)
    return train[: max(0, len(train) - v - purge)], train[len(train) - v:]


def blas_report():
    """What torch was built against and the BLAS library this process mapped (after a matmul)."""
    a = torch.randn(256, 256)
    _ = a @ a
    built = [f"{k}={v}" for k, v in re.findall(r"\b(BLAS_INFO|LAPACK_INFO|USE_MKL\w*)=(\w+)", torch.__config__.show())]
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
    except OSError:
        libs = []
    return {"built": built, "loaded": libs}


def load(d):
    xd = torch.from_numpy(daily_features(np.load(os.path.join(d, "daily.npy"))))
    xm = torch.from_numpy(minute_features(np.load(os.path.join(d, "minute.npy"))))
    label = np.load(os.path.join(d, "label.npy")).astype(np.int64)
    y = torch.from_numpy(np.maximum(label, 0).astype(np.float32))
    return xd, xm, y, label


# One process trains one (fold, seed) at a time; its inputs are loaded once per process.
DATA = {}


def init_worker(d, threads):
    torch.set_num_threads(threads)
    DATA["xd"], DATA["xm"], DATA["y"], DATA["label"] = load(d)


def run_task(task):
    fold, s, seed, train, val, test, hyper = task
    t = time.perf_counter()
    prob, info = fit_predict(DATA["xd"], DATA["xm"], DATA["y"], train, val, test, seed, hyper)
    info["seconds"] = time.perf_counter() - t
    info["testAccuracy"] = float(((prob > 0.5) == (DATA["label"][test] == 1)).mean())
    return fold, s, prob, info


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("export_dir")
    p.add_argument("--threads", type=int, default=1, help="torch threads per process (1 is fastest for these small LSTMs on CPU)")
    p.add_argument("--jobs", type=int, default=1, help="processes training (fold, seed) models side by side")
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--seed", type=int, default=42, help="base seed; fold f, seed s uses base + 1000 s + f")
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--patience", type=int, default=8)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--class-weights", choices=["none", "balanced"], default="none", help="balanced: bft's class weights on the training loss")
    a = p.parse_args()
    hyper = argparse.Namespace(epochs=a.epochs, patience=a.patience, batch=a.batch, lr=a.lr, class_weights=a.class_weights)
    d = a.export_dir
    t0 = time.perf_counter()
    torch.set_num_threads(a.threads)
    xd, xm, y, label = load(d)
    with open(os.path.join(d, "folds.json")) as f:
        plan = json.load(f)
    blas = blas_report()
    meta = {
        "torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version(),
        "threads": torch.get_num_threads(), "jobs": a.jobs, "blas": blas, "seeds": a.seeds, "baseSeed": a.seed,
        "epochs": a.epochs, "patience": a.patience, "batch": a.batch, "lr": a.lr, "classWeights": a.class_weights, "daily": list(xd.shape), "minute": list(xm.shape),
    }
    print(f"peer: torch {torch.__version__}, {a.jobs} process(es) x {meta['threads']} thread(s); BLAS {' '.join(blas['built']) or 'unknown'}, "
          f"loaded {', '.join(os.path.basename(l) for l in blas['loaded']) or 'none'}; daily {list(xd.shape)}, minute {list(xm.shape)}; "
          f"{len(plan['folds'])} folds x {a.seeds} seed(s)", flush=True)
    folds, tasks = {}, []
    purge = max(1, plan.get("purgeDays", 1))
    for f in plan["folds"]:
        train = np.asarray(f["train"], dtype=np.int64)
        val = np.asarray(f["validation"], dtype=np.int64)
        test = np.asarray(f["test"], dtype=np.int64)
        rule = "plan"
        if len(val) == 0:
            train, val = own_validation(train, purge)
            rule = "own 1/6"
        for part, idx in (("training", train), ("validation", val), ("test", test)):
            if len(idx) == 0 or (label[idx] < 0).any():
                sys.exit(f"quality_peer.py: fold {f['index']} has no {part} samples, or some without a label")
        folds[f["index"]] = {"index": f["index"], "validationRule": rule, "trainSamples": int(len(train)), "validationSamples": int(len(val)),
                             "test": test.tolist(), "probs": {}, "seeds": {}}
        for s in range(a.seeds):
            tasks.append((f["index"], s, a.seed + 1000 * s + f["index"], train, val, test, hyper))
    tasks.sort(key=lambda t: -len(t[3]))  # longest first: the last job to finish is a short one

    def finished(fold, s, prob, info):
        f = folds[fold]
        f["probs"][s], f["seeds"][s] = prob, info
        print(f"peer: fold {fold:>2} seed {s}  train {f['trainSamples']:>4}  validation {f['validationSamples']:>3} ({f['validationRule']})  "
              f"test {len(f['test']):>3}  epochs {info['epochs']:>2} (best {info['bestEpoch']:>2})  train acc {info['trainAccuracy']:.3f}  "
              f"test acc {info['testAccuracy']:.3f}  {info['seconds']:.1f} s", flush=True)

    if a.jobs == 1:
        DATA.update(xd=xd, xm=xm, y=y, label=label)
        for t in tasks:
            finished(*run_task(t))
    else:
        # spawn, not fork: a forked child of a process whose OpenMP pool has started can hang.
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(a.jobs, initializer=init_worker, initargs=(d, a.threads)) as pool:
            for r in pool.imap_unordered(run_task, tasks):
                finished(*r)
    out = []
    for i in sorted(folds):
        f = folds[i]
        prob = np.mean([f["probs"][s] for s in range(a.seeds)], axis=0)
        test = np.asarray(f["test"])
        out.append({k: v for k, v in f.items() if k not in ("probs", "seeds")} | {
            "prob": prob.tolist(), "testAccuracy": float(((prob > 0.5) == (label[test] == 1)).mean()),
            "seconds": sum(f["seeds"][s]["seconds"] for s in range(a.seeds)),
            "seeds": [f["seeds"][s] for s in range(a.seeds)]})
    meta["seconds"] = time.perf_counter() - t0
    with open(os.path.join(d, "peer.json"), "w") as f:
        json.dump({"meta": meta, "folds": out}, f)
    print(f"peer: {len(out)} folds x {a.seeds} seed(s) in {meta['seconds']:.0f} s", flush=True)


if __name__ == "__main__":
    main()
