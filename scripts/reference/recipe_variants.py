#!/usr/bin/env python3
"""Train one variant of the default recipe in PyTorch and print dev/test accuracy after every epoch.

Single changes to the previous LSTM recipe, tried while looking for one that reaches 85 % SST-2 dev accuracy without
pretrained vectors (results in packages/trainer/src/recipe.ts). Everything not named by a flag is that LSTM recipe
(BiLSTM E = H = 64, max pooling, dropout 0.5 on embeddings and pooled features, U(-0.1, 0.1) embeddings, Adam 2e-3,
batch 128, length bucketing, clip 5), not the current default of train_reference.py.

  /usr/bin/python3 scripts/reference/recipe_variants.py --seed 0 --cell gru
  /usr/bin/python3 scripts/reference/recipe_variants.py --seed 0 --subword-buckets 20000   # char 3-5-grams
  /usr/bin/python3 scripts/reference/recipe_variants.py --seed 0 --sentence-copies 2       # full sentences x3
  /usr/bin/python3 scripts/reference/recipe_variants.py --seed 11 --save runs/ref_s11       # for ensemble_distill.py

--save PREFIX writes PREFIX_eK.pt after epoch K: the state dict, dev accuracy and dev/test probabilities.
"""
import argparse
import json
import os
import random
import time
import zlib

import torch
from torch import nn

from text_classifier import TextClassifier
from train_reference import ROOT, accuracy, batches, build_vocab, encode, read_tsv, train_epoch


def full_sentences(rows):
    """Rows that are not a contiguous token span of another row: the roots of SST's training trees."""
    spans = set()
    for toks, _ in rows:
        n = len(toks)
        for i in range(n):
            for j in range(i + 1, n + 1):
                if j - i < n:
                    spans.add(" ".join(toks[i:j]))
    return [r for r in rows if " ".join(r[0]) not in spans]


class SubwordEmbedding(nn.Module):
    """fastText-style input vectors: (word vector + sum of hashed char n-gram vectors) / (1 + number of n-grams).

    Indexed by a token table covering train, dev and test, so a word unseen in training still gets its n-grams."""

    def __init__(self, word_embedding, token_word_ids, token_grams, buckets, init):
        super().__init__()
        self.word = word_embedding
        self.grams = nn.Embedding(buckets + 1, word_embedding.embedding_dim, padding_idx=0)
        with torch.no_grad():
            self.grams.weight.uniform_(-init, init)
            self.grams.weight[0].zero_()
        self.word_ids, self.gram_ids = token_word_ids, token_grams
        self.counts = (token_grams > 0).sum(1).float()

    def forward(self, x):
        e = self.word(self.word_ids[x]) + self.grams(self.gram_ids[x]).sum(-2)
        return e / (1 + self.counts[x]).unsqueeze(-1) * (x > 0).unsqueeze(-1)


def char_grams(word, minn, maxn, buckets):
    w = "<" + word + ">"
    return [1 + zlib.crc32(w[i:i + n].encode()) % buckets for n in range(minn, maxn + 1) for i in range(len(w) - n + 1)]


def add_subwords(model, splits, vocab, labels, buckets, init):
    """Replaces model.embedding by a SubwordEmbedding; returns the splits encoded against the token table."""
    table = {}
    for rows in splits:
        for toks, _ in rows:
            for t in toks:
                table.setdefault(t, len(table) + 1)
    grams = {t: char_grams(t, 3, 5, buckets) for t in table}
    width = max(len(g) for g in grams.values())
    word_ids = torch.zeros(len(table) + 1, dtype=torch.long)
    gram_ids = torch.zeros(len(table) + 1, width, dtype=torch.long)
    for t, i in table.items():
        word_ids[i] = vocab.get(t, 1)
        gram_ids[i, :len(grams[t])] = torch.tensor(grams[t])
    model.embedding = SubwordEmbedding(model.embedding, word_ids, gram_ids, buckets, init)
    return [[([table[t] for t in toks][:64] or [1], labels.index(lab)) for toks, lab in rows] for rows in splits]


def probabilities(model, data):
    model.eval()
    with torch.no_grad():
        p = torch.cat([model(ids, lengths).exp() for ids, lengths, _ in batches(data, 256, False, None)])
    model.train()
    return p


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--cell", default="lstm")
    p.add_argument("--pooling", default="max")
    p.add_argument("--embedding-dim", type=int, default=64)
    p.add_argument("--hidden-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--lr-gamma", type=float, default=1.0, help="multiply the lr by this after every epoch")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--subword-buckets", type=int, default=0, help="add hashed char 3-5-gram vectors (0 = off)")
    p.add_argument("--sentence-copies", type=int, default=0, help="extra copies of the full training sentences")
    p.add_argument("--data-dir", default=os.path.join(ROOT, "data/sst2"))
    p.add_argument("--save", default="")
    p.add_argument("--train-limit", type=int, default=0, help="use only the first N training rows (smoke tests)")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)
    rng = random.Random(a.seed)
    train, dev, test = (read_tsv(os.path.join(a.data_dir, f + ".tsv")) for f in ("train", "dev", "test"))
    train = train[:a.train_limit] if a.train_limit else train
    labels = sorted({lab for _, lab in train})
    vocab = build_vocab(train, 1)
    if a.sentence_copies:
        train = train + full_sentences(train) * a.sentence_copies
    model = TextClassifier(len(vocab) + 2, len(labels), a.embedding_dim, a.hidden_size, 1, True, a.cell, 0.5,
                           a.pooling, embedding_init_range=0.1)
    if a.subword_buckets:
        tr, dv, te = add_subwords(model, (train, dev, test), vocab, labels, a.subword_buckets, 0.1)
    else:
        tr, dv, te = (encode(r, vocab, labels, 64) for r in (train, dev, test))
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, a.lr_gamma)
    t0 = time.time()
    for epoch in range(1, a.epochs + 1):
        train_epoch(model, opt, tr, a.batch_size, rng)
        sched.step()
        d, t = accuracy(model, dv), accuracy(model, te)
        if a.save:
            torch.save({"state": model.state_dict(), "dev_acc": d, "dev": probabilities(model, dv),
                        "test": probabilities(model, te)}, f"{a.save}_e{epoch}.pt")
        print(json.dumps({"seed": a.seed, "epoch": epoch, "dev": round(d * 100, 2), "test": round(t * 100, 2),
                          "seconds": round(time.time() - t0)}), flush=True)


if __name__ == "__main__":
    main()
