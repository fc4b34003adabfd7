#!/usr/bin/python3
"""Your own data and networks, checked with numpy (no torch needed).

usage: /usr/bin/python3 tests/ownnet/test_ownnet.py PATH/TO/mlpvar

  * Regression: `mlpvar train --task csv:F --save D --json` on real-valued
    targets (2 of them) prints a record with trainability "test_loss", null
    accuracies and a test_r2 equal to R^2 = 1 - SSE/SST computed here with
    numpy from trained.txt (a forward pass written here) on test.csv, and a
    test_loss equal to numpy's MSE; the table shows "test R2" and "test loss".
  * The --save folder: init.txt, trained.txt, train.csv, test.csv,
    record.json (the --json line), losses.csv (one loss per step; step 1's is
    the record's init_loss); train.csv and test.csv are the file's rows split
    as documented (round(0.2 n) test rows).
  * Sweeps: a regression CSV's records say trainability "test_loss" with a
    finite test_r2; a +-1 CSV's say "accuracy" with test_r2 null.
  * measure --weights --rivals on the init.txt of a network of a sweep gives
    exactly the rival scores of that sweep's record (same seed, same task),
    with a task and without one.
Exits 77 (a skip) where numpy cannot be imported.
"""

import json
import os
import sys
import tempfile

try:
    import numpy as np
except ImportError as e:
    print(f"numpy cannot be imported ({e}): skipped")
    sys.exit(77)

from ownnet_check import check, failures, run  # noqa: E402  (the helpers beside this file)

ALL_RIVALS = ["grad_norm", "snip", "synflow", "jacob_cov", "naswot", "ntk_cond", "linear_regions",
              "trajectory"]


def read_weights(path):
    """(activation, [(W [out x in], b)]) from a weight file, parsed here."""
    toks = []
    with open(path) as f:
        for line in f:
            toks += line.split("#", 1)[0].split()
    assert toks[0] == "mlpvar-weights" and toks[1] == "1" and toks[2] == "activation" and toks[4] == "layers"
    act, nl, i, layers = toks[3], int(toks[5]), 6, []
    for _ in range(nl):
        assert toks[i] == "layer"
        fi, fo = int(toks[i + 1]), int(toks[i + 2])
        i += 3
        vals = np.array([float(t) for t in toks[i:i + fo * fi + fo]])
        i += fo * fi + fo
        layers.append((vals[:fo * fi].reshape(fo, fi), vals[fo * fi:]))
    return act, layers


PHI = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "abs": np.abs}


def forward(weights, X):
    act, layers = weights
    h = X
    for k, (W, b) in enumerate(layers):
        h = h @ W.T + b
        if k < len(layers) - 1:
            h = PHI[act](h)
    return h


def read_csv(path, targets):
    a = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return a[:, :-targets], a[:, -targets:]


def write_regression_csv(path, n, rng):
    X = rng.uniform(-1, 1, size=(n, 3))
    Y = np.stack([np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2], X[:, 0] - 0.5 * X[:, 2]], axis=1)
    Y += 0.1 * rng.standard_normal(Y.shape)
    with open(path, "w") as f:
        f.write("a,b,c,y1,y2\n")
        for x, y in zip(X, Y):
            f.write(",".join(repr(float(v)) for v in list(x) + list(y)) + "\n")
    return np.hstack([X, Y])


