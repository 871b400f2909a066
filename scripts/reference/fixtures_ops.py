"""Fixtures for tensor ops: unary, binary, reduce, matmul, softmax, where, cast/dropout, shape.

Each function returns the list of cases of one fixture file. ``args`` use the TypeScript option names
(camelCase); ``inputs`` hold the tensors by the parameter names of the TypeScript op.
"""

import torch
import torch.nn.functional as F

from fixtures_common import det, index_tensor, op_case, pos


def unary():
    cases = []
    fns = {
        "neg": torch.neg, "exp": torch.exp, "log": torch.log, "tanh": torch.tanh,
        "sigmoid": torch.sigmoid, "relu": torch.relu, "abs": torch.abs, "sqrt": torch.sqrt,
    }
    for k, (op, f) in enumerate(fns.items()):
        make = pos if op in ("log", "sqrt") else det
        cases.append(op_case(f"{op}_3x4", op, lambda x, f=f: f(x), {"x": make([3, 4], k)}))
        cases.append(op_case(f"{op}_2x3x5", op, lambda x, f=f: f(x), {"x": make([2, 3, 5], k + 10)}))
    # Edge values where the derivative is a convention (relu'(0) = 0, abs'(0) = sgn(0) = 0) or overflows.
    x0 = torch.tensor([[0.0, -0.0, 1.5, -2.0], [0.0, 3.0, -0.5, 0.0]], dtype=torch.float64)
    cases.append(op_case("relu_at_zero", "relu", torch.relu, {"x": x0},
                         note="relu'(0) = 0 in PyTorch (threshold_backward passes the gradient only where out > 0)"))
    cases.append(op_case("abs_at_zero", "abs", torch.abs, {"x": x0}, note="abs'(0) = sgn(0) = 0"))
    big = torch.tensor([-1000.0, -40.0, -1e-300, 0.0, 1e-300, 40.0, 710.0, 1000.0], dtype=torch.float64)
    cases.append(op_case("sigmoid_extremes", "sigmoid", torch.sigmoid, {"x": big}))
    cases.append(op_case("tanh_extremes", "tanh", torch.tanh, {"x": big}))
    cases.append(op_case("exp_overflow", "exp", torch.exp, {"x": big},
                         note="exp(710) and exp(1000) overflow to Infinity; so do their gradients"))
    special = torch.tensor([0.0, -1.0, 0.25, 4.0], dtype=torch.float64)
    cases.append(op_case("log_nonfinite", "log", torch.log, {"x": special},
                         note="log(0) = -Infinity with gradient dout/0 = ±Infinity; log(-1) = NaN with gradient dout/x"))
    cases.append(op_case("sqrt_nonfinite", "sqrt", torch.sqrt, {"x": special},
                         note="sqrt(0) = 0 with gradient dout/(2*0) = ±Infinity; sqrt(-1) = NaN"))
    return cases


