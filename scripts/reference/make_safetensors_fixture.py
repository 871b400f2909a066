#!/usr/bin/python3
"""Reference safetensors files for @recurrent's reader and writer, and a checker for files it writes.

Run with Debian's interpreter (torch 1.13, numpy):

    /usr/bin/python3 scripts/reference/make_safetensors_fixture.py
        writes test/fixtures/safetensors/{reference,dtypes}.safetensors and expected.json
    /usr/bin/python3 scripts/reference/make_safetensors_fixture.py check FILE.safetensors FILE.json
        reads a file written by @recurrent (scripts/reference/write_safetensors_sample.ts) and compares
        every tensor bit for bit with the JSON written next to it

The bytes are produced here with struct + json following the format spec
(https://huggingface.co/docs/safetensors/index) and the reference writer's rules
(safetensors/src/tensor.rs, `prepare`): tensors sorted by descending dtype (the order of the Rust
`Dtype` enum) then by name in UTF-8 byte order, offsets assigned in that order, header written as
compact JSON with `__metadata__` first and each entry as {dtype, shape, data_offsets}, then padded
with spaces to a multiple of 8 bytes. Every tensor is checked by decoding the bytes back with
torch/numpy. When the `safetensors` package is importable (it is optional; e.g. PYTHONPATH=DIR after
`pip install --target DIR safetensors`) the script also checks
that `safetensors.torch.save` produces the same bytes and that `safetensors.deserialize` reads the
files back to the same dtype, shape and bytes.
"""
import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "safetensors"

# Ascending order of the Rust `Dtype` enum (safetensors 0.8); the writer sorts by it, descending.
DTYPE_ORDER = [
    "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ",
    "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64",
]
TORCH = {
    "F32": torch.float32, "F64": torch.float64, "I32": torch.int32, "F16": torch.float16,
    "BF16": torch.bfloat16, "BOOL": torch.bool, "U8": torch.uint8, "I8": torch.int8,
    "I16": torch.int16, "I64": torch.int64,
}
NUMPY = {"U16": np.uint16, "U32": np.uint32, "U64": np.uint64}  # no such dtypes in torch 1.13
ITEM = {"F32": 4, "F64": 8, "I32": 4, "F16": 2, "BF16": 2, "BOOL": 1, "U8": 1, "I8": 1, "I16": 2,
        "I64": 8, "U16": 2, "U32": 4, "U64": 8}


def raw_bytes(t):
    """Little-endian, row-major bytes of a torch tensor or numpy array."""
    if isinstance(t, np.ndarray):
        return np.ascontiguousarray(t).astype(t.dtype.newbyteorder("<")).tobytes()
    assert sys.byteorder == "little"
    return t.contiguous().numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes()


def serialize(entries, metadata=None):
    """entries: {name: (dtype, shape, bytes)} -> the bytes the reference writer produces."""
    order = sorted(entries, key=lambda n: (-DTYPE_ORDER.index(entries[n][0]), n.encode("utf-8")))
    header, offset = {}, 0
    if metadata is not None:
        # The reference writer emits metadata in Rust HashMap order, which varies from run to run
        # when there are two keys or more; sorting is the deterministic choice @recurrent makes too.
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata, key=lambda k: k.encode("utf-8"))}
    for name in order:
        dtype, shape, data = entries[name]
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(entries[n][2] for n in order)


def read(buf):
    """Minimal reader: (metadata, {name: (dtype, shape, bytes)}), with the spec's layout checks."""
    (n,) = struct.unpack("<Q", buf[:8])
    assert buf[8:9] == b"{", "header must start with '{'"
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None)
    data = buf[8 + n:]
    out, end = {}, 0
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        b, f = e["data_offsets"]
        assert b == end and f - b == math.prod(e["shape"]) * ITEM[e["dtype"]], name
        out[name] = (e["dtype"], e["shape"], data[b:f])
        end = f
    assert end == len(data), "data not fully covered"
    return metadata, out


