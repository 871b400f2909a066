"""Shared pieces of the parity-fixture generator: RNG-free inputs, tensor encoding, and op cases.

Every number in a fixture is computed by PyTorch in float64 from deterministic, RNG-free inputs
(``arange`` passed through ``sin``/``cos`` with a distinct scale and phase per tensor, as candle's
``arange().cos()``), so regenerating is byte-identical and needs no seed.
"""

import math

import torch

DTYPE = torch.float64


# ---------------------------------------------------------------------------------------------------
# Deterministic values
# ---------------------------------------------------------------------------------------------------

def det(shape, k, amp=1.5, dtype=DTYPE):
    """O(1), non-symmetric values: amp * sin(i * (1 + 0.618 k) + 0.3 k + 0.1) for i = 0 .. numel-1.

    ``k`` picks the frequency and phase, so two tensors with different ``k`` never share values.
    """
    n = math.prod(shape)
    i = torch.arange(n, dtype=torch.float64)
    v = amp * torch.sin(i * (1.0 + 0.618 * k) + 0.3 * k + 0.1)
    return v.reshape(shape).to(dtype)


def pos(shape, k, dtype=DTYPE):
    """Strictly positive values in [e^-0.8, e^0.8] ~ [0.45, 2.23] (for log, sqrt, pow bases, divisors)."""
    return torch.exp(0.8 * det(shape, k, amp=1.0)).to(dtype)


def upstream(shape, k=0, dtype=DTYPE):
    """The fixed upstream gradient for an output: 0.9 cos(0.77 i + 0.2 + 0.5 k) + 0.05 (non-constant, signed)."""
    n = math.prod(shape)
    i = torch.arange(n, dtype=torch.float64)
    v = 0.9 * torch.cos(i * 0.77 + 0.2 + 0.5 * k) + 0.05
    return v.reshape(shape).to(dtype)


def index_tensor(values, shape=None):
    """An int64 index/target tensor from a flat list."""
    t = torch.tensor(values, dtype=torch.int64)
    return t if shape is None else t.reshape(shape)


# ---------------------------------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------------------------------

def num(x):
    """A JSON-safe float: non-finite values become the strings "NaN", "Infinity", "-Infinity"."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def plain(v):
    """Non-tensor arguments with non-finite floats encoded as strings (lists and dicts recursively)."""
    if isinstance(v, float):
        return num(v)
    if isinstance(v, (list, tuple)):
        return [plain(e) for e in v]
    if isinstance(v, dict):
        return {k: plain(e) for k, e in v.items()}
    return v


def enc(t):
    """{shape, data} for a float tensor (any float dtype; float32 values are stored exactly as float64),
    {shape, data, dtype: "int64"|"bool"} for integer and boolean tensors. Data is flat, row-major."""
    t = t.detach()
    shape = list(t.shape)
    flat = t.reshape(-1)
    if t.dtype == torch.bool:
        return {"shape": shape, "dtype": "bool", "data": [int(v) for v in flat.tolist()]}
    if not t.dtype.is_floating_point:
        return {"shape": shape, "dtype": "int64", "data": [int(v) for v in flat.tolist()]}
    out = {"shape": shape, "data": [num(v) for v in flat.to(torch.float64).tolist()]}
    if t.dtype != torch.float64:
        out["dtype"] = str(t.dtype).replace("torch.", "")
    return out


def enc_any(v):
    """Encodes a tensor, or a list/dict of tensors, keeping the structure."""
    if isinstance(v, torch.Tensor):
        return enc(v)
    if isinstance(v, (list, tuple)):
        return [enc_any(e) for e in v]
    if isinstance(v, dict):
        return {k: enc_any(e) for k, e in v.items()}
    raise TypeError(f"cannot encode {type(v)}")


# ---------------------------------------------------------------------------------------------------
# Op cases: inputs -> outputs -> gradients of every float input for a fixed upstream gradient
# ---------------------------------------------------------------------------------------------------

def _leaves(v):
    """A copy of the input structure with float tensors turned into fresh leaves that require grad."""
    if isinstance(v, torch.Tensor):
        if v.dtype.is_floating_point:
            return v.detach().clone().requires_grad_(True)
        return v.detach().clone()
    if isinstance(v, (list, tuple)):
        return [_leaves(e) for e in v]
    raise TypeError(f"unsupported input {type(v)}")


def _flat(v):
    if isinstance(v, torch.Tensor):
        return [v]
    return [t for e in v for t in _flat(e)]


def _grads(v):
    """Gradient structure matching the input structure (zeros where the input did not reach the output)."""
    if isinstance(v, torch.Tensor):
        return v.grad if v.grad is not None else torch.zeros_like(v)
    return [_grads(e) for e in v]


def op_case(name, op, fn, inputs, args=None, outputs=("out",), note=None, constants=("weight",)):
    """Runs ``fn(*inputs)`` on fresh leaves (positionally, in the order ``inputs`` lists them); seeds each
    differentiable output with ``upstream(shape, k)`` (k = output position, plus the position within a list
    of outputs); records inputs, outputs, upstream and the gradient of every float input.

    ``outputs`` names the outputs when ``fn`` returns a tuple (e.g. ("values", "indices")); a list returned
    for a single name (chunk, split) is kept as a list. Inputs named in ``constants`` (the class weights of
    the losses, which PyTorch does not differentiate) get no gradient.
    """
    leaves = {k: (v.detach().clone() if k in constants else _leaves(v)) for k, v in inputs.items()}
    result = fn(*leaves.values())  # positional, in the order the inputs are listed
    results = result if len(outputs) > 1 else (result,)
    seeds = {}
    total = None
    for pos_k, (oname, o) in enumerate(zip(outputs, results)):
        outs = list(o) if isinstance(o, (list, tuple)) else [o]
        us = []
        for j, t in enumerate(outs):
            if not t.dtype.is_floating_point or not t.requires_grad:
                us = None
                break
            u = upstream(list(t.shape), pos_k + j, dtype=t.dtype)
            us.append(u)
            term = (t * u).sum()
            total = term if total is None else total + term
        if us is not None:
            seeds[oname] = us if isinstance(o, (list, tuple)) else us[0]
    if total is not None:
        total.backward()
    float_inputs = {k: v for k, v in leaves.items()
                    if k not in constants and any(t.dtype.is_floating_point for t in _flat(v))}
    case = {
        "name": name,
        "op": op,
        "args": plain(args or {}),
        "inputs": {k: enc_any(v) for k, v in inputs.items()},
        "outputs": {oname: enc_any(o) for oname, o in zip(outputs, results)},
        "upstream": {k: enc_any(v) for k, v in seeds.items()},
        "grads": {k: enc_any(_grads(v)) for k, v in float_inputs.items()},
    }
    if note:
        case["note"] = note
    return case


def check_unique(cases):
    names = [c["name"] for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"duplicate case names: {dup}")
    return cases
