#!/usr/bin/python3
"""PyTorch → @recurrent: a reference TextClassifier's state_dict as one of our model directories.

    /usr/bin/python3 scripts/reference/torch_to_safetensors.py                 # the committed interop fixtures
    /usr/bin/python3 scripts/reference/torch_to_safetensors.py --out DIR [--cell gru --pooling mean ...]

A model directory (see packages/trainer/src/checkpoint.ts) holds model.safetensors (the state_dict, keys
verbatim), config.json ({formatVersion: 1, architecture, labels, labelNames, tokenizer, maxLength}) and vocab.json
(the tokenizer package's Vocab JSON: <pad> id 0, <unk> id 1). `TextClassifier.load(dir)` / `loadModel(dir)` read it.

Default run: test/interop/fixtures/torch_{cell}_{pooling}/ for the 3 cells × 3 poolings (V 50, E 8, H 6, C 3;
one or two layers, one or two directions), torch_gru_max_bigram/ (a bigram bag of 13 rows of 4) and torch_gru_max_nb/ (a
naive Bayes expert of 17 pair rows counted from fixed training sequences, weight 0.4), torch_gru_max_nb_lin/ (the same
with a linear expert of 19 pair rows trained by SGD on those sequences in fixed orders, weight 0.7), each with expected.json: the log-probabilities PyTorch computes for
fixed token-id batches with lengths (float32 model), and for the same weights in float64 (model_float64.safetensors).
Deterministic: torch.manual_seed per fixture, one thread; floats written by json (repr: round-trips exactly).
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402
from text_classifier import TextClassifier  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FIXTURES = os.path.join(ROOT, "test", "interop", "fixtures")

# The tokenizer package's defaults (Tokenizer.toJSON() of `new Tokenizer()`).
TOKENIZER = {"formatVersion": 1, "type": "tokenizer",
             "options": {"form": "NFKC", "lowercase": True, "stripAccents": False, "removeStopWords": False,
                         "stem": False, "ngrams": 1}}
# 48 frequent SST-2 tokens after <pad>, <unk>: V = 50.
WORDS = ("the , a and of . to 's is that in it as with film an but movie for this its you be on all by more "
         "one about has like not than story are so good from at or his have who out most funny n't bad").split()
# Two pre-tokenized SST-2 dev sentences (whitespace splitting = our tokenizer on these texts).
SENTENCES = ["it 's a charming and often affecting journey .", "the movie is funny , but not good ."]

CASES = [  # (cell, pooling, bidirectional, num_layers)
    ("lstm", "max", True, 1), ("lstm", "last", True, 2), ("lstm", "mean", False, 1),
    ("gru", "max", False, 2), ("gru", "last", True, 1), ("gru", "mean", True, 2),
    ("rnn", "max", True, 2), ("rnn", "last", False, 1), ("rnn", "mean", True, 1),
]


def vocab_json(words):
    return {"formatVersion": 1, "type": "vocab", "tokens": ["<pad>", "<unk>", *words], "specials": ["<pad>", "<unk>"],
            "padToken": "<pad>", "unkToken": "<unk>"}


def config_json(arch, labels, label_names):
    return {"formatVersion": 1, "architecture": arch, "labels": labels, "labelNames": label_names,
            "tokenizer": TOKENIZER, "maxLength": None}


def architecture(vocab_size, num_classes, embedding_dim, hidden_size, num_layers, bidirectional, cell, pooling,
                 dropout=0.5):
    """Our config.json architecture for the reference module's settings (dropouts do not act in eval mode)."""
    return {"vocabSize": vocab_size, "numClasses": num_classes, "embeddingDim": embedding_dim,
            "hiddenSize": hidden_size, "numLayers": num_layers, "bidirectional": bidirectional, "cell": cell,
            "pooling": pooling, "embeddingInitRange": None, "embeddingDropout": dropout,
            "rnnDropout": dropout if num_layers > 1 else 0, "dropout": dropout}


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, sort_keys=True)
        f.write("\n")


def batches(vocab_size, gen):
    """Fixed token-id batches (ids padded with 0 after each length): N 4 with mixed lengths, N 1, the sentences."""
    out = []
    for lengths in ([7, 3, 5, 1], [4]):
        L = max(lengths)
        ids = torch.zeros(len(lengths), L, dtype=torch.int64)
        for n, length in enumerate(lengths):
            ids[n, :length] = torch.randint(2, vocab_size, (length,), generator=gen)
        out.append((ids, torch.tensor(lengths)))
    index = {w: i + 2 for i, w in enumerate(WORDS)}
    toks = [[index.get(t, 1) for t in s.split()] for s in SENTENCES]
    L = max(map(len, toks))
    ids = torch.tensor([t + [0] * (L - len(t)) for t in toks])
    out.append((ids, torch.tensor([len(t) for t in toks])))
    return out


def export_dir(model, out_dir, arch, labels, label_names, words):
    """Writes model.safetensors, config.json and vocab.json of `model` to `out_dir`."""
    os.makedirs(out_dir, exist_ok=True)
    save_file(model.state_dict(), os.path.join(out_dir, "model.safetensors"), metadata={"format": "pt"})
    write_json(os.path.join(out_dir, "vocab.json"), vocab_json(words))
    write_json(os.path.join(out_dir, "config.json"), config_json(arch, labels, label_names))


def nb_training(vocab_size, gen):
    """Fixed training sequences (lengths 1 to 9, ids 2 … V − 1) and class indices for the naive Bayes fixture."""
    seqs = [torch.randint(2, vocab_size, (1 + i % 9,), generator=gen).tolist() for i in range(40)]
    return seqs, [i % 3 for i in range(40)]


