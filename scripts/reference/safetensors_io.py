"""Read and write safetensors files with plain Python (struct + json), for machines without the `safetensors`
package (Debian's /usr/bin/python3 has torch 1.13 but not safetensors). When the package is importable it is used.

Format: 8-byte little-endian header length, a JSON header {"__metadata__": {...}, name: {"dtype", "shape",
"data_offsets": [begin, end]}} padded with spaces to a multiple of 8 bytes, then the tensors' bytes (row-major,
little-endian). Tensors are laid out in name order here; any order is valid for readers.
"""
import json
import struct

import torch

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int32: "I32", torch.int64: "I64"}
TORCH = {v: k for k, v in DTYPES.items()}

try:  # pragma: no cover - optional
    from safetensors.torch import load_file as _st_load, save_file as _st_save
except ImportError:
    _st_load = _st_save = None


def save_file(tensors, path, metadata=None):
    """Writes name → tensor (float32/float64/int32/int64) to `path`."""
    tensors = {k: v.detach().contiguous().cpu() for k, v in tensors.items()}
    if _st_save is not None:
        _st_save(tensors, path, metadata=metadata)
        return
    header = {"__metadata__": dict(metadata or {"format": "pt"})}
    chunks, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name]
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def load_file(path):
    """Reads a safetensors file into name → tensor (F32, F64, I32, I64)."""
    if _st_load is not None:
        return _st_load(path)
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    body = raw[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        begin, end = e["data_offsets"]
        dtype = TORCH[e["dtype"]]
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(e["shape"]).clone()
    return out
