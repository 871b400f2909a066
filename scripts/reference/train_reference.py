#!/usr/bin/env python3
"""Train the reference PyTorch TextClassifier on SST-2 with the same recipe as `pnpm train`, for a side-by-side accuracy.

  /usr/bin/python3 scripts/reference/train_reference.py [--seed 1] [--epochs 4] [--cell lstm] ...

Tokens: SST-2 is already PTB-tokenized and lower-cased, so whitespace splitting gives the dataset's tokens.
Vocabulary: <pad>=0, <unk>=1, then train tokens by frequency (descending), ties by first occurrence, min_freq as given.
Prints one JSON line per epoch and a final JSON summary (dev/test accuracy at the best dev epoch).
"""
import argparse
import json
import os
import random
import time

import torch
from torch import nn

from text_classifier import TextClassifier

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        si, li = header.index("sentence"), header.index("label")
        for line in f:
            parts = line.rstrip("\n").split("\t")
            rows.append((parts[si].split(), parts[li]))
    return rows


def build_vocab(rows, min_freq):
    counts, first = {}, {}
    for toks, _ in rows:
        for t in toks:
            if t not in counts:
                first[t] = len(first)
            counts[t] = counts.get(t, 0) + 1
    words = sorted((w for w in counts if counts[w] >= min_freq), key=lambda w: (-counts[w], first[w]))
    return {w: i + 2 for i, w in enumerate(words)}


def encode(rows, vocab, labels, max_length):
    return [([vocab.get(t, 1) for t in toks][:max_length] or [1], labels.index(lab)) for toks, lab in rows]


def batches(data, batch_size, shuffle, rng, bucket_chunks=50, with_rows=False):
    """Length-bucketed batches: shuffle, sort each chunk of `bucket_chunks` batches by length, cut into batches,
    shuffle the batch order. Without shuffle: input order (for evaluation). Yields (ids, lengths, labels), plus the
    rows' positions in `data` with `with_rows`."""
    order = list(range(len(data)))
    groups = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if shuffle:
        rng.shuffle(order)
        chunk = batch_size * bucket_chunks
        groups = []
        for i in range(0, len(order), chunk):
            part = sorted(order[i:i + chunk], key=lambda j: len(data[j][0]))
            groups += [part[k:k + batch_size] for k in range(0, len(part), batch_size)]
        rng.shuffle(groups)
    for g in groups:
        rows = [data[j] for j in g]
        L = max(len(x) for x, _ in rows)
        ids = torch.zeros(len(rows), L, dtype=torch.long)
        for r, (x, _) in enumerate(rows):
            ids[r, :len(x)] = torch.tensor(x)
        batch = ids, torch.tensor([len(x) for x, _ in rows]), torch.tensor([y for _, y in rows])
        yield (*batch, torch.tensor(g)) if with_rows else batch


def train_epoch(model, opt, data, batch_size, rng):
    """One epoch of the recipe's steps: shuffled bucketed batches, nll_loss, backward, clip to norm 5, step.
    Returns the mean training loss."""
    total, n = 0.0, 0
    for ids, lengths, y in batches(data, batch_size, True, rng):
        opt.zero_grad()
        loss = nn.functional.nll_loss(model(ids, lengths), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        total += loss.item() * len(y)
        n += len(y)
    return total / n


def accuracy(model, data):
    model.eval()
    correct = 0
    with torch.no_grad():
        for ids, lengths, y in batches(data, 256, False, None):
            correct += (model(ids, lengths).argmax(1) == y).sum().item()
    model.train()
    return correct / len(data)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--cell", default="gru")
    p.add_argument("--embedding-dim", type=int, default=64)
    p.add_argument("--hidden-size", type=int, default=96)
    p.add_argument("--num-layers", type=int, default=1)
    p.add_argument("--unidirectional", action="store_true")
    p.add_argument("--dropout", type=float, default=0.35)
    p.add_argument("--embedding-dropout", type=float, default=0.6)
    p.add_argument("--pooling", default="max")
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--optimizer", choices=["adam", "adamw"], default="adamw")
    p.add_argument("--weight-decay", type=float, default=None, help="default 0 for adam, 0.01 for adamw")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--min-freq", type=int, default=1)
    p.add_argument("--max-length", type=int, default=64)
    p.add_argument("--embedding-init-range", type=float, default=0.25)
    p.add_argument("--patience", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--train-limit", type=int, default=0)
    p.add_argument("--data-dir", default=os.path.join(ROOT, "data/sst2"))
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    rng = random.Random(a.seed)
    train = read_tsv(os.path.join(a.data_dir, "train.tsv"))
    if a.train_limit:
        train = train[:a.train_limit]
    dev = read_tsv(os.path.join(a.data_dir, "dev.tsv"))
    test = read_tsv(os.path.join(a.data_dir, "test.tsv"))
    labels = sorted({lab for _, lab in train})
    vocab = build_vocab(train, a.min_freq)
    tr, dv, te = (encode(r, vocab, labels, a.max_length) for r in (train, dev, test))
    model = TextClassifier(len(vocab) + 2, len(labels), a.embedding_dim, a.hidden_size, a.num_layers,
                           not a.unidirectional, a.cell, a.dropout, a.pooling, embedding_dropout=a.embedding_dropout,
                           embedding_init_range=a.embedding_init_range if a.embedding_init_range > 0 else None)
    if a.optimizer == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01 if a.weight_decay is None else a.weight_decay)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=a.weight_decay or 0.0)
    best = {"dev": -1}
    t0 = time.time()
    for epoch in range(1, a.epochs + 1):
        train_loss = train_epoch(model, opt, tr, a.batch_size, rng)
        d, t = accuracy(model, dv), accuracy(model, te)
        print(json.dumps({"epoch": epoch, "train_loss": round(train_loss, 4), "dev": round(d, 4), "test": round(t, 4),
                          "seconds": round(time.time() - t0, 1)}), flush=True)
        if d > best["dev"]:
            best = {"dev": d, "test": t, "epoch": epoch}
        elif epoch - best["epoch"] >= a.patience:
            break  # early stopping on dev accuracy, as pnpm train
    print(json.dumps({"final": True, "seed": a.seed, **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in best.items()},
                      "vocab": len(vocab) + 2, "seconds": round(time.time() - t0, 1)}), flush=True)


if __name__ == "__main__":
    main()