def binary():
    cases = []
    shapes = [
        ("same", [3, 4], [3, 4]),
        ("bcast_row", [3, 4], [4]),
        ("bcast_both", [2, 1, 4], [3, 1]),
        ("bcast_left_rank", [5], [2, 3, 5]),
        ("scalar_tensor", [2, 3], []),
    ]
    fns = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
    for k, (op, f) in enumerate(fns.items()):
        for tag, sa, sb in shapes:
            b = pos(sb, 2 * k + 1) if op == "div" else det(sb, 2 * k + 1)
            cases.append(op_case(f"{op}_{tag}", op, lambda a, b, f=f: f(a, b), {"a": det(sa, 2 * k), "b": b}))
    for op, f in (("add", torch.add), ("sub", torch.sub)):
        cases.append(op_case(f"{op}_alpha", op, lambda a, b, f=f: f(a, b, alpha=-2.5),
                             {"a": det([3, 4], 20), "b": det([4], 21)}, args={"alpha": -2.5}))
    # A JavaScript number on one side (PyTorch: a Python scalar).
    cases.append(op_case("add_number", "add", lambda a: a + 2.5, {"a": det([3, 4], 22)}, args={"b": 2.5}))
    cases.append(op_case("sub_number_left", "sub", lambda b: 2.5 - b, {"b": det([3, 4], 23)}, args={"a": 2.5}))
    cases.append(op_case("mul_number", "mul", lambda a: a * -1.75, {"a": det([3, 4], 24)}, args={"b": -1.75}))
    cases.append(op_case("div_number_left", "div", lambda b: 3.0 / b, {"b": pos([3, 4], 25)}, args={"a": 3.0}))
    for tag, sa, sb in shapes:
        cases.append(op_case(f"pow_{tag}", "pow", lambda a, b: torch.pow(a, b),
                             {"a": pos(sa, 30), "b": det(sb, 31)}))
    for e in (2.0, 0.5, -1.5, 3.0):
        cases.append(op_case(f"pow_number_exponent_{e}", "pow", lambda a, e=e: torch.pow(a, e),
                             {"a": pos([3, 4], 32)}, args={"b": e}))
    cases.append(op_case("pow_number_base", "pow", lambda b: torch.pow(2.0, b), {"b": det([3, 4], 33)},
                         args={"a": 2.0}))
    return cases


def reduce():
    cases = []
    x = det([3, 4, 5], 0)
    for op, f in (("sum", torch.sum), ("mean", torch.mean)):
        cases.append(op_case(f"{op}_all", op, lambda x, f=f: f(x), {"x": x}))
        for dim in (0, 1, 2, -1):
            for keepdim in (False, True):
                cases.append(op_case(f"{op}_dim{dim}_keepdim{int(keepdim)}", op,
                                     lambda x, f=f, dim=dim, keepdim=keepdim: f(x, dim, keepdim=keepdim),
                                     {"x": x}, args={"dim": dim, "keepdim": keepdim}))
        for dims in ([0, 2], [-1, -2]):
            for keepdim in (False, True):
                tag = "_".join(str(d) for d in dims).replace("-", "m")
                cases.append(op_case(f"{op}_dims{tag}_keepdim{int(keepdim)}", op,
                                     lambda x, f=f, dims=dims, keepdim=keepdim: f(x, dims, keepdim=keepdim),
                                     {"x": x}, args={"dim": dims, "keepdim": keepdim}))
    # max without dim: the single largest element (distinct values, so the gradient goes to one place).
    cases.append(op_case("max_all", "max", torch.max, {"x": x}))
    for dim in (0, 1, -1):
        for keepdim in (False, True):
            cases.append(op_case(f"max_dim{dim}_keepdim{int(keepdim)}", "max",
                                 lambda x, dim=dim, keepdim=keepdim: torch.max(x, dim, keepdim=keepdim),
                                 {"x": x}, args={"dim": dim, "keepdim": keepdim}, outputs=("values", "indices")))
    return cases


def matmul():
    cases = []
    pairs = [
        ("1d_1d", [4], [4]),
        ("2d_1d", [3, 4], [4]),
        ("1d_2d", [3], [3, 5]),
        ("2d_2d", [2, 3], [3, 4]),
        ("3d_2d", [5, 2, 3], [3, 4]),
        ("2d_3d", [2, 3], [4, 3, 5]),
        ("1d_3d", [3], [2, 3, 4]),
        ("3d_1d", [2, 3, 4], [4]),
        ("4d_3d_bcast", [2, 1, 3, 4], [3, 4, 5]),
    ]
    for k, (tag, sa, sb) in enumerate(pairs):
        cases.append(op_case(f"matmul_{tag}", "matmul", lambda a, b: torch.matmul(a, b), {"a": det(sa, 2 * k), "b": det(sb, 2 * k + 1)}))
    cases.append(op_case("mm_2x3_3x4", "mm", lambda a, b: torch.mm(a, b), {"a": det([2, 3], 40), "b": det([3, 4], 41)}))
    cases.append(op_case("bmm_2x3x4_2x4x5", "bmm", lambda a, b: torch.bmm(a, b), {"a": det([2, 3, 4], 42), "b": det([2, 4, 5], 43)}))
    return cases


