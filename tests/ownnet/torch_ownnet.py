#!/usr/bin/python3
"""mlpvar's own-network outputs against PyTorch, in double precision.

usage: /usr/bin/python3 tests/ownnet/torch_ownnet.py PATH/TO/mlpvar

Replay (mlpvar train --save): for a 2-D task and a CSV regression with two
targets, `mlpvar train ... --steps 50 --optimizer adam --train-precision double
--batch 0 --save D --n 1`; then PyTorch loads D/.../init.txt with
analysis/export_torch.load, trains 50 full-batch steps of torch.optim.Adam
(same lr, PyTorch's default betas and eps, which mlpvar's are) on train.csv
with nn.MSELoss in float64, and compares its loss at every step with
losses.csv (1e-6 relative, the bar; the printout shows the actual agreement),
its final weights with trained.txt, and its final train and test losses with
record.json.

Rivals (mlpvar measure --weights F --rivals grad_norm,snip,synflow --task
csv:D --json): a random PyTorch MLP exported with analysis/export_torch.py,
a CSV D of 3 inputs and 2 targets; the batch is the training split of the
seed, which `mlpvar train --task csv:D --seed S --save` writes as train.csv
(the same rows: both use the sweep's split; mlpvar reports their number as
rival_rows, checked here). PyTorch computes the three scores from their
definitions in include/mlpvar/rivals.h on those rows:
  grad_norm = ||dL/dtheta||_2 over every weight and bias, L = MSE (mean over
              rows and outputs);
  snip      = sum over weights (not biases) of |w dL/dw|;
  synflow   = log sum over weights of |w| dR/d|w|, R = sum of the outputs of
              the net with weights |w|, biases zeroed, the identity as
              activation, on an input of ones;
and they must agree to 1e-9 relative.
Exits 77 (a skip) where torch cannot be imported.
"""

import json
import math
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "analysis"))

try:
    import torch                  # noqa: E402
    from torch import nn          # noqa: E402
except ImportError as e:          # meson shows exit 77 as SKIP
    print(f"torch cannot be imported ({e}): skipped (apt-get install python3-torch)")
    sys.exit(77)
import export_torch               # noqa: E402

STEPS = 50
LOSS_TOL = 1e-6
RIVAL_TOL = 1e-9

from ownnet_check import check, failures, run  # noqa: E402  (the helpers beside this file)


def read_rows(path, targets):
    """(X, Y) float64 tensors of a CSV mlpvar wrote (header, then numbers)."""
    with open(path) as f:
        next(f)
        rows = [[float(v) for v in line.split(",")] for line in f if line.strip()]
    t = torch.tensor(rows, dtype=torch.float64)
    return t[:, :-targets], t[:, -targets:]


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def replay(mlpvar, tmp, name, task_args, targets, net_args, lr):
    save = os.path.join(tmp, name)
    out = run([mlpvar, "train", "--quiet", "--json"] + task_args + net_args +
              ["--steps", STEPS, "--lr", lr, "--optimizer", "adam", "--train-precision", "double",
               "--batch", "0", "--save", save, "--n", "1"])
    rec = json.loads(out)
    sub = os.path.join(save, os.listdir(save)[0])
    model = export_torch.load(os.path.join(sub, "init.txt"))
    X, Y = read_rows(os.path.join(sub, "train.csv"), targets)
    Xt, Yt = read_rows(os.path.join(sub, "test.csv"), targets)
    with open(os.path.join(sub, "losses.csv")) as f:
        next(f)
        theirs = [float(line.split(",")[1]) for line in f if line.strip()]
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    mse = nn.MSELoss()
    ours = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = mse(model(X), Y)
        ours.append(loss.item())
        loss.backward()
        opt.step()
    worst = max(rel(a, b) for a, b in zip(theirs, ours)) if len(theirs) == STEPS else math.inf
    check(len(theirs) == STEPS and worst < LOSS_TOL and ours[-1] < 0.9 * ours[0],
          f"{name}: {len(theirs)} losses, {ours[0]:.6f} -> {ours[-1]:.6f}, max relative difference from "
          f"torch {worst:.2e} (bar {LOSS_TOL:g})")
    trained = export_torch.load(os.path.join(sub, "trained.txt"))
    with torch.no_grad():
        scale = max(p.abs().max().item() for p in model.parameters())
        wdiff = max((p - q).abs().max().item() for p, q in zip(model.parameters(), trained.parameters()))
        fl, tl = mse(model(X), Y).item(), mse(model(Xt), Yt).item()
    check(wdiff <= LOSS_TOL * scale, f"{name}: final weights vs trained.txt: max |diff| {wdiff:.2e} "
          f"(max |w| {scale:.3f})")
    check(rel(rec["final_loss"], fl) < LOSS_TOL and rel(rec["test_loss"], tl) < LOSS_TOL,
          f"{name}: record final_loss {rec['final_loss']:.10g} test_loss {rec['test_loss']:.10g} vs torch "
          f"{fl:.10g} {tl:.10g} (relative {rel(rec['final_loss'], fl):.1e}, {rel(rec['test_loss'], tl):.1e})")


def torch_rivals(model, X, Y):
    model = model.double()
    params = list(model.parameters())
    loss = nn.MSELoss()(model(X), Y)
    grads = torch.autograd.grad(loss, params)
    grad_norm = math.sqrt(sum(float((g * g).sum()) for g in grads))
    snip = sum(float((p * g).abs().sum()) for p, g in zip(params, grads) if p.dim() == 2)
    # synflow's linearised net: |W|, biases zeroed, identity activation, input of ones
    absw = [p.detach().abs().requires_grad_(True) for p in params if p.dim() == 2]
    h = torch.ones(1, absw[0].shape[1], dtype=torch.float64)
    for W in absw:
        h = h @ W.T
    R = h.sum()
    gs = torch.autograd.grad(R, absw)
    synflow = math.log(sum(float((W * g).sum()) for W, g in zip(absw, gs)))
    return {"grad_norm": grad_norm, "snip": snip, "synflow": synflow}


