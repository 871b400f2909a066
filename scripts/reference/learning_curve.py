#!/usr/bin/env python3
"""The PyTorch side of the SST-2 learning curves: a small per-size search with the default architecture.

  OPENBLAS_NUM_THREADS=1 taskset -c 1 /usr/bin/python3 scripts/reference/learning_curve.py \
      --sizes 1000,3000,10000 --seeds 0,1,2 >> runs/learning-curve/torch.jsonl

For each training-set size (the first n rows of data/sst2/train.tsv in the order of `subset_order`, the same rows
scripts/learning_curve.ts trains on), each configuration of CONFIGS and each seed, it trains the default recipe's
model (`train_reference.py`: bidirectional GRU, E = 64, H = 96, max pooling, AdamW, batch 64, clip 5) for up to
`max_epochs(n)` epochs, evaluates on the whole SST-2 dev set after every epoch, stops after `patience(n)` epochs
without improvement, and prints one JSON line: the best epoch's dev accuracy, the best epoch, and dev accuracy after
every epoch. Choosing the epoch count by dev accuracy is part of the search (our trainer's early stopping does the
same). `pnpm tsx scripts/learning_curve.ts --table FILE…` turns these lines and the trainer's into the table of
packages/docs/recipe.md.
"""
import argparse
import hashlib
import json
import os
import random
import time

import torch

from text_classifier import TextClassifier
from train_reference import ROOT, accuracy, build_vocab, encode, read_tsv, train_epoch

# The searched settings; everything else is the default recipe. 'default' is the recipe itself.
CONFIGS = {
    "default": {"lr": 3e-3, "edrop": 0.6, "drop": 0.35},
    "lr1e-3": {"lr": 1e-3, "edrop": 0.6, "drop": 0.35},
    "lr3e-3-drop0.3": {"lr": 3e-3, "edrop": 0.3, "drop": 0.2},
}


def subset_order(n_rows):
    """Row indices of train.tsv (0 = the first row after the header) in a fixed pseudo-random order: sorted by the
    SHA-256 of `sst2-subset:<index>`. A size-n subset is the first n of them, trained in file order (smaller
    subsets nest in larger ones)."""
    return sorted(range(n_rows), key=lambda i: hashlib.sha256(f"sst2-subset:{i}".encode()).digest())


def max_epochs(n):
    """Enough epochs for the slowest configuration to peak at every size (~4,000 steps of batch 64, at least 6)."""
    return max(6, min(60, -(-4000 * 64 // n)))


def patience(n):
    """Epochs without improvement before giving up: long on small sets, whose dev curve is noisy from epoch to epoch."""
    return 8 if n <= 5000 else 4 if n <= 20000 else 3


def run(rows, dev, size, name, cfg, seed):
    torch.manual_seed(seed)
    rng = random.Random(seed)
    labels = sorted({lab for _, lab in rows})
    vocab = build_vocab(rows, 1)
    tr, dv = (encode(r, vocab, labels, 64) for r in (rows, dev))
    model = TextClassifier(len(vocab) + 2, len(labels), 64, 96, 1, True, "gru", cfg["drop"], "max",
                           embedding_dropout=cfg["edrop"], embedding_init_range=0.25)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=0.01)
    curve, best, best_epoch, t0 = [], -1.0, 0, time.time()
    for epoch in range(1, max_epochs(size) + 1):
        train_epoch(model, opt, tr, 64, rng)
        d = accuracy(model, dv)
        curve.append(round(d, 4))
        if d > best:
            best, best_epoch = d, epoch
        elif epoch - best_epoch >= patience(size):
            break
    steps_per_epoch = -(-len(tr) // 64)
    return {"who": "torch", "size": size, "config": name, "seed": seed, "dev": round(best, 4), "bestEpoch": best_epoch,
            "steps": len(curve) * steps_per_epoch, "seconds": round(time.time() - t0, 1), "curve": curve}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="1000,3000,10000,30000,67349")
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--configs", default=",".join(CONFIGS))
    p.add_argument("--data-dir", default=os.path.join(ROOT, "data/sst2"))
    a = p.parse_args()
    torch.set_num_threads(1)
    train = read_tsv(os.path.join(a.data_dir, "train.tsv"))
    dev = read_tsv(os.path.join(a.data_dir, "dev.tsv"))
    order = subset_order(len(train))
    for size in (int(s) for s in a.sizes.split(",")):
        if not 0 < size <= len(train):
            raise SystemExit(f"learning_curve.py: size {size} is not between 1 and {len(train)}")
        rows = [train[i] for i in sorted(order[:size])]  # in file order
        for name in a.configs.split(","):
            for seed in (int(s) for s in a.seeds.split(",")):
                print(json.dumps(run(rows, dev, size, name, CONFIGS[name], seed)), flush=True)


if __name__ == "__main__":
    main()