def softmax():
    cases = []
    for op, f in (("softmax", F.softmax), ("logSoftmax", F.log_softmax)):
        for tag, shape, dim in (("3x5_dim1", [3, 5], 1), ("3x5_dim0", [3, 5], 0), ("3x5_dimm1", [3, 5], -1),
                                ("2x3x4_dim1", [2, 3, 4], 1), ("2x3x4_dim2", [2, 3, 4], 2), ("5_dim0", [5], 0)):
            cases.append(op_case(f"{op}_{tag}", op, lambda x, f=f, dim=dim: f(x, dim=dim),
                                 {"x": det(shape, 3)}, args={"dim": dim}))
        # Stability: logits far from 0 (a naive exp overflows or underflows to 0).
        big = torch.tensor([[1000.0, 1001.0, 999.5, 990.0], [-1000.0, -1003.0, -999.0, -1000.5]], dtype=torch.float64)
        cases.append(op_case(f"{op}_large", op, lambda x, f=f: f(x, dim=1), {"x": big}, args={"dim": 1}))
    return cases


def _where(condition, x, y):
    return torch.where(condition, x, y)


def where():
    cases = []
    cond = torch.tensor([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]], dtype=torch.bool)
    cases.append(op_case("where_same", "where", _where, {"condition": cond, "x": det([3, 4], 0), "y": det([3, 4], 1)}))
    cases.append(op_case("where_bcast", "where", _where,
                         {"condition": cond, "x": det([4], 2), "y": det([2, 1, 1], 3)},
                         note="condition [3,4], x [4], y [2,1,1] -> [2,3,4]; gradients reduce back to each shape"))
    cases.append(op_case("where_cond_bcast", "where", _where,
                         {"condition": torch.tensor([True, False, True, False, False]), "x": det([3, 5], 4),
                          "y": det([3, 5], 5)}))
    mask = torch.tensor([[0, 1, 0, 0, 1], [1, 0, 0, 1, 0], [0, 0, 1, 0, 0]], dtype=torch.bool)
    for tag, value in (("neg1e9", -1e9), ("neginf", float("-inf")), ("zero", 0.0), ("2_5", 2.5)):
        cases.append(op_case(f"maskedFill_{tag}", "maskedFill", lambda x, mask, v=value: x.masked_fill(mask, v),
                             {"x": det([3, 5], 6), "mask": mask}, args={"value": value}))
    cases.append(op_case("maskedFill_bcast", "maskedFill", lambda x, mask: x.masked_fill(mask, -3.0),
                         {"x": det([2, 3, 5], 7), "mask": mask[0]}, args={"value": -3.0}))
    return cases


def cast():
    cases = []
    x = det([3, 4], 0) * 1.0000001
    cases.append(op_case("toDtype_float32", "toDtype", lambda x: x.to(torch.float32), {"x": x},
                         args={"dtype": "float32"},
                         note="rounds to nearest float32; the gradient (float32 upstream) comes back as float64"))
    cases.append(op_case("toDtype_float64_noop", "toDtype", lambda x: x.to(torch.float64), {"x": x},
                         args={"dtype": "float64"}))
    cases.append(op_case("toDtype_float32_to_float64", "toDtype", lambda x: x.to(torch.float64),
                         {"x": x.to(torch.float32)}, args={"dtype": "float64"}))
    cases.append(op_case("clone", "clone", torch.clone, {"x": det([2, 3, 4], 1)}))
    x = det([3, 4], 2)
    cases.append(op_case("dropout_eval", "dropout", lambda x: F.dropout(x, p=0.5, training=False), {"x": x},
                         args={"p": 0.5, "training": False}, note="identity outside training"))
    cases.append(op_case("dropout_p0", "dropout", lambda x: F.dropout(x, p=0.0, training=True), {"x": x},
                         args={"p": 0.0, "training": True}, note="p = 0 keeps everything, scale 1/(1-0) = 1"))
    cases.append(op_case("dropout_p1", "dropout", lambda x: F.dropout(x, p=1.0, training=True), {"x": x},
                         args={"p": 1.0, "training": True}, note="p = 1 zeroes everything, gradient 0"))
    return cases


