#!/usr/bin/python3
"""Train the reference TextClassifier with PyTorch DistributedDataParallel and write one of our model directories.

One machine, 2 processes (CPU, gloo):
    torchrun --nproc_per_node=2 scripts/reference/train_ddp.py --train data/sst2/train.tsv --dev data/sst2/dev.tsv \
        --out runs/sst2-ddp
Many machines (each runs the same command; GPUs use NCCL, one process per GPU):
    torchrun --nnodes=4 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 --rdzv_id=sst2 \
        scripts/reference/train_ddp.py --train train.tsv --dev dev.tsv --out runs/sst2-ddp
(Debian's torch has no `torchrun` wrapper: use `/usr/bin/python3 -m torch.distributed.run` with the same flags.)

Text: tokens are the whitespace-separated words of the lower-cased text. On SST-2 (already PTB-tokenized and
lower-cased) that is our tokenizer's output for every dev sentence and all but 8 of 67,349 training rows; for
other text, run `pnpm tsx test/interop/pretokenize.ts IN.tsv OUT.tsv` first, which writes our tokenizer's tokens.
Vocabulary: built exactly like `Vocab.build` (<pad> 0, <unk> 1, then by descending count, ties by first
occurrence, --min-freq). Model and training: E = H = 64 BiLSTM, max pooling, U(−0.1, 0.1) embeddings, dropout 0.5,
Adam lr 2e-3, grad-norm clip 5, batch 64 per process (2 processes make a global batch of 128) — the LSTM recipe of
`packages/trainer/src/recipe.ts`, not `pnpm train`'s default GRU one; the dev set picks
the best epoch. Rank 0 writes DIR: model.safetensors, config.json, vocab.json, metrics.json — load it with
`pnpm eval --model DIR`, `pnpm predict --model DIR`, `TextClassifier.load(DIR)`, or `pnpm export-onnx`.
"""
import argparse
import json
import os
import re
import sys
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from text_classifier import TextClassifier  # noqa: E402
from torch_to_safetensors import architecture, config_json, vocab_json, write_json  # noqa: E402
from safetensors_io import save_file  # noqa: E402


def read_tsv(path, text_col, label_col):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        ti, li = header.index(text_col), header.index(label_col)
        return [(p[ti].lower().split(), p[li]) for p in (line.rstrip("\n").split("\t") for line in f if line.strip())]


def build_vocab(rows, min_freq):
    """`Vocab.build`: descending count, ties by first occurrence (dicts keep insertion order; sort is stable)."""
    counts = {}
    for toks, _ in rows:
        for t in toks:
            if t not in ("<pad>", "<unk>"):
                counts[t] = counts.get(t, 0) + 1
    return [w for w, c in sorted(counts.items(), key=lambda wc: -wc[1]) if c >= min_freq]


NUMERIC = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def sort_labels(labels):
    """`sortLabels`: numeric order when every label is a number (ties by string), else string order."""
    unique = list(dict.fromkeys(labels))
    if unique and all(NUMERIC.match(x) for x in unique):
        return sorted(unique, key=lambda x: (float(x), x))
    return sorted(unique)