def make_fixture(cell, pooling, bidirectional, num_layers, seed, bigram=None, nb=None, lin=None):
    """`bigram`: None, or (buckets, dim) of a bigram bag (the directory's name then ends in _bigram); `nb`: None, or
    (buckets, alpha, scale) of a naive Bayes expert (the name then ends in _nb); `lin`: None, or (buckets, lr,
    epochs, scale) of a linear expert trained on the naive Bayes fixture's sequences (the name then ends in _lin)."""
    V, C, E, H = len(WORDS) + 2, 3, 8, 6
    bag = {} if bigram is None else {"bigram_buckets": bigram[0], "bigram_dim": bigram[1]}
    if nb is not None:
        bag["nb_buckets"] = nb[0]
    if lin is not None:
        bag["linear_buckets"] = lin[0]
    torch.manual_seed(seed)
    model = TextClassifier(V, C, embedding_dim=E, hidden_size=H, num_layers=num_layers, bidirectional=bidirectional,
                           cell=cell, dropout=0.5, pooling=pooling, **bag).eval()
    suffix = ("" if bigram is None else "_bigram") + ("" if nb is None else "_nb") + ("" if lin is None else "_lin")
    out_dir = os.path.join(FIXTURES, f"torch_{cell}_{pooling}{suffix}")
    arch = architecture(V, C, E, H, num_layers, bidirectional, cell, pooling)
    if bigram is not None:
        arch = {**arch, "bigramBuckets": bigram[0], "bigramDim": bigram[1]}
    nb_train = None
    if nb is not None:
        arch = {**arch, "nbBuckets": nb[0], "nbAlpha": nb[1]}
        seqs, labels = nb_training(V, torch.Generator().manual_seed(seed + 1))
        model.nb.fit(seqs, labels, nb[1])
        model.nb.scale.fill_(nb[2])
        nb_train = {"ids": seqs, "labels": labels, "alpha": nb[1], "scale": nb[2]}
    lin_train = None
    if lin is not None:
        arch = {**arch, "linearBuckets": lin[0], "linearLr": lin[1], "linearEpochs": lin[2]}
        seqs, labels = nb_training(V, torch.Generator().manual_seed(seed + 1))
        gen = torch.Generator().manual_seed(seed + 2)
        orders = [torch.randperm(len(seqs), generator=gen).tolist() for _ in range(lin[2])]
        model.lin.fit(seqs, labels, lin[1], orders)
        model.lin.scale.fill_(lin[3])
        lin_train = {"ids": seqs, "labels": labels, "lr": lin[1], "orders": orders, "scale": lin[3]}
    export_dir(model, out_dir, arch, ["neg", "neu", "pos"], None, WORDS)
    model64 = TextClassifier(V, C, embedding_dim=E, hidden_size=H, num_layers=num_layers, bidirectional=bidirectional,
                             cell=cell, dropout=0.5, pooling=pooling, dtype=torch.float64, **bag).eval()
    model64.load_state_dict({k: v.double() for k, v in model.state_dict().items()}, strict=True)
    save_file(model64.state_dict(), os.path.join(out_dir, "model_float64.safetensors"), metadata={"format": "pt"})
    gen = torch.Generator().manual_seed(seed)
    cases = []
    with torch.no_grad():
        for ids, lengths in batches(V, gen):
            cases.append({
                "ids": ids.tolist(), "lengths": lengths.tolist(),
                "logProbs": model(ids, lengths).tolist(),
                "logProbsFloat64": model64(ids, lengths).tolist(),
            })
    write_json(os.path.join(out_dir, "expected.json"), {
        "torch": torch.__version__, "seed": seed, "sentences": SENTENCES,
        "note": "batches[2] are the sentences encoded by whitespace splitting + vocab.json; floats as Python writes them (repr: round-trips exactly)",
        "batches": cases,
        **({} if nb_train is None else {"naiveBayesTraining": nb_train}),
        **({} if lin_train is None else {"linearTraining": lin_train}),
    })
    return out_dir


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", help="write one model directory here instead of the fixtures")
    p.add_argument("--cell", default="lstm", choices=["lstm", "gru", "rnn"])
    p.add_argument("--pooling", default="max", choices=["last", "mean", "max"])
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--unidirectional", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    torch.set_num_threads(1)
    if args.out is None:
        for i, (cell, pooling, bidirectional, num_layers) in enumerate(CASES):
            print(make_fixture(cell, pooling, bidirectional, num_layers, seed=100 + i))
        # a bigram bag of 13 rows (pairs of the 48 words share them), 4 values each
        print(make_fixture("gru", "max", True, 1, seed=200, bigram=(13, 4)))
        # a naive Bayes expert of 17 pair rows, α 0.5, weight 0.4, counted from 40 fixed sequences of 3 classes
        print(make_fixture("gru", "max", True, 1, seed=300, nb=(17, 0.5, 0.4)))
        # beside it, a linear expert of 19 pair rows, lr 0.3, 3 epochs, weight 0.7, trained on the same sequences
        print(make_fixture("gru", "max", True, 1, seed=300, nb=(17, 0.5, 0.4), lin=(19, 0.3, 3, 0.7)))
        return
    torch.manual_seed(args.seed)
    V, C, E, H = len(WORDS) + 2, 2, 8, 6
    model = TextClassifier(V, C, embedding_dim=E, hidden_size=H, num_layers=args.layers,
                           bidirectional=not args.unidirectional, cell=args.cell, pooling=args.pooling).eval()
    arch = architecture(V, C, E, H, args.layers, not args.unidirectional, args.cell, args.pooling)
    export_dir(model, args.out, arch, ["0", "1"], ["negative", "positive"], WORDS)
    print(args.out)


if __name__ == "__main__":
    main()
