#!/usr/bin/python3
"""Generates the PyTorch parity fixtures under test/parity/fixtures/*.json.

Usage (Debian's interpreter, which has torch 1.13 from `apt-get install python3-torch`):

    /usr/bin/python3 scripts/reference/gen_fixtures.py            # every fixture file
    /usr/bin/python3 scripts/reference/gen_fixtures.py loss optim # only these
    /usr/bin/python3 scripts/reference/gen_fixtures.py --list     # the registry

Each fixture file comes from one function registered in FIXTURES (name -> function returning its cases).
Output is deterministic and byte-identical across runs: RNG-free inputs, one thread, keys sorted,
floats written with repr (shortest round-trip form), non-finite numbers as "NaN"/"Infinity"/"-Infinity".
"""

import json
import os
import sys

try:
    import torch
except ImportError:
    sys.exit(f"gen_fixtures.py: {sys.executable} has no torch; run it with Debian's /usr/bin/python3 "
             "(apt-get install python3-torch, torch 1.13)")

REQUIRED_TORCH = "1.13"


def check_torch_version():
    got = ".".join(torch.__version__.split("+")[0].split(".")[:2])
    if got != REQUIRED_TORCH:
        sys.exit(
            f"gen_fixtures.py: torch {torch.__version__} found, but the fixtures are pinned to torch "
            f"{REQUIRED_TORCH}.x (numbers and defaults such as clip_grad_norm_'s epsilon or label-smoothing "
            f"with class weights can change between releases). Run it with Debian's /usr/bin/python3 "
            f"(apt-get install python3-torch)."
        )


check_torch_version()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fixtures_nn  # noqa: E402
import fixtures_ops  # noqa: E402
from fixtures_common import check_unique  # noqa: E402

FIXTURES = {
    "unary": (fixtures_ops.unary, "neg exp log tanh sigmoid relu abs sqrt, incl. zeros and non-finite results"),
    "binary": (fixtures_ops.binary, "add sub (alpha) mul div pow with broadcasting, scalar tensors and numbers"),
    "reduce": (fixtures_ops.reduce, "sum mean over all / one / several dims, keepdim; max (all, and values+indices)"),
    "matmul": (fixtures_ops.matmul, "matmul for every rank combination incl. batch broadcasting; mm; bmm"),
    "softmax": (fixtures_ops.softmax, "softmax and logSoftmax over each dim, incl. logits near +-1000"),
    "where": (fixtures_ops.where, "where with broadcasting; maskedFill with finite and -Infinity values"),
    "cast": (fixtures_ops.cast, "toDtype float64<->float32, clone, dropout in eval / p=0 / p=1"),
    "shape": (fixtures_ops.shape, "reshape view flatten transpose permute narrow slice select indexSelect gather "
                                  "cat stack chunk split squeeze unsqueeze expand"),
    "linear_embedding": (fixtures_nn.linear_embedding, "Linear with/without bias on 1-D/2-D/3-D input; Embedding with "
                                                       "repeated indices and paddingIdx"),
    "loss": (fixtures_nn.loss, "nllLoss and crossEntropy x weight x ignoreIndex x reduction x labelSmoothing 0/0.1/0.3"),
    "clip_grad_norm": (fixtures_nn.clip_grad_norm, "clipGradNorm with norm types 2 and inf, clipping and not"),
    "optim": (fixtures_nn.optim, "10 steps of SGD/Adam/AdamW variants on a small classifier (+ one float32 run)"),
    "optim_steps": (fixtures_nn.optim_steps, "3 steps of each SGD/Adam/AdamW option on one parameter vector with "
                                             "hand-set gradients, float32 and float64"),
}

FIXTURE_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "parity",
                                            "fixtures"))


MAX_BYTES = 300_000


def dumps(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), allow_nan=False, ensure_ascii=True)


def render(name, description, cases):
    """The file text: top-level keys in sorted order, one case per line (readable diffs, small files)."""
    head = {"description": description, "dtype": "float64", "file": name, "torch": torch.__version__,
            "format": "cases[]: {name, op, args, inputs, outputs, upstream, grads, ...}; a tensor is "
                      "{shape, data (flat, row-major), dtype? (float32|int64|bool; float64 when absent)}; "
                      "non-finite numbers are the strings NaN, Infinity, -Infinity"}
    lines = ["{", '"cases":[']
    lines.append(",\n".join(dumps(c) for c in cases))
    lines.append("],")
    keys = sorted(head)
    lines.append(",\n".join(f"{dumps(k)}:{dumps(head[k])}" for k in keys))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv):
    if argv and argv[0] in ("-h", "--help", "--list"):
        for name, (_, description) in FIXTURES.items():
            print(f"{name:18} {description}")
        return 0
    names = argv or list(FIXTURES)
    unknown = [n for n in names if n not in FIXTURES]
    if unknown:
        sys.exit(f"gen_fixtures.py: unknown fixture(s) {unknown}; known: {list(FIXTURES)}")
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.set_default_dtype(torch.float64)
    os.makedirs(FIXTURE_DIR, exist_ok=True)
    for name in names:
        fn, description = FIXTURES[name]
        text = render(name, description, check_unique(fn()))
        json.loads(text)  # must parse back
        if len(text.encode()) > MAX_BYTES:
            sys.exit(f"gen_fixtures.py: {name}.json would be {len(text.encode())} bytes, over the {MAX_BYTES}-byte limit; "
                     "use smaller shapes or split the file")
        path = os.path.join(FIXTURE_DIR, f"{name}.json")
        with open(path, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
        print(f"{path}: {len(text.encode()) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
