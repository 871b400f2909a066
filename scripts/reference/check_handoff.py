#!/usr/bin/python3
"""Here → PyTorch: load model directories written by @recurrent into the reference PyTorch TextClassifier and
compare its log-probabilities with ours.

    pnpm tsx test/interop/make_handoff.ts /tmp/recurrent-handoff      # train small models here, write ours.json
    /usr/bin/python3 scripts/reference/check_handoff.py /tmp/recurrent-handoff/*

    pnpm tsx scripts/reference/page_download.ts /tmp/recurrent-page-download   # a model trained in the web page,
    /usr/bin/python3 scripts/reference/check_handoff.py /tmp/recurrent-page-download/*   # as its Download gives it

For each DIR: builds TextClassifier from config.json's architecture, loads model.safetensors with
load_state_dict(strict=True) (every key and shape must match), runs the batches of DIR/ours.json (token ids our
pipeline produced, padded, with lengths) in eval mode and prints the max |difference| of the log-probabilities
and of the probabilities, float32. With --float64 it also runs a float64 copy of the weights (how far our float32
result is from exact arithmetic). Exits 1 if a difference exceeds --tol (default 1e-5).
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import load_file  # noqa: E402
from text_classifier import TextClassifier  # noqa: E402


def reference_module(arch, dtype=torch.float32):
    return TextClassifier(arch["vocabSize"], arch["numClasses"], embedding_dim=arch["embeddingDim"],
                          hidden_size=arch["hiddenSize"], num_layers=arch["numLayers"],
                          bidirectional=arch["bidirectional"], cell=arch["cell"], dropout=arch["dropout"],
                          pooling=arch["pooling"], dtype=dtype, embedding_dropout=arch["embeddingDropout"],
                          rnn_dropout=arch["rnnDropout"]).eval()


def check(model_dir, with_float64):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        arch = json.load(f)["architecture"]
    with open(os.path.join(model_dir, "ours.json"), encoding="utf-8") as f:
        ours = json.load(f)
    state = load_file(os.path.join(model_dir, "model.safetensors"))
    model = reference_module(arch)
    model.load_state_dict(state, strict=True)
    model64 = reference_module(arch, torch.float64)
    model64.load_state_dict({k: v.double() for k, v in state.items()}, strict=True)
    diff = {"logProbs": 0.0, "probs": 0.0, "logProbsVsFloat64": 0.0, "sentences": 0, "agree": 0}
    with torch.no_grad():
        for b in ours["batches"]:
            ids, lengths = torch.tensor(b["ids"]), torch.tensor(b["lengths"])
            theirs = model(ids, lengths).double()
            mine = torch.tensor(b["logProbs"], dtype=torch.float64)
            diff["logProbs"] = max(diff["logProbs"], (theirs - mine).abs().max().item())
            diff["probs"] = max(diff["probs"], (theirs.exp() - mine.exp()).abs().max().item())
            if with_float64:
                diff["logProbsVsFloat64"] = max(diff["logProbsVsFloat64"], (model64(ids, lengths) - mine).abs().max().item())
            diff["sentences"] += len(b["ids"])
            diff["agree"] += int((theirs.argmax(1) == mine.argmax(1)).sum())
    return arch, diff


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dirs", nargs="+", help="model directories with ours.json")
    p.add_argument("--tol", type=float, default=1e-5)
    p.add_argument("--float64", action="store_true", help="also compare with a float64 copy of the weights")
    args = p.parse_args()
    torch.set_num_threads(1)
    worst = 0.0
    for d in args.dirs:
        if not os.path.isfile(os.path.join(d, "ours.json")):
            continue  # e.g. the training file next to the model directories
        arch, diff = check(d, args.float64)
        worst = max(worst, diff["logProbs"], diff["probs"])
        what = f"{arch['cell']} {arch['pooling']} L{arch['numLayers']} D{2 if arch['bidirectional'] else 1} V{arch['vocabSize']}"
        extra = f", vs float64 {diff['logProbsVsFloat64']:.2e}" if args.float64 else ""
        print(f"{d}: {what}: load_state_dict(strict=True) ok; {diff['sentences']} sentences, max |Δ log-prob| "
              f"{diff['logProbs']:.2e}, max |Δ prob| {diff['probs']:.2e}{extra}, same argmax {diff['agree']}/{diff['sentences']}")
    print(f"max difference {worst:.2e} (tolerance {args.tol:g}, torch {torch.__version__})")
    sys.exit(0 if worst <= args.tol else 1)


if __name__ == "__main__":
    main()
