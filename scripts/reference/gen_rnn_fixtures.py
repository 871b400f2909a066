#!/usr/bin/env python3
"""Parity fixtures for the recurrent layers (nn.RNN / nn.LSTM / nn.GRU), generated with real PyTorch.

Run with Debian's interpreter (apt-get install python3-torch):  /usr/bin/python3 scripts/reference/gen_rnn_fixtures.py
Writes test/parity/fixtures/rnn_*.json. Everything is float64 and RNG-free (weights, inputs and upstream gradients
come from sin/cos of aranges), so regenerating gives byte-identical files.

Each case records: the layer config, the input, h0/c0 (when given), lengths (when given), the state dict (PyTorch's
keys), a fixed upstream gradient for output/hN/cN, the forward results, and the gradients of the input, h0, c0 and
every parameter of   loss = Σ output⊙U_out + Σ hN⊙U_h (+ Σ cN⊙U_c).
With lengths the layer runs as pack_padded_sequence(enforce_sorted=False) → layer → pad_packed_sequence(total_length=L).
"""
import json
import math
import os
import sys

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

EXPECTED_TORCH = "1.13"
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "parity", "fixtures")


def det(shape, seed):
    """Deterministic O(1) values: 0.9·sin(0.37·i + seed) + 0.1·cos(1.3·i), distinct per seed."""
    n = math.prod(shape)
    i = torch.arange(n, dtype=torch.float64)
    return (0.9 * torch.sin(0.37 * i + seed) + 0.1 * torch.cos(1.3 * i + 0.5 * seed)).reshape(shape)


def enc(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def make_layer(c):
    kw = dict(num_layers=c["numLayers"], bias=c["bias"], batch_first=c["batchFirst"], bidirectional=c["bidirectional"],
              dtype=torch.float64)
    if c["mode"] == "LSTM":
        return torch.nn.LSTM(c["inputSize"], c["hiddenSize"], proj_size=c.get("projSize", 0), **kw)
    if c["mode"] == "GRU":
        return torch.nn.GRU(c["inputSize"], c["hiddenSize"], **kw)
    return torch.nn.RNN(c["inputSize"], c["hiddenSize"], nonlinearity=c["nonlinearity"], **kw)


def run_case(name, c, L=5, N=3, hx=False, unbatched=False, lengths=None):
    layer = make_layer(c)
    with torch.no_grad():
        for k, (pname, p) in enumerate(layer.named_parameters()):
            p.copy_(0.5 * det(p.shape, 1.0 + k))
    D = 2 if c["bidirectional"] else 1
    H = c["hiddenSize"]
    Hout = c.get("projSize", 0) or H
    S = D * c["numLayers"]
    if unbatched:
        x_shape = [L, c["inputSize"]]
        h_shape, c_shape = [S, Hout], [S, H]
    else:
        x_shape = [N, L, c["inputSize"]] if c["batchFirst"] else [L, N, c["inputSize"]]
        h_shape, c_shape = [S, N, Hout], [S, N, H]
    x = det(x_shape, 0.25).requires_grad_(True)
    h0 = (0.7 * det(h_shape, 2.5)).requires_grad_(True) if hx else None
    c0 = (0.7 * det(c_shape, 3.5)).requires_grad_(True) if hx and c["mode"] == "LSTM" else None
    state = (h0, c0) if c["mode"] == "LSTM" and hx else h0

    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=c["batchFirst"], enforce_sorted=False)
        out_p, hn = layer(packed, state)
        out, _ = pad_packed_sequence(out_p, batch_first=c["batchFirst"], total_length=L)
    else:
        out, hn = layer(x, state)
    h_n, c_n = hn if c["mode"] == "LSTM" else (hn, None)

    u_out = det(list(out.shape), 4.0)
    u_h = det(list(h_n.shape), 5.0)
    loss = (out * u_out).sum() + (h_n * u_h).sum()
    u_c = None
    if c_n is not None:
        u_c = det(list(c_n.shape), 6.0)
        loss = loss + (c_n * u_c).sum()
    loss.backward()

    case = {
        "name": name,
        "config": c,
        "lengths": lengths,
        "input": enc(x),
        "h0": enc(h0) if h0 is not None else None,
        "c0": enc(c0) if c0 is not None else None,
        "stateDict": {k: enc(v) for k, v in layer.state_dict().items()},
        # JSON objects are written with sorted keys, so PyTorch's parameter order is kept as a list.
        "paramOrder": [k for k, _ in layer.named_parameters()],
        "upstream": {"output": enc(u_out), "hN": enc(u_h), "cN": enc(u_c) if u_c is not None else None},
        "expected": {"output": enc(out), "hN": enc(h_n), "cN": enc(c_n) if c_n is not None else None},
        "grads": {
            "input": enc(x.grad),
            "h0": enc(h0.grad) if h0 is not None else None,
            "c0": enc(c0.grad) if c0 is not None else None,
            "params": {k: enc(p.grad) for k, p in layer.named_parameters()},
        },
    }
    return case