def decode(dtype, shape, data):
    """A torch tensor (or numpy array for U16/U32/U64) decoded from raw bytes."""
    if dtype in NUMPY:
        return np.frombuffer(data, dtype=np.dtype(NUMPY[dtype]).newbyteorder("<")).reshape(shape)
    if not data:
        return torch.empty(shape, dtype=TORCH[dtype])
    return torch.frombuffer(bytearray(data), dtype=TORCH[dtype]).reshape(shape)


def same_bits(a, b):
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    return a.dtype == b.dtype and a.shape == b.shape and raw_bytes(a) == raw_bytes(b)


def as_json(x):
    """Exact JSON form of one element: non-finite floats and -0 as strings, others as numbers."""
    x = float(x) if isinstance(x, float) else int(x)
    if isinstance(x, float):
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
        if x == 0 and math.copysign(1, x) < 0:
            return "-0"
    return x


def values(t):
    """Row-major elements of t as loaded by @recurrent: floats widened to float32, ints to int32."""
    if isinstance(t, np.ndarray):
        return [as_json(int(v)) for v in t.reshape(-1)]
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.float()
    if t.dtype == torch.bool:
        t = t.int()
    return [as_json(v) for v in t.reshape(-1).tolist()]


def reference_tensors():
    """float32/float64/int32 tensors with known values: RNG-free, with 0-d, empty and special values."""
    return {
        "rnn.weight_ih_l0": torch.arange(6, dtype=torch.float32).cos().reshape(3, 2),
        "rnn.bias_ih_l0": torch.tensor([0.5, -0.25, 0.125], dtype=torch.float32),
        "scale": torch.tensor(0.1, dtype=torch.float32),
        "special": torch.tensor([-0.0, math.inf, -math.inf, math.nan, 2.0 ** -149, 3.4028234663852886e38],
                                dtype=torch.float32),
        "empty": torch.zeros(0, 3, dtype=torch.float32),
        "double": torch.arange(4, dtype=torch.float64).sin().reshape(2, 2),
        "double_scalar": torch.tensor(math.pi, dtype=torch.float64),
        "labels": torch.tensor([-2147483648, -1, 0, 2147483647], dtype=torch.int32),
        "ids": torch.arange(6, dtype=torch.int32).reshape(2, 3),
        "empty_ids": torch.zeros(0, dtype=torch.int32),
    }


def dtype_tensors():
    """One tensor of each dtype @recurrent widens or narrows on load, with edge values."""
    return {
        "f16": torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 2.0 ** -14, 2.0 ** -24, 0.1, math.inf,
                             -math.inf, math.nan], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -0.0, 3.140625, 3.3895313892515355e38, 2.0 ** -133, -math.inf,
                              math.nan], dtype=torch.bfloat16),
        "mask": torch.tensor([[True, False], [False, True]]),
        "u8": torch.tensor([0, 255, 7], dtype=torch.uint8),
        "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "i16": torch.tensor([-32768, 32767, 1], dtype=torch.int16),
        "u16": np.array([0, 65535, 300], dtype=np.uint16),
        "u32": np.array([0, 2147483647], dtype=np.uint32),
        "i64": torch.tensor([[-2147483648, 2147483647], [0, 42]], dtype=torch.int64),
        "u64": np.array([0, 2147483647], dtype=np.uint64),
        "i64_scalar": torch.tensor(-7, dtype=torch.int64),
    }


def dtype_name(t):
    if isinstance(t, np.ndarray):
        return {np.dtype(v): k for k, v in NUMPY.items()}[t.dtype]
    return {v: k for k, v in TORCH.items()}[t.dtype]


def write_and_check(path, tensors, metadata):
    entries = {n: (dtype_name(t), tuple(t.shape), raw_bytes(t)) for n, t in tensors.items()}
    buf = serialize(entries, metadata)
    meta, back = read(buf)
    assert meta == metadata
    for name, t in tensors.items():
        assert same_bits(decode(*back[name]), t), f"{name} does not decode to what was written"
    check_with_library(buf, tensors, metadata)
    path.write_bytes(buf)
    return {n: {"dtype": entries[n][0], "shape": list(entries[n][1]), "values": values(t)} for n, t in tensors.items()}


