"""PyTorch side of `pnpm bench` (packages/bench): one config per process, plus a numpy sgemm micro-bench.

Run by packages/bench/src/cli.ts with Debian's /usr/bin/python3 (torch 1.13, numpy with OpenBLAS); each mode
prints one line the harness parses:

  bench_torch.py --probe                                              -> PROBE {"torch": ..., "numpy": ...}
  bench_torch.py --config JSON --settings JSON --threads 1           -> PARTIAL/RESULT {...} (same record as the
                 [--give-up-ms MS]                                       TypeScript engines, see measure.ts)
  OPENBLAS_NUM_THREADS=1 bench_torch.py --gemm JSON                  -> GEMM {"<shape name>": GFLOPS, ...}
  bench_torch.py --profile '{"steps", "warmup", "inferRuns", "inferShape"}' --config JSON
                                                                      -> PROFILE {"train": {"medianMs", "rows"}, "infer": ...}
                                                                         (pnpm bench-profile, packages/bench/src/profile.ts)

The model is the harness's: Embedding -> LSTM/GRU/RNN (batch_first) -> Linear(D*H, 2) on the last layer's final
hidden state(s) -> log_softmax -> nll_loss, Adam(lr 1e-3), random token batches from a seeded torch.Generator.
"""
import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time

LR = 1e-3
INFER_SINGLE = {"N": 1, "L": 20}
INFER_BATCH = {"N": 256, "L": 32}


def rss_mb():
    """Peak RSS of this process (ru_maxrss is in KiB on Linux) and the current RSS."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        with open("/proc/self/statm") as f:
            now = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576
    except OSError:
        now = None
    return peak, now


def emit(result, final):
    result["peakRssMB"] = rss_mb()[0]
    if final:
        result.pop("running", None)
    print(("RESULT " if final else "PARTIAL ") + json.dumps(result), flush=True)


def enter_phase(result, phase):
    result["running"] = {"phase": phase, "since": int(time.time() * 1000)}
    emit(result, False)


def now_ms():
    return time.perf_counter() * 1000


def train_summary(c, times, warmup_times, first_loss, last_loss):
    warmup_only = len(times) == 0
    ts = warmup_times if warmup_only else times
    med = statistics.median(ts)
    return {
        "steps": len(times), "warmup": len(warmup_times), "msMedian": med, "msMin": min(ts),
        "tokensPerS": c["N"] * c["L"] * 1000 / med, "times": [round(t, 3) for t in times],
        "warmupTimes": [round(t, 3) for t in warmup_times], "warmupOnly": warmup_only,
        "firstLoss": first_loss, "lastLoss": last_loss,
    }


def time_training(c, s, step, on_progress, give_up_ms=None):
    """Warm-up steps, then up to s["steps"] timed steps within s["trainBudgetMs"]. With give_up_ms, stops after 3
    timed steps whose median is above it (a 2-thread run already slower than twice the 1-thread one cannot be the
    best; on a loaded machine its OpenMP threads can make it 20x slower and eat the run's time)."""
    times, warmup_times = [], []
    losses = []

    def timed(into):
        t0 = now_ms()
        losses.append(step())
        into.append(now_ms() - t0)
        on_progress(train_summary(c, times, warmup_times, losses[0], losses[-1]))

    for _ in range(s["warmup"]):
        timed(warmup_times)
    start = now_ms()
    while len(times) < s["steps"] and (len(times) == 0 or now_ms() - start < s["trainBudgetMs"]):
        timed(times)
        if give_up_ms is not None and len(times) >= 3 and statistics.median(times) > give_up_ms:
            break
    return train_summary(c, times, warmup_times, losses[0], losses[-1])


def time_inference(shape, runs, budget_ms, run):
    w0 = now_ms()
    run()
    warm = now_ms() - w0
    times = [warm] if warm > budget_ms else []
    start = now_ms()
    while len(times) < runs and (len(times) < 3 or now_ms() - start < budget_ms):
        t0 = now_ms()
        run()
        times.append(now_ms() - t0)
    med = statistics.median(times)
    return {"N": shape["N"], "L": shape["L"], "runs": len(times), "msMedian": med, "msMin": min(times),
            "sentencesPerS": shape["N"] * 1000 / med}


def build(c, seed):
    """The bench model, its Adam optimizer, a seeded batch maker and one training step (returns the loss)."""
    import torch
    from torch import nn
    import torch.nn.functional as F

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    D = 2 if c["bidirectional"] else 1

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(c["V"], c["E"])
            kind = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[c["cell"]]
            self.rnn = kind(c["E"], c["H"], num_layers=c["numLayers"], bidirectional=c["bidirectional"], batch_first=True)
            self.fc = nn.Linear(D * c["H"], 2)

        def forward(self, ids):
            _, h = self.rnn(self.embedding(ids))
            h_n = h[0] if isinstance(h, tuple) else h
            last = h_n[-D:].transpose(0, 1).reshape(ids.shape[0], D * c["H"])  # (N, D*H), directions side by side
            return self.fc(last)

    model = Classifier()
    opt = torch.optim.Adam(model.parameters(), lr=LR)

    def batch(N, L):
        return (torch.randint(0, c["V"], (N, L), generator=gen), torch.randint(0, 2, (N,), generator=gen))

    def step():
        ids, labels = batch(c["N"], c["L"])
        opt.zero_grad()
        loss = F.nll_loss(F.log_softmax(model(ids), dim=1), labels)
        loss.backward()
        opt.step()
        return loss.item()

    return model, batch, step


def profile_phase(run, runs, warmup):
    """Median time of `runs` calls, then self CPU time per operator under torch.autograd.profiler over as many calls
    (ms per call, largest first)."""
    import torch

    for _ in range(warmup):
        run()
    times = []
    for _ in range(runs):
        t0 = now_ms()
        run()
        times.append(now_ms() - t0)
    with torch.autograd.profiler.profile() as prof:
        for _ in range(runs):
            run()
    rows = [{"name": e.key, "ms": e.self_cpu_time_total / 1000 / runs} for e in prof.key_averages()]
    return {"medianMs": statistics.median(times), "rows": sorted((r for r in rows if r["ms"] > 0), key=lambda r: -r["ms"])}


def profile_config(c, p):
    """One thread: the training step and single-sentence inference, each timed and then profiled; prints one
    PROFILE line."""
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    model, batch, step = build(c, 0)
    model.train()
    train = profile_phase(step, p["steps"], p["warmup"])
    model.eval()
    ids, _ = batch(p["inferShape"]["N"], p["inferShape"]["L"])

    def infer():
        with torch.no_grad():
            F.log_softmax(model(ids), dim=1)

    result = {"train": train, "infer": profile_phase(infer, p["inferRuns"], 20), "blas": loaded_blas()}
    print("PROFILE " + json.dumps(result), flush=True)


def run_config(c, s, threads, give_up_ms=None):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    peak, start_rss = rss_mb()
    model, batch, step = build(c, s["seed"])
    result = {
        "engine": f"torch-{threads}t", "config": c["name"], "notes": [], "train": None, "inferSingle": None,
        "inferBatch": None, "peakRssMB": peak, "startRssMB": start_rss,
        "info": {"torch": torch.__version__, "threads": torch.get_num_threads(), "python": platform.python_version()},
    }

    def progress(partial):
        result["train"] = partial
        emit(result, False)

    model.train()
    enter_phase(result, "train")
    result["train"] = time_training(c, s, step, progress, give_up_ms)
    result["trainPeakRssMB"] = rss_mb()[0]  # before the inference phases
    if give_up_ms is not None and result["train"]["steps"] < s["steps"] and result["train"]["msMedian"] > give_up_ms:
        result["notes"].append(f"stopped after {result['train']['steps']} steps: median above {give_up_ms:.0f} ms (--give-up-ms)")
    model.eval()
    for key, shape, runs in (("inferSingle", INFER_SINGLE, s["inferSingleRuns"]), ("inferBatch", INFER_BATCH, s["inferBatchRuns"])):
        ids, _ = batch(shape["N"], shape["L"])

        def run():
            with torch.no_grad():
                F.log_softmax(model(ids), dim=1)

        enter_phase(result, key)
        result[key] = time_inference(shape, runs, s["inferBudgetMs"], run)
    emit(result, True)


def loaded_blas():
    """Real paths of the BLAS libraries mapped into this process (after importing torch and numpy): Debian's torch
    and numpy call whatever libblas.so.3 resolves to, the reference BLAS (libblas3) unless OpenBLAS or BLIS is
    installed (or LD_LIBRARY_PATH points at one)."""
    found = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path).lower()
                if "blas" in name or "blis" in name or "mkl_rt" in name:
                    found.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(found)