def collate(batch):
    L = max(len(ids) for ids, _ in batch)
    ids = torch.zeros(len(batch), L, dtype=torch.int64)
    for n, (seq, _) in enumerate(batch):
        ids[n, :len(seq)] = torch.tensor(seq)
    return ids, torch.tensor([len(s) for s, _ in batch]), torch.tensor([y for _, y in batch])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--train", required=True)
    p.add_argument("--dev", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--text-col", default="sentence")
    p.add_argument("--label-col", default="label")
    p.add_argument("--label-names", default="0=negative,1=positive")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=64, help="per process")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--min-freq", type=int, default=1)
    p.add_argument("--cell", default="lstm", choices=["lstm", "gru", "rnn"])
    p.add_argument("--pooling", default="max", choices=["last", "mean", "max"])
    p.add_argument("--embedding-dim", type=int, default=64)
    p.add_argument("--hidden-size", type=int, default=64)
    p.add_argument("--num-layers", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    local = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    else:
        torch.set_num_threads(1)

    train_rows = read_tsv(args.train, args.text_col, args.label_col)
    dev_rows = read_tsv(args.dev, args.text_col, args.label_col)
    words = build_vocab(train_rows, args.min_freq)  # every rank builds the same vocabulary
    index = {w: i + 2 for i, w in enumerate(words)}
    labels = sort_labels(y for _, y in train_rows)
    encode = lambda rows: [([index.get(t, 1) for t in toks] or [1], labels.index(y)) for toks, y in rows]  # noqa: E731
    train_data, dev_data = encode(train_rows), encode(dev_rows)

    torch.manual_seed(args.seed)  # same initial weights on every rank (DDP also broadcasts rank 0's)
    arch = architecture(len(words) + 2, len(labels), args.embedding_dim, args.hidden_size, args.num_layers, True,
                        args.cell, args.pooling)
    arch["embeddingInitRange"] = 0.1
    arch["rnnDropout"] = 0
    model = TextClassifier(arch["vocabSize"], arch["numClasses"], embedding_dim=arch["embeddingDim"],
                           hidden_size=arch["hiddenSize"], num_layers=arch["numLayers"], bidirectional=True,
                           cell=arch["cell"], pooling=arch["pooling"], dropout=0.5, rnn_dropout=0.0)
    with torch.no_grad():
        model.embedding.weight.uniform_(-0.1, 0.1)
        model.embedding.weight[0].zero_()
    model.to(device)
    ddp = DistributedDataParallel(model, device_ids=[local] if cuda else None)
    opt = torch.optim.Adam(ddp.parameters(), lr=args.lr)
    sampler = DistributedSampler(train_data, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(train_data, batch_size=args.batch_size, sampler=sampler, collate_fn=collate)

    best, history = None, []
    for epoch in range(1, args.epochs + 1):
        sampler.set_epoch(epoch)
        ddp.train()
        t0, total, n = time.time(), 0.0, 0
        for ids, lengths, y in loader:
            opt.zero_grad()
            loss = torch.nn.functional.nll_loss(ddp(ids.to(device), lengths), y.to(device))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(ddp.parameters(), 5.0)
            opt.step()
            total, n = total + loss.item(), n + 1
        if rank == 0:
            model.eval()
            correct = 0
            with torch.no_grad():
                for ids, lengths, y in DataLoader(dev_data, batch_size=256, collate_fn=collate):
                    correct += int((model(ids.to(device), lengths).argmax(1).cpu() == y).sum())
            acc = correct / len(dev_data)
            history.append({"epoch": epoch, "trainLoss": total / max(n, 1), "devAccuracy": acc, "seconds": time.time() - t0})
            print(json.dumps(history[-1]), flush=True)
            if best is None or acc > best[0]:
                best = (acc, epoch, {k: v.detach().cpu().clone() for k, v in model.state_dict().items()})
    if rank == 0:
        names = dict(kv.split("=", 1) for kv in args.label_names.split(",")) if args.label_names else {}
        label_names = [names[l] for l in labels] if all(l in names for l in labels) else None
        os.makedirs(args.out, exist_ok=True)
        save_file(best[2], os.path.join(args.out, "model.safetensors"), metadata={"format": "pt"})
        write_json(os.path.join(args.out, "vocab.json"), vocab_json(words))
        write_json(os.path.join(args.out, "metrics.json"), {"trainedWith": f"PyTorch {torch.__version__} DDP, {world} processes",
                                                            "bestEpoch": best[1], "devAccuracy": best[0], "history": history})
        write_json(os.path.join(args.out, "config.json"), config_json(arch, labels, label_names))  # last, like saveModel
        print(f"wrote {args.out} (best dev accuracy {best[0]:.4f} at epoch {best[1]}, {world} processes)", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