def _slice(x, dim, start, end, step):
    idx = [slice(None)] * x.dim()
    idx[dim] = slice(start, end, step)
    return x[tuple(idx)]


def shape():
    cases = []
    x234 = det([2, 3, 4], 0)

    def add(name, op, fn, inputs, args=None, outputs=("out",)):
        cases.append(op_case(name, op, fn, inputs, args, outputs))

    add("reshape_2x3x4_to_4x6", "reshape", lambda x: x.reshape(4, 6), {"x": x234}, {"shape": [4, 6]})
    add("reshape_infer", "reshape", lambda x: x.reshape(3, -1), {"x": x234}, {"shape": [3, -1]})
    add("reshape_to_scalar", "reshape", lambda x: x.reshape([]), {"x": det([1], 1)}, {"shape": []})
    add("view_2x3x4_to_6x4", "view", lambda x: x.view(6, 4), {"x": x234}, {"shape": [6, 4]})
    add("flatten_all", "flatten", torch.flatten, {"x": x234}, {})
    add("flatten_1", "flatten", lambda x: torch.flatten(x, 1), {"x": x234}, {"startDim": 1})
    add("flatten_0_1", "flatten", lambda x: torch.flatten(x, 0, 1), {"x": x234}, {"startDim": 0, "endDim": 1})
    add("transpose_0_2", "transpose", lambda x: x.transpose(0, 2), {"x": x234}, {"dim0": 0, "dim1": 2})
    add("transpose_m1_m2", "transpose", lambda x: x.transpose(-1, -2), {"x": x234}, {"dim0": -1, "dim1": -2})
    add("transpose_2d", "transpose", lambda x: x.transpose(0, 1), {"x": det([3, 5], 2)}, {"dim0": 0, "dim1": 1})
    add("permute_2_0_1", "permute", lambda x: x.permute(2, 0, 1), {"x": x234}, {"dims": [2, 0, 1]})
    add("permute_neg", "permute", lambda x: x.permute(-2, -1, -3), {"x": x234}, {"dims": [-2, -1, -3]})
    add("narrow_dim1", "narrow", lambda x: x.narrow(1, 1, 2), {"x": x234}, {"dim": 1, "start": 1, "length": 2})
    add("narrow_dimm1", "narrow", lambda x: x.narrow(-1, 0, 3), {"x": x234}, {"dim": -1, "start": 0, "length": 3})
    x57 = det([5, 7], 3)
    for tag, dim, start, end, step in (("1_1_6_2", 1, 1, 6, 2), ("0_m4_m1_1", 0, -4, -1, 1), ("1_2_100_3", 1, 2, 100, 3),
                                       ("0_0_5_1", 0, 0, 5, 1)):
        add(f"slice_{tag}", "slice", lambda x, d=dim, s=start, e=end, st=step: _slice(x, d, s, e, st), {"x": x57},
            {"dim": dim, "start": start, "end": end, "step": step})
    add("select_dim1_2", "select", lambda x: x.select(1, 2), {"x": x234}, {"dim": 1, "index": 2})
    add("select_dim0_m1", "select", lambda x: x.select(0, -1), {"x": x234}, {"dim": 0, "index": -1})
    x43 = det([4, 3], 4)
    add("indexSelect_dim0_repeats", "indexSelect", lambda x, index: torch.index_select(x, 0, index),
        {"x": x43, "index": index_tensor([2, 0, 2, 3, 2])}, {"dim": 0})
    add("indexSelect_dim1", "indexSelect", lambda x, index: torch.index_select(x, 1, index),
        {"x": x43, "index": index_tensor([1, 1, 0])}, {"dim": 1})
    add("gather_dim1", "gather", lambda x, index: torch.gather(x, 1, index),
        {"x": det([3, 4], 5), "index": index_tensor([3, 0, 1, 1, 2, 2], [3, 2])}, {"dim": 1})
    add("gather_dim0", "gather", lambda x, index: torch.gather(x, 0, index),
        {"x": det([3, 4], 6), "index": index_tensor([2, 0, 1, 2, 0, 0, 1, 2], [2, 4])}, {"dim": 0})
    add("cat_dim0", "cat", lambda tensors: torch.cat(tensors, 0),
        {"tensors": [det([2, 3], 7), det([4, 3], 8)]}, {"dim": 0})
    add("cat_dim1_three", "cat", lambda tensors: torch.cat(tensors, 1),
        {"tensors": [det([2, 3], 9), det([2, 1], 10), det([2, 2], 11)]}, {"dim": 1})
    add("cat_dimm1_3d", "cat", lambda tensors: torch.cat(tensors, -1),
        {"tensors": [det([2, 3, 1], 12), det([2, 3, 4], 13)]}, {"dim": -1})
    for dim in (0, 1, 2, -1):
        add(f"stack_dim{dim}", "stack", lambda tensors, d=dim: torch.stack(tensors, d),
            {"tensors": [det([2, 3], 14), det([2, 3], 15), det([2, 3], 16)]}, {"dim": dim})
    add("chunk_5x4_3_dim0", "chunk", lambda x: list(torch.chunk(x, 3, 0)), {"x": det([5, 4], 17)},
        {"chunks": 3, "dim": 0})
    add("chunk_3x6_4_dim1", "chunk", lambda x: list(torch.chunk(x, 4, 1)), {"x": det([3, 6], 18)},
        {"chunks": 4, "dim": 1})
    add("split_size3", "split", lambda x: list(torch.split(x, 3, 0)), {"x": det([7, 3], 19)},
        {"splitSizeOrSections": 3, "dim": 0})
    add("split_sections", "split", lambda x: list(torch.split(x, [2, 4, 1], 1)), {"x": det([3, 7], 20)},
        {"splitSizeOrSections": [2, 4, 1], "dim": 1})
    x2131 = det([2, 1, 3, 1], 21)
    add("squeeze_all", "squeeze", torch.squeeze, {"x": x2131}, {})
    add("squeeze_dim1", "squeeze", lambda x: x.squeeze(1), {"x": x2131}, {"dim": 1})
    add("squeeze_dimm1", "squeeze", lambda x: x.squeeze(-1), {"x": x2131}, {"dim": -1})
    add("squeeze_dim0_noop", "squeeze", lambda x: x.squeeze(0), {"x": x2131}, {"dim": 0})
    x23 = det([2, 3], 22)
    for dim in (0, 1, 2, -1, -3):
        add(f"unsqueeze_dim{dim}", "unsqueeze", lambda x, d=dim: x.unsqueeze(d), {"x": x23}, {"dim": dim})
    add("expand_3x1_to_2x3x4", "expand", lambda x: x.expand(2, 3, 4), {"x": det([3, 1], 23)}, {"shape": [2, 3, 4]})
    add("expand_keep_m1", "expand", lambda x: x.expand(-1, 5), {"x": det([3, 1], 24)}, {"shape": [-1, 5]})
    add("expand_scalar", "expand", lambda x: x.expand(2, 3), {"x": det([], 25)}, {"shape": [2, 3]})
    return cases