def regression(mlpvar, tmp):
    rng = np.random.default_rng(3)
    data = os.path.join(tmp, "reg.csv")
    rows = write_regression_csv(data, 150, rng)
    save = os.path.join(tmp, "save")
    common = ["train", "--quiet", "--task", f"csv:{data}", "--targets", "2", "--activation", "tanh",
              "--depth", "2", "--width", "8", "--steps", "150", "--lr", "1e-2", "--train-precision", "double",
              "--seed", "4"]
    out = run([mlpvar] + common + ["--json", "--save", save])
    rec = json.loads(out)
    sub = os.path.join(save, "tanh-d2-w8-s4")
    names = sorted(os.listdir(sub)) if os.path.isdir(sub) else []
    check(names == ["init.txt", "losses.csv", "record.json", "test.csv", "train.csv", "trained.txt"],
          f"--save folder tanh-d2-w8-s4 holds the six files: {names}")
    with open(os.path.join(sub, "record.json")) as f:
        check(f.read() == out, "record.json is the --json line")
    check(rec["trainability"] == "test_loss", f"regression: trainability {rec['trainability']!r}")
    check(rec["test_accuracy"] is None and rec["train_accuracy"] is None and rec["init_accuracy"] is None,
          "regression: accuracies are null")
    Xte, Yte = read_csv(os.path.join(sub, "test.csv"), 2)
    Xtr, Ytr = read_csv(os.path.join(sub, "train.csv"), 2)
    w = read_weights(os.path.join(sub, "trained.txt"))
    P = forward(w, Xte)
    mse = float(np.mean((P - Yte) ** 2))
    r2 = 1.0 - float(np.sum((Yte - P) ** 2)) / float(np.sum((Yte - Yte.mean(axis=0)) ** 2))
    got = rec["test_r2"]
    check(got is not None and abs(got - r2) <= 1e-9 * abs(r2) and 0.3 < r2 < 1,
          f"test_r2 {got} vs numpy {r2:.17g}")
    check(abs(rec["test_loss"] - mse) <= 1e-9 * mse, f"test_loss {rec['test_loss']} vs numpy {mse:.17g}")
    fl = float(np.mean((forward(w, Xtr) - Ytr) ** 2))
    check(abs(rec["final_loss"] - fl) <= 1e-9 * fl, f"final_loss {rec['final_loss']} vs numpy {fl:.17g}")
    # the split: test round(0.2 n) rows, the two sets together the file's rows
    n = len(rows)
    check(len(Xte) == round(0.2 * n) and len(Xtr) == n - len(Xte), f"split {len(Xtr)} + {len(Xte)} of {n}")
    both = np.vstack([np.hstack([Xtr, Ytr]), np.hstack([Xte, Yte])])
    check(np.array_equal(np.array(sorted(map(tuple, both))), np.array(sorted(map(tuple, rows)))),
          "train.csv and test.csv hold the file's rows exactly, each once")
    losses = np.loadtxt(os.path.join(sub, "losses.csv"), delimiter=",", skiprows=1, ndmin=2)
    check(losses.shape == (150, 2) and list(losses[:, 0]) == list(range(1, 151)),
          f"losses.csv: steps 1..150 ({losses.shape})")
    w0 = read_weights(os.path.join(sub, "init.txt"))
    l0 = float(np.mean((forward(w0, Xtr) - Ytr) ** 2))
    check(abs(losses[0, 1] - l0) <= 1e-12 * l0 and abs(rec["init_loss"] - l0) <= 1e-12 * l0,
          f"step 1's loss {losses[0, 1]!r} = init_loss {rec['init_loss']!r} = numpy {l0!r}")
    check(losses[-1, 1] < 0.5 * losses[0, 1], "the loss fell")
    # the table: test R2 and test loss, not accuracy
    table = run([mlpvar] + common)
    head = table.splitlines()[0]
    check("test R2" in head and "test loss" in head and "acc" not in head, f"table header: {head}")
    cells = table.splitlines()[1].split()
    check(abs(float(cells[6]) - r2) < 1e-4, f"table R2 {cells[6]} vs {r2:.4f}")