def check_with_library(buf, tensors, metadata):
    try:
        import safetensors
        from safetensors.torch import save
    except ImportError:
        print("safetensors is not installed: skipped the cross-check with the reference library")
        return
    if all(isinstance(t, torch.Tensor) for t in tensors.values()):
        assert save(tensors, metadata=metadata) == buf, "safetensors.torch.save wrote different bytes"
    for name, spec in safetensors.deserialize(buf):
        assert spec["dtype"] == dtype_name(tensors[name]) and list(spec["shape"]) == list(tensors[name].shape)
        assert bytes(spec["data"]) == raw_bytes(tensors[name]), name
    print(f"checked against safetensors {safetensors.__version__}")


def check(path, expected_path):
    """Compares a file written by @recurrent with its JSON description; exits non-zero on mismatch."""
    buf = Path(path).read_bytes()
    expected = json.loads(Path(expected_path).read_text())
    meta, back = read(buf)
    assert (meta or {}) == expected["metadata"], (meta, expected["metadata"])
    assert set(back) == set(expected["tensors"]), sorted(set(back) ^ set(expected["tensors"]))
    for name, e in expected["tensors"].items():
        dtype, shape, data = back[name]
        assert dtype == e["dtype"] and list(shape) == e["shape"], (name, dtype, shape)
        assert data.hex() == e["hex"], f"{name}: bytes differ"
        t = decode(dtype, shape, data)
        ref = torch.tensor([float(v) if dtype != "I32" else int(v) for v in e["values"]], dtype=TORCH[dtype])
        got = t.reshape(-1)
        if dtype == "I32":
            assert torch.equal(got, ref), f"{name}: values differ"
        else:  # equal including the sign of zero, NaN matching NaN
            same = (got == ref) & (torch.copysign(torch.ones_like(got), got) == torch.copysign(torch.ones_like(ref), ref))
            assert bool((same | (got.isnan() & ref.isnan())).all()), f"{name}: values differ"
    assert serialize(back, meta) == buf, "not byte-identical to the reference writer's layout"
    try:
        import safetensors
        from safetensors.torch import load, save
        loaded = load(buf)
        for name, (dtype, shape, data) in back.items():
            assert same_bits(loaded[name], decode(dtype, shape, data)), name
        print(f"safetensors {safetensors.__version__} loads it: {len(loaded)} tensors equal")
        theirs = save(loaded, metadata=meta)
        if meta is None or len(meta) <= 1:
            assert theirs == buf, "safetensors.torch.save writes different bytes"
        else:  # its metadata order is hash-map order; the tensor entries and data must still match
            split = lambda b: (b[:8 + struct.unpack("<Q", b[:8])[0]], b[8 + struct.unpack("<Q", b[:8])[0]:])
            (h1, d1), (h2, d2) = split(theirs), split(buf)
            j1, j2 = json.loads(h1[8:]), json.loads(h2[8:])
            assert d1 == d2 and list(j1.items())[1:] == list(j2.items())[1:] and j1["__metadata__"] == j2["__metadata__"]
        print("safetensors.torch.save of the same tensors writes the same layout and data")
    except ImportError:
        print("safetensors is not installed: checked with the struct/json reader and torch only")
    print(f"OK: {len(back)} tensors, metadata {meta}")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
        return
    print(f"torch {torch.__version__}, numpy {np.__version__}")
    OUT.mkdir(parents=True, exist_ok=True)
    expected = {
        "generator": "scripts/reference/make_safetensors_fixture.py",
        "torch": torch.__version__,
        "reference": {
            "metadata": {"format": "pt"},
            "tensors": write_and_check(OUT / "reference.safetensors", reference_tensors(), {"format": "pt"}),
        },
        "dtypes": {
            "metadata": None,
            "tensors": write_and_check(OUT / "dtypes.safetensors", dtype_tensors(), None),
        },
    }
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
