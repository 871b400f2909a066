"""Fixtures for nn: Linear, Embedding, nll_loss/cross_entropy, clip_grad_norm_, and optimizer runs.

Modules are built by PyTorch and then given RNG-free weights through ``load_state_dict``; the fixture stores
that state dict under the PyTorch keys, so the TypeScript side loads it with ``loadStateDict(sd, {strict: true})``.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

from fixtures_common import DTYPE, det, enc, enc_any, index_tensor, num, op_case, upstream


def _state_dict(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _module_case(name, op, module, state, inputs, args):
    """Loads ``state`` into ``module`` (strict), runs it on ``inputs`` and records output, input grads and
    parameter grads for the fixed upstream gradient."""
    module.load_state_dict(state, strict=True)
    leaves = {k: (v.clone().requires_grad_(True) if v.dtype.is_floating_point else v.clone()) for k, v in inputs.items()}
    out = module(*leaves.values())
    u = upstream(list(out.shape))
    (out * u).sum().backward()
    return {
        "name": name,
        "op": op,
        "args": args,
        "stateDict": enc_any(state),
        "inputs": enc_any(inputs),
        "outputs": {"out": enc(out)},
        "upstream": {"out": enc(u)},
        "grads": {k: enc(v.grad) for k, v in leaves.items() if v.dtype.is_floating_point},
        "paramGrads": {k: enc(p.grad) for k, p in module.named_parameters()},
    }


def linear_embedding():
    cases = []
    for bias in (True, False):
        for tag, in_shape in (("2d", [4, 5]), ("3d", [2, 3, 5]), ("1d", [5])):
            m = nn.Linear(5, 3, bias=bias, dtype=DTYPE)
            state = {"weight": det([3, 5], 1)}
            if bias:
                state["bias"] = det([3], 2)
            cases.append(_module_case(f"linear_{'bias' if bias else 'nobias'}_{tag}", "Linear", m, state,
                                      {"input": det(in_shape, 3)},
                                      {"inFeatures": 5, "outFeatures": 3, "bias": bias}))
    idx = index_tensor([1, 4, 1, 0, 2, 2, 5, 1], [2, 4])
    for tag, padding_idx in (("nopad", None), ("pad2", 2), ("pad0", 0), ("padm1", -1)):
        m = nn.Embedding(6, 3, padding_idx=padding_idx, dtype=DTYPE)
        args = {"numEmbeddings": 6, "embeddingDim": 3}
        if padding_idx is not None:
            args["paddingIdx"] = padding_idx
        case = _module_case(f"embedding_{tag}", "Embedding", m, {"weight": det([6, 3], 4)}, {"input": idx}, args)
        case["note"] = ("indices repeat (1 three times, 2 twice) so gradients accumulate; the padding row's "
                        "gradient is 0 and its (non-zero, loaded) weight is still looked up")
        cases.append(case)
    m = nn.Embedding(6, 3, padding_idx=2, dtype=DTYPE)
    cases.append(_module_case("embedding_pad2_1d", "Embedding", m, {"weight": det([6, 3], 5)},
                              {"input": index_tensor([2, 3, 3, 0, 2])},
                              {"numEmbeddings": 6, "embeddingDim": 3, "paddingIdx": 2}))
    return cases


def loss():
    """nll_loss and cross_entropy over weight x ignore_index x reduction (x label_smoothing for cross_entropy)."""
    cases = []
    N, C = 6, 4
    logits = det([N, C], 0)
    logp = F.log_softmax(det([N, C], 1), dim=1)
    weight = torch.tensor([0.5, 2.0, 1.25, 0.75], dtype=DTYPE)
    target = index_tensor([2, 0, 3, 2, 1, 2])
    target_m100 = index_tensor([2, -100, 3, 0, 1, -100])
    ignores = (("noignore", None, target), ("ignore2", 2, target), ("ignoredefault", None, target_m100))
    reductions = ("none", "mean", "sum")

    for wtag, w in (("noweight", None), ("weight", weight)):
        for itag, ii, t in ignores:
            for red in reductions:
                args = {"reduction": red}
                kw = {"reduction": red}
                if ii is not None:
                    args["ignoreIndex"] = ii
                    kw["ignore_index"] = ii
                inputs = {"input": logp, "target": t}
                if w is not None:
                    inputs["weight"] = w
                cases.append(op_case(f"nllLoss_{wtag}_{itag}_{red}", "nllLoss",
                                     lambda input, target, weight=None, kw=kw: F.nll_loss(input, target, weight, **kw),
                                     inputs, args))
                for ls in (0.0, 0.1, 0.3):
                    a = dict(args, labelSmoothing=ls)
                    inputs = {"input": logits, "target": t}
                    if w is not None:
                        inputs["weight"] = w
                    cases.append(op_case(f"crossEntropy_{wtag}_{itag}_{red}_ls{ls}", "crossEntropy",
                                         lambda input, target, weight=None, kw=kw, ls=ls:
                                         F.cross_entropy(input, target, weight, label_smoothing=ls, **kw),
                                         inputs, a))
    # Every target ignored: mean reduction is 0/0 = NaN in PyTorch, sum is 0.
    all_ign = index_tensor([1, 1, 1])
    for red in ("mean", "sum"):
        cases.append(op_case(f"nllLoss_all_ignored_{red}", "nllLoss",
                             lambda input, target, red=red: F.nll_loss(input, target, ignore_index=1, reduction=red),
                             {"input": det([3, 4], 2), "target": all_ign}, {"ignoreIndex": 1, "reduction": red}))
    # Spatial (N, C, d1) inputs with (N, d1) targets.
    t3 = index_tensor([0, 3, 1, 2, 2, 1], [2, 3])
    cases.append(op_case("nllLoss_ncd_weight_mean", "nllLoss",
                         lambda input, target, weight: F.nll_loss(input, target, weight),
                         {"input": det([2, 4, 3], 3), "target": t3, "weight": weight}, {"reduction": "mean"}))
    cases.append(op_case("crossEntropy_ncd_ls0.1_mean", "crossEntropy",
                         lambda input, target: F.cross_entropy(input, target, label_smoothing=0.1),
                         {"input": det([2, 4, 3], 4), "target": t3}, {"reduction": "mean", "labelSmoothing": 0.1}))
    return cases


def clip_grad_norm():
    cases = []
    shapes = {"a": [3, 4], "b": [4], "c": [2, 3]}
    grads = {k: det(s, 10 + i) for i, (k, s) in enumerate(shapes.items())}
    for norm_type, nt in ((2.0, 2), (float("inf"), "Infinity")):
        for max_norm in (1.0, 0.5, 100.0):
            params = [torch.zeros(s, dtype=DTYPE, requires_grad=True) for s in shapes.values()]
            for p, g in zip(params, grads.values()):
                p.grad = g.clone()
            total = nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
            cases.append({
                "name": f"clipGradNorm_{'inf' if nt == 'Infinity' else 'l2'}_max{max_norm}",
                "op": "clipGradNorm",
                "args": {"maxNorm": max_norm, "normType": nt},
                "grads": enc_any(grads),
                "totalNorm": num(total.item()),
                "clippedGrads": {k: enc(p.grad) for k, p in zip(shapes, params)},
                "note": "clip coefficient max_norm / (total_norm + 1e-6), clamped to at most 1 (PyTorch 1.13)",
            })
    return cases


# ---------------------------------------------------------------------------------------------------
# Optimizers: 10 steps of a small classifier
# ---------------------------------------------------------------------------------------------------

class TinyClassifier(nn.Module):
    """Linear(5, 4) -> tanh -> Linear(4, 3) -> log_softmax; state-dict keys fc1.weight, fc1.bias, fc2.weight, fc2.bias."""

    def __init__(self, dtype):
        super().__init__()
        self.fc1 = nn.Linear(5, 4, dtype=dtype)
        self.fc2 = nn.Linear(4, 3, dtype=dtype)

    def forward(self, x):
        return F.log_softmax(self.fc2(torch.tanh(self.fc1(x))), dim=1)


STEPS = 10

OPTIMIZERS = [
    ("sgd_plain", "SGD", {"lr": 0.5}),
    ("sgd_momentum_nesterov_wd", "SGD", {"lr": 0.2, "momentum": 0.9, "nesterov": True, "weightDecay": 0.05}),
    ("sgd_momentum_dampening", "SGD", {"lr": 0.2, "momentum": 0.8, "dampening": 0.3}),
    ("adam", "Adam", {"lr": 0.05}),
    ("adam_wd", "Adam", {"lr": 0.05, "weightDecay": 0.1}),
    ("adam_amsgrad", "Adam", {"lr": 0.05, "betas": [0.8, 0.6], "amsgrad": True}),
    ("adam_betas_eps", "Adam", {"lr": 0.05, "betas": [0.7, 0.9], "eps": 1e-3}),
    ("adamw", "AdamW", {"lr": 0.05, "weightDecay": 0.1}),
    ("adamw_amsgrad", "AdamW", {"lr": 0.05, "betas": [0.8, 0.6], "weightDecay": 0.1, "amsgrad": True}),
]

_TORCH_OPT = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}
_TORCH_KW = {"lr": "lr", "momentum": "momentum", "dampening": "dampening", "nesterov": "nesterov",
             "weightDecay": "weight_decay", "betas": "betas", "eps": "eps", "amsgrad": "amsgrad"}


def _initial_state(dtype):
    return {
        "fc1.weight": det([4, 5], 40, amp=0.8).to(dtype),
        "fc1.bias": det([4], 41, amp=0.3).to(dtype),
        "fc2.weight": det([3, 4], 42, amp=0.8).to(dtype),
        "fc2.bias": det([3], 43, amp=0.3).to(dtype),
    }


def _run(opt, options, dtype):
    model = TinyClassifier(dtype)
    state = _initial_state(dtype)
    model.load_state_dict(state, strict=True)
    x = det([6, 5], 44).to(dtype)
    target = index_tensor([0, 2, 1, 2, 0, 1])
    kw = {_TORCH_KW[k]: (tuple(v) if k == "betas" else v) for k, v in options.items()}
    optimizer = _TORCH_OPT[opt](model.parameters(), foreach=False, **kw)
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = F.nll_loss(model(x), target)
        loss.backward()
        losses.append(loss.item())
        optimizer.step()
    final = _state_dict(model)
    return state, x, target, losses, final


def optim():
    cases = []
    runs = [(name, opt, options, torch.float64) for name, opt, options in OPTIMIZERS]
    runs.append(("adam_float32", "Adam", {"lr": 0.05}, torch.float32))
    for name, opt, options, dtype in runs:
        state, x, target, losses, final = _run(opt, options, dtype)
        if options.get("amsgrad"):
            # Guard: the amsgrad cases must actually differ from plain Adam/AdamW (the running max must bite).
            plain = _run(opt, dict(options, amsgrad=False), dtype)[4]
            diff = max((final[k] - plain[k]).abs().max().item() for k in final)
            assert diff > 1e-6, f"{name}: amsgrad changes the parameters by only {diff}"
        cases.append({
            "name": name,
            "op": opt,
            "dtype": str(dtype).replace("torch.", ""),
            "args": options,
            "model": "Linear(5,4) -> tanh -> Linear(4,3) -> logSoftmax(dim=1) -> nllLoss(mean)",
            "steps": STEPS,
            "stateDict": enc_any(state),
            "inputs": {"x": enc(x), "target": enc(target)},
            "losses": [num(v) for v in losses],
            "finalStateDict": enc_any(final),
            "note": "each step: zeroGrad, forward, loss.backward, step; losses[i] is the loss before step i+1",
        })
    return cases


# One parameter vector, hand-set gradients, 3 steps: every optimizer option on its own, in float32 and float64.
STEP_X0 = [0.5, -1.25, 2.0, 0.75, -0.3]
STEP_CASES = [
    ("sgd_plain", "SGD", torch.float32, {"lr": 0.1}),
    ("sgd_momentum", "SGD", torch.float32, {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weightDecay": 0.01}),
    ("sgd_nesterov", "SGD", torch.float32, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weightDecay": 0.1}),
    ("sgd_maximize", "SGD", torch.float32, {"lr": 0.1, "momentum": 0.5, "maximize": True}),
    ("adam_default", "Adam", torch.float32, {"lr": 0.01}),
    ("adam_wd_amsgrad", "Adam", torch.float32, {"lr": 0.01, "weightDecay": 0.1, "amsgrad": True, "betas": [0.8, 0.99]}),
    ("adam_maximize", "Adam", torch.float32, {"lr": 0.01, "maximize": True, "eps": 1e-3}),
    ("adamw_default", "AdamW", torch.float32, {"lr": 0.01}),
    ("adamw_amsgrad", "AdamW", torch.float32, {"lr": 0.05, "weightDecay": 0.5, "amsgrad": True}),
    ("adam_f64", "Adam", torch.float64, {"lr": 0.01, "weightDecay": 0.1}),
    ("sgd_f64", "SGD", torch.float64, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
]


def _step_grad(step):
    """Gradients of step `step`: multiples of 1/4, exact in float32."""
    return [((i * 7 + step * 3) % 11 - 5) / 4 for i in range(len(STEP_X0))]


def optim_steps():
    cases = []
    kw_names = dict(_TORCH_KW, maximize="maximize")
    for name, opt, dtype, options in STEP_CASES:
        p = torch.tensor(STEP_X0, dtype=dtype, requires_grad=True)
        kw = {kw_names[k]: (tuple(v) if k == "betas" else v) for k, v in options.items()}
        optimizer = _TORCH_OPT[opt]([p], **kw)
        grads, params = [], []
        for s in range(3):
            g = torch.tensor(_step_grad(s), dtype=dtype)
            p.grad = g
            optimizer.step()
            grads.append(enc(g))
            params.append(enc(p))
        cases.append({
            "name": name,
            "op": opt,
            "dtype": str(dtype).replace("torch.", ""),
            "args": options,
            "x0": enc(torch.tensor(STEP_X0, dtype=dtype)),
            "grads": grads,
            "params": params,
            "note": "step i sets p.grad = grads[i] and calls step(); params[i] is p after it",
        })
    return cases