def rivals(mlpvar, tmp):
    gen = torch.Generator().manual_seed(11)
    n, seed = 57, 3
    data = os.path.join(tmp, "rivals.csv")
    X = torch.rand(n, 3, generator=gen, dtype=torch.float64) * 2 - 1
    Y = torch.randn(n, 2, generator=gen, dtype=torch.float64)
    with open(data, "w") as f:
        f.write("a,b,c,y1,y2\n")
        for row in torch.cat([X, Y], dim=1).tolist():
            f.write(",".join(repr(v) for v in row) + "\n")
    # the training split of seed 3, as the sweep (and measure --task) take it
    save = os.path.join(tmp, "rows")
    run([mlpvar, "train", "--quiet", "--task", f"csv:{data}", "--targets", "2", "--seed", seed, "--n", "1",
         "--steps", "1", "--activation", "relu", "--depth", "1", "--width", "2", "--save", save])
    Xb, Yb = read_rows(os.path.join(save, "relu-d1-w2-s3", "train.csv"), 2)
    for i, (act, depth) in enumerate([("relu", 3), ("tanh", 2), ("gelu", 4), ("abs", 1)]):
        model = export_torch.demo_model(act, depth=depth, width=12, in_dim=3, out_dim=2, seed=20 + i)
        with torch.no_grad():
            for mod in model:
                if isinstance(mod, nn.Linear):
                    mod.bias.normal_(0.0, 0.3, generator=gen)
        wpath = os.path.join(tmp, f"rivals-{act}.txt")
        export_torch.export(model, wpath)
        got = json.loads(run([mlpvar, "measure", "--weights", wpath, "--rivals", "grad_norm,snip,synflow",
                              "--task", f"csv:{data}", "--targets", "2", "--seed", seed, "--json", "--grid", "16"]))
        want = torch_rivals(model, Xb, Yb)
        errs = {k: rel(got["rival_" + k], v) for k, v in want.items()}
        check(got["rival_rows"] == len(Xb) and max(errs.values()) < RIVAL_TOL,
              f"rivals {act} depth {depth} on {got['rival_rows']} rows (train.csv {len(Xb)}): " +
              ", ".join(f"{k} {got['rival_' + k]:.12g} vs torch {want[k]:.12g} (rel {errs[k]:.1e})"
                        for k in want))


def check_load(tmp):
    """export_torch.load: a round trip through export, and its refusals."""
    model = export_torch.demo_model("silu", depth=2, width=5, in_dim=3, out_dim=2, seed=1)
    path = os.path.join(tmp, "rt.txt")
    export_torch.export(model, path)
    back = export_torch.load(path)
    same = all(torch.equal(p.double(), q) for p, q in zip(model.parameters(), back.parameters()))
    kinds = [type(m).__name__ for m in back]
    check(same and kinds == ["Linear", "SiLU", "Linear", "SiLU", "Linear"]
          and back[0].weight.dtype == torch.float64, f"load(export(model)) is the model in float64: {kinds}")
    bad = {"not a weight file": "hello\n", "unknown activation": "mlpvar-weights 1\nactivation swish\n",
           "truncated": "mlpvar-weights 1\nactivation relu\nlayers 2\nlayer 2 2\n1 2 3\n",
           "not a number": "mlpvar-weights 1\nactivation relu\nlayers 2\nlayer 1 1\n1_0 0\nlayer 1 1\n1 0\n"}
    for what, text in bad.items():
        with open(path, "w") as f:
            f.write(text)
        try:
            export_torch.load(path)
            check(False, f"load refuses a file: {what}")
        except ValueError as e:
            check(str(e).startswith(path), f"load refuses a file: {what} ({e})")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    mlpvar = sys.argv[1]
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory(prefix="mlpvar-torch-ownnet-") as tmp:
        try:
            check_load(tmp)
            replay(mlpvar, tmp, "checkerboard-tanh", ["--task", "checkerboard:4", "--points", "200",
                   "--test-grid", "16"], 1, ["--activation", "tanh", "--depth", "3", "--width", "16"], 1e-2)
            data = os.path.join(tmp, "reg.csv")
            gen = torch.Generator().manual_seed(5)
            X = torch.rand(90, 3, generator=gen, dtype=torch.float64) * 2 - 1
            Y = torch.stack([torch.sin(2 * X[:, 0]) * X[:, 1], X[:, 2] - X[:, 0] ** 2], dim=1)
            with open(data, "w") as f:
                f.write("a,b,c,y1,y2\n")
                for row in torch.cat([X, Y], dim=1).tolist():
                    f.write(",".join(repr(v) for v in row) + "\n")
            replay(mlpvar, tmp, "csv-relu", ["--task", f"csv:{data}", "--targets", "2", "--seed", "7"], 2,
                   ["--activation", "relu", "--depth", "2", "--width", "24"], 5e-3)
            rivals(mlpvar, tmp)
        except (RuntimeError, KeyError, ValueError, OSError) as e:
            check(False, f"{type(e).__name__}: {e}")
    if failures:
        print(f"\n{len(failures)} failure(s)", file=sys.stderr)
        return 1
    print("\nall torch checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
