#!/usr/bin/env python3
"""Random search over the settings `pnpm train` exposes, in PyTorch, two seeds per configuration.

  LD_LIBRARY_PATH=$OPENBLAS OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/reference/recipe_search.py \
      --space focused --search-seed 7 [--configs 10]

Each configuration is drawn from the space (`broad`: every cell, size, depth, pooling, dropout, lr, batch, weight
decay, embedding init and schedule below; `focused`: one-layer max-pooled models around the default recipe),
trained for 4 epochs at seeds 0 and 1, and printed as one JSON line: the settings, the best epoch's dev accuracy of
each seed and their mean, the test accuracy at that epoch, and dev accuracy after every epoch. Debian's torch runs
this ~5× faster with OpenBLAS (see README.md next to this file).
"""
import argparse
import json
import os
import random
import time

import torch

from text_classifier import TextClassifier
from train_reference import ROOT, accuracy, build_vocab, encode, read_tsv, train_epoch

# Values of each setting, in the order they are drawn; a single value is fixed (draws nothing).
SPACES = {
    "broad": {"cell": ["lstm", "lstm", "gru"], "E": [32, 64, 128, 200], "H": [32, 64, 128, 192], "layers": [1, 1, 2],
              "pool": ["max", "max", "mean", "last"], "edrop": [0.2, 0.35, 0.5, 0.6], "drop": [0.2, 0.35, 0.5, 0.6],
              "lr": [5e-4, 1e-3, 2e-3, 4e-3], "bs": [32, 64, 128, 256], "wd": [0, 0, 0.01, 0.1],
              "init": [0.05, 0.1, 0.25, None], "cos": [False, True]},
    "focused": {"cell": ["lstm", "lstm", "gru"], "E": [64, 96, 128], "H": [64, 96, 128], "layers": [1], "pool": ["max"],
                "edrop": [0.2, 0.35, 0.5, 0.6], "drop": [0.2, 0.35, 0.5, 0.6], "lr": [1e-3, 2e-3, 3e-3],
                "bs": [64, 128], "wd": [0, 0, 0.01, 0.1], "init": [0.05, 0.1, 0.25], "cos": [False, True]},
}


def draw(space, rng):
    c = {k: (v[0] if len(v) == 1 else rng.choice(v)) for k, v in SPACES[space].items()}
    c["epochs"] = 4
    c["rdrop"] = rng.choice([0.0, 0.3]) if c["layers"] > 1 else 0.0  # between layers, so only with 2
    return c


def run(c, seed, data, vocab_size):
    """Trains one configuration; returns (best dev %, test % at that epoch, dev % per epoch)."""
    tr, dv, te = data
    torch.manual_seed(seed)
    rng = random.Random(seed)
    m = TextClassifier(vocab_size, 2, c["E"], c["H"], c["layers"], True, c["cell"], c["drop"], c["pool"],
                       embedding_dropout=c["edrop"], rnn_dropout=c["rdrop"], embedding_init_range=c["init"])
    if c["wd"] > 0:  # AdamW (decoupled decay), as `pnpm train --optimizer adamw --weight-decay`
        opt = torch.optim.AdamW(m.parameters(), lr=c["lr"], weight_decay=c["wd"])
    else:
        opt = torch.optim.Adam(m.parameters(), lr=c["lr"])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, c["epochs"]) if c["cos"] else None
    best, best_test, hist = -1.0, None, []
    for _ in range(c["epochs"]):
        train_epoch(m, opt, tr, c["bs"], rng)
        if sched:
            sched.step()
        d = accuracy(m, dv) * 100
        hist.append(round(d, 2))
        if d >= best:  # ties: the later epoch
            best, best_test = d, accuracy(m, te) * 100
    return best, best_test, hist


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--space", choices=sorted(SPACES), default="focused")
    p.add_argument("--search-seed", type=int, default=0)
    p.add_argument("--configs", type=int, default=10)
    a = p.parse_args()
    torch.set_num_threads(1)
    d = os.path.join(ROOT, "data/sst2")
    train, dev, test = (read_tsv(os.path.join(d, f + ".tsv")) for f in ("train", "dev", "test"))
    labels = sorted({lab for _, lab in train})
    vocab = build_vocab(train, 1)
    data = [encode(r, vocab, labels, 64) for r in (train, dev, test)]
    rng = random.Random(a.search_seed)
    for _ in range(a.configs):
        c, t0 = draw(a.space, rng), time.time()
        res = [run(c, seed, data, len(vocab) + 2) for seed in (0, 1)]
        print(json.dumps({**c, "mean_dev": round(sum(r[0] for r in res) / 2, 2), "dev": [round(r[0], 2) for r in res],
                          "test": [round(r[1], 2) for r in res], "dev_per_epoch": [r[2] for r in res],
                          "seconds": round(time.time() - t0)}), flush=True)


if __name__ == "__main__":
    main()
