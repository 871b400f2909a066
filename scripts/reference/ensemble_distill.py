#!/usr/bin/env python3
"""Ensemble and distil runs saved by recipe_variants.py --save, to see whether either reaches 85 % SST-2 dev accuracy.

  /usr/bin/python3 scripts/reference/ensemble_distill.py --runs runs/ref_s11 runs/ref_s12 runs/ref_s13 runs/ref_s14 \
      [--distill --alpha 1 --temperature 1 --seed 0]

Prints the dev and test accuracy of the mean probabilities of the runs' best-dev epochs and of all their epochs.
The runs must use the LSTM recipe (recipe_variants.py's defaults). With --distill it trains an LSTM-recipe student
on loss = (1 - alpha) * nll(hard label) + alpha * T^2 * cross-entropy(teacher probabilities at temperature T) and
prints its accuracy after every epoch.
"""
import argparse
import glob
import json
import os
import random
import time

import torch
from torch import nn

from text_classifier import TextClassifier
from train_reference import ROOT, accuracy, batches, build_vocab, encode, read_tsv


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", nargs="+", required=True)
    p.add_argument("--distill", action="store_true")
    p.add_argument("--alpha", type=float, default=1.0)
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=3)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)
    d = os.path.join(ROOT, "data/sst2")
    train, dev, test = (read_tsv(os.path.join(d, f + ".tsv")) for f in ("train", "dev", "test"))
    labels = sorted({lab for _, lab in train})
    vocab = build_vocab(train, 1)
    tr, dv, te = (encode(r, vocab, labels, 64) for r in (train, dev, test))
    y_dev, y_test = (torch.tensor([y for _, y in s]) for s in (dv, te))
    acc = lambda probs, y: round((probs.argmax(1) == y).float().mean().item() * 100, 2)
    new_model = lambda: TextClassifier(len(vocab) + 2, len(labels), 64, 64, 1, True, "lstm", 0.5, "max",
                                       embedding_init_range=0.1)
    best, every = [], []
    for run in a.runs:
        epochs = [torch.load(f) for f in sorted(glob.glob(run + "_e*.pt"))]
        every += epochs
        best.append(max(epochs, key=lambda e: e["dev_acc"]))
    for name, group in (("best epochs", best), ("all epochs", every)):
        print(json.dumps({"ensemble": name, "members": len(group), "dev": acc(sum(e["dev"] for e in group), y_dev),
                          "test": acc(sum(e["test"] for e in group), y_test),
                          "member_dev": [round(e["dev_acc"] * 100, 2) for e in group]}), flush=True)
    if not a.distill:
        return
    soft = torch.zeros(len(tr), len(labels))
    for e in best:
        teacher = new_model()
        teacher.load_state_dict(e["state"])
        teacher.eval()
        with torch.no_grad():
            for ids, lengths, _, rows in batches(tr, 512, False, None, with_rows=True):
                soft[rows] += (teacher(ids, lengths) / a.temperature).softmax(1)
    soft /= len(best)
    student, rng, t0, T = new_model(), random.Random(a.seed), time.time(), a.temperature
    opt = torch.optim.Adam(student.parameters(), lr=2e-3)
    for epoch in range(1, a.epochs + 1):
        for ids, lengths, y, rows in batches(tr, 128, True, rng, with_rows=True):
            opt.zero_grad()
            logp = student(ids, lengths)
            soft_ce = -(soft[rows] * torch.log_softmax(logp / T, 1)).sum(1).mean()
            loss = (1 - a.alpha) * nn.functional.nll_loss(logp, y) + a.alpha * T * T * soft_ce
            loss.backward()
            nn.utils.clip_grad_norm_(student.parameters(), 5.0)
            opt.step()
        print(json.dumps({"student_seed": a.seed, "epoch": epoch, "dev": round(accuracy(student, dv) * 100, 2),
                          "test": round(accuracy(student, te) * 100, 2), "seconds": round(time.time() - t0)}), flush=True)


if __name__ == "__main__":
    main()