def cfg(mode, layers=1, bi=False, bf=False, bias=True, proj=0, nl="tanh", E=5, H=4):
    c = {"mode": mode, "inputSize": E, "hiddenSize": H, "numLayers": layers, "bias": bias, "batchFirst": bf,
         "bidirectional": bi}
    if mode == "RNN":
        c["nonlinearity"] = nl
    if proj:
        c["projSize"] = proj
    return c


# Lengths in random (unsorted) order, including a length-1 row and a full-length (L=5) row.
LENS = [3, 5, 1]


def cases_for(mode, extra=None):
    m = mode
    kw = extra or {}
    return [
        (f"{m.lower()}_1l_uni", cfg(m, **kw), {}),
        (f"{m.lower()}_1l_uni_hx", cfg(m, **kw), {"hx": True}),
        (f"{m.lower()}_1l_bi_batchfirst", cfg(m, bi=True, bf=True, **kw), {}),
        (f"{m.lower()}_2l_bi_hx", cfg(m, layers=2, bi=True, **kw), {"hx": True}),
        (f"{m.lower()}_3l_uni_nobias", cfg(m, layers=3, bias=False, **kw), {}),
        (f"{m.lower()}_2l_uni_batchfirst_lengths", cfg(m, layers=2, bf=True, **kw), {"lengths": LENS}),
        (f"{m.lower()}_2l_bi_lengths_hx", cfg(m, layers=2, bi=True, **kw), {"lengths": LENS, "hx": True}),
        (f"{m.lower()}_1l_bi_unbatched_hx", cfg(m, bi=True, **kw), {"unbatched": True, "hx": True}),
    ]


def packed_cases():
    """pad_sequence, pack_padded_sequence (sorted and unsorted), an LSTM on a PackedSequence, pad_packed_sequence."""
    seqs = [det([3, 2], 0.5).requires_grad_(True), det([5, 2], 1.5).requires_grad_(True), det([1, 2], 2.5).requires_grad_(True)]
    padded = pad_sequence(seqs, batch_first=True, padding_value=-1.0)
    u_pad = det(list(padded.shape), 7.0)
    (padded * u_pad).sum().backward()
    pad_case = {"name": "pad_sequence_batch_first", "sequences": [enc(t) for t in seqs], "paddingValue": -1.0,
                "expected": enc(padded), "upstream": enc(u_pad), "grads": [enc(t.grad) for t in seqs]}

    x = det([5, 3, 2], 0.75).requires_grad_(True)
    lengths = [3, 5, 1]
    packed = pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
    lstm = torch.nn.LSTM(2, 3, dtype=torch.float64)
    with torch.no_grad():
        for k, (_, p) in enumerate(lstm.named_parameters()):
            p.copy_(0.5 * det(p.shape, 1.0 + k))
    out_p, (h_n, c_n) = lstm(packed)
    unpacked, out_lengths = pad_packed_sequence(out_p, total_length=6)
    u_data = det(list(out_p.data.shape), 8.0)
    ((out_p.data * u_data).sum() + h_n.sum()).backward()
    lstm_case = {
        "name": "lstm_on_packed", "input": enc(x), "lengths": lengths, "stateDict": {k: enc(v) for k, v in lstm.state_dict().items()},
        "packedInputData": enc(packed.data), "batchSizes": packed.batch_sizes.tolist(),
        "sortedIndices": packed.sorted_indices.tolist(), "unsortedIndices": packed.unsorted_indices.tolist(),
        "packedOutputData": enc(out_p.data), "hN": enc(h_n), "cN": enc(c_n), "padded6": enc(unpacked),
        "outLengths": out_lengths.tolist(), "upstreamData": enc(u_data), "inputGrad": enc(x.grad),
    }
    return [pad_case, lstm_case]


FILES = {
    "rnn_tanh": lambda: cases_for("RNN", {"nl": "tanh"}),
    "rnn_relu": lambda: cases_for("RNN", {"nl": "relu"}),
    "rnn_lstm": lambda: cases_for("LSTM"),
    "rnn_lstm_proj": lambda: cases_for("LSTM", {"proj": 3}),
    "rnn_gru": lambda: cases_for("GRU"),
}
CUSTOM = {"rnn_packed": packed_cases}


def main(names):
    if not torch.__version__.startswith(EXPECTED_TORCH):
        sys.exit(f"gen_rnn_fixtures.py: needs torch {EXPECTED_TORCH}.x (Debian python3-torch), found {torch.__version__}")
    os.makedirs(OUT_DIR, exist_ok=True)
    for fname in names or sorted([*FILES, *CUSTOM]):
        cases = CUSTOM[fname]() if fname in CUSTOM else [run_case(n, c, **kw) for n, c, kw in FILES[fname]()]
        doc = {"generator": "scripts/reference/gen_rnn_fixtures.py", "torch": torch.__version__, "dtype": "float64",
               "cases": cases}
        path = os.path.join(OUT_DIR, f"{fname}.json")
        with open(path, "w") as f:
            json.dump(doc, f, sort_keys=True, separators=(",", ":"))
            f.write("\n")
        print(f"wrote {path} ({len(cases)} cases)")


if __name__ == "__main__":
    main(sys.argv[1:])