def run_gemm(shapes):
    """Median GFLOPS of numpy float32 matmul (OpenBLAS sgemm) per shape, ~0.3 s per shape; transposed operands are
    views, so BLAS gets the transpose flags rather than a copy."""
    import numpy as np

    rng = np.random.default_rng(12345)
    out = {}
    for sh in shapes:
        M, N, K = sh["M"], sh["N"], sh["K"]
        a = (rng.random((K, M) if sh["transA"] else (M, K), dtype=np.float32) - 0.5)
        b = (rng.random((N, K) if sh["transB"] else (K, N), dtype=np.float32) - 0.5)
        A = a.T if sh["transA"] else a
        B = b.T if sh["transB"] else b
        C = np.empty((M, N), dtype=np.float32)
        np.matmul(A, B, out=C)
        times = []
        start = time.perf_counter()
        while len(times) < 3 or (time.perf_counter() - start < 0.3 and len(times) < 200):
            t0 = time.perf_counter()
            np.matmul(A, B, out=C)
            times.append(time.perf_counter() - t0)
        out[sh["name"]] = 2 * M * N * K / (statistics.median(times) * 1e9)
    print("GEMM " + json.dumps(out), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--probe", action="store_true")
    p.add_argument("--config")
    p.add_argument("--settings")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--gemm")
    p.add_argument("--give-up-ms", type=float, default=None)
    p.add_argument("--profile", help='JSON {"steps", "warmup", "inferRuns", "inferShape"}: profile one config (with --config)')
    a = p.parse_args()
    if a.probe:
        info = {"python": platform.python_version()}
        try:
            import torch
            info["torch"] = torch.__version__
        except ImportError as e:
            info["torchError"] = str(e)
        try:
            import numpy
            info["numpy"] = numpy.__version__
        except ImportError as e:
            info["numpyError"] = str(e)
        info["blas"] = loaded_blas()
        print("PROBE " + json.dumps(info), flush=True)
    elif a.gemm:
        run_gemm(json.loads(a.gemm))
    elif a.profile and a.config:
        profile_config(json.loads(a.config), json.loads(a.profile))
    elif a.config and a.settings:
        run_config(json.loads(a.config), json.loads(a.settings), a.threads, a.give_up_ms)
    else:
        p.error("expected --probe, --gemm JSON, or --config JSON --settings JSON")


if __name__ == "__main__":
    sys.exit(main())