def sweep(mlpvar, tmp, name, csv, extra=""):
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write(f"name: {name}\nactivations: [relu]\nbudget: 200\ndepths: [1, 2]\nseeds: 2\n"
                f"task: {{name: csv, path: {csv}, test_fraction: 0.25}}\n"
                f"train: {{steps: 40, lr: 1.0e-2}}\nmeasure: {{grid: 16{extra}}}\n")
    out = os.path.join(tmp, name)
    run([mlpvar, "sweep", path, "--out", out, "--quiet"])
    with open(os.path.join(out, "results.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def sweeps(mlpvar, tmp):
    rng = np.random.default_rng(5)
    reg = os.path.join(tmp, "reg1.csv")
    with open(reg, "w") as f:
        f.write("x1,x2,y\n")
        for _ in range(60):
            x = rng.uniform(-1, 1, 2)
            f.write(f"{x[0]!r},{x[1]!r},{float(np.sin(3 * x[0]) * x[1])!r}\n")
    pm = os.path.join(tmp, "pm.csv")
    with open(pm, "w") as f:
        f.write("x1,x2,label\n")
        for _ in range(60):
            x = rng.uniform(-1, 1, 2)
            f.write(f"{x[0]!r},{x[1]!r},{1 if x[0] * x[1] > 0 else -1}\n")
    recs = [r for r in sweep(mlpvar, tmp, "reg", reg) if r["trained"]]
    check(len(recs) == 4 and all(r["trainability"] == "test_loss" and isinstance(r["test_r2"], float)
                                 and np.isfinite(r["test_r2"]) and r["test_accuracy"] is None for r in recs),
          "regression sweep: trainability test_loss, finite test_r2, null test_accuracy: "
          + str([(r["trainability"], r["test_r2"]) for r in recs]))
    # test_loss / (1 - R^2) is the test targets' variance: one value per seed (one split)
    by_seed = {}
    for r in recs:
        by_seed.setdefault(r["seed"], []).append(r["test_loss"] / (1 - r["test_r2"]))
    check(all(max(v) - min(v) <= 1e-12 * max(v) for v in by_seed.values()),
          "test_loss / (1 - test_r2) is one value per seed (the test targets' variance)")
    recs = [r for r in sweep(mlpvar, tmp, "pm", pm) if r["trained"]]
    check(len(recs) == 4 and all(r["trainability"] == "accuracy" and r["test_r2"] is None
                                 and isinstance(r["test_accuracy"], float) for r in recs),
          "+-1 sweep: trainability accuracy, test_r2 null")
    return pm


def rivals_as_sweep(mlpvar, tmp, pm):
    """measure --weights --rivals on a sweep's own network gives its record's scores."""
    recs = sweep(mlpvar, tmp, "riv", pm, ", rivals: [" + ", ".join(ALL_RIVALS) + "]")
    for rec in [r for r in recs if r["seed"] == 1 and r["trained"]]:
        save = os.path.join(tmp, f"riv-save-{rec['depth']}")
        run([mlpvar, "train", "--quiet", "--task", f"csv:{pm}", "--activation", "relu", "--budget", "200",
             "--depth", rec["depth"], "--seed", "1", "--steps", "1", "--save", save])
        init = os.path.join(save, f"relu-d{rec['depth']}-w{rec['width']}-s1", "init.txt")
        got = json.loads(run([mlpvar, "measure", "--weights", init, "--rivals", ",".join(ALL_RIVALS), "--task",
                              f"csv:{pm}", "--test-fraction", "0.25", "--seed", "1", "--json", "--grid", "16"]))
        same = all(got.get("rival_" + k, "missing") == rec["rival_" + k] for k in ALL_RIVALS)
        check(same and got["rival_rows"] == 45, f"measure --weights --rivals --task = the sweep's record at depth "
              f"{rec['depth']}: " + ", ".join(f"{k} {got.get('rival_' + k)} vs {rec['rival_' + k]}"
                                               for k in ALL_RIVALS))
    # without a task: the sweep's uniform points
    path = os.path.join(tmp, "notask.yaml")
    no_target = ["synflow", "jacob_cov", "naswot", "ntk_cond", "linear_regions", "trajectory"]
    with open(path, "w") as f:
        f.write("name: notask\nactivations: [tanh]\nbudget: 300\ndepths: [3]\nseeds: [2]\n"
                "measure: {grid: 16, rivals: [" + ", ".join(no_target) + "]}\n")
    run([mlpvar, "sweep", path, "--out", os.path.join(tmp, "notask"), "--quiet"])
    with open(os.path.join(tmp, "notask", "results.jsonl")) as f:
        rec = [r for r in map(json.loads, f) if r["seed"] == 2][0]
    save = os.path.join(tmp, "notask-save")
    run([mlpvar, "train", "--quiet", "--task", "rings", "--points", "16", "--activation", "tanh", "--budget", "300",
         "--depth", "3", "--seed", "2", "--steps", "1", "--save", save])
    init = os.path.join(save, f"tanh-d3-w{rec['width']}-s2", "init.txt")
    got = json.loads(run([mlpvar, "measure", "--weights", init, "--rivals", ",".join(no_target), "--seed", "2",
                          "--json", "--grid", "16"]))
    check(all(got["rival_" + k] == rec["rival_" + k] for k in no_target) and got["rival_rows"] == 256,
          "measure --weights --rivals without --task = the task-less sweep's record: "
          + ", ".join(f"{k} {got['rival_' + k]} vs {rec['rival_' + k]}" for k in no_target))


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    mlpvar = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="mlpvar-ownnet-") as tmp:
        try:
            regression(mlpvar, tmp)
            pm = sweeps(mlpvar, tmp)
            rivals_as_sweep(mlpvar, tmp, pm)
        except (RuntimeError, KeyError, ValueError, OSError) as e:
            check(False, f"{type(e).__name__}: {e}")
    if failures:
        print(f"\n{len(failures)} failure(s)", file=sys.stderr)
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
