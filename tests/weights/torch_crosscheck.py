#!/usr/bin/python3
"""Cross-check of mlpvar against PyTorch on exported weight files.

usage: /usr/bin/python3 tests/weights/torch_crosscheck.py PATH/TO/mlpvar

For random nn.Sequential models (relu, abs, tanh, exact gelu at depth 1 and 4,
in_dim 2, out_dim 1, and the other activations at depth 2) exported with
analysis/export_torch.py:
  * `mlpvar landscape --weights F --grid 33 --csv OUT` equals torch's float64
    evaluation on the grid x1 = -1 + 2i/32 (rows), x2 = -1 + 2j/32 (columns)
    to max |diff| < 1e-9 max |f|;
  * `mlpvar measure --weights F --json` prints an object with variability,
    collapse_ratio, grid and order, and its variability equals V_3 computed here
    from torch's landscape on the default 128 x 128 grid (docs/definitions.md) to 1e-9
    relative.
Also checks the exporter itself: its command line (a saved model, --demo,
--help without torch) and its ValueErrors. Exits 77 (a skip) where torch
cannot be imported.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANALYSIS = HERE.parent.parent / "analysis"
EXPORTER = ANALYSIS / "export_torch.py"
sys.path.insert(0, str(ANALYSIS))

try:
    import torch                  # noqa: E402
    from torch import nn          # noqa: E402
except ImportError as e:          # meson shows exit 77 as SKIP
    print(f"torch cannot be imported ({e}): skipped (apt-get install python3-torch)")
    sys.exit(77)
import export_torch               # noqa: E402

LANDSCAPE_GRID = 33
MEASURE_GRID = 128                # mlpvar's default grid
ORDER = 3
TOL = 1e-9

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


def grid_values(g):
    return torch.tensor([-1 + 2 * i / (g - 1) for i in range(g)], dtype=torch.float64)


def torch_landscape(model, g):
    """F[i, j] = f(s_i, t_j) in float64, row i = i-th value of the first coordinate."""
    s = grid_values(g)
    X = torch.stack(torch.meshgrid(s, s, indexing="ij"), dim=-1).reshape(-1, 2)
    m = model.double()
    with torch.no_grad():
        return m(X)[:, 0].reshape(g, g)


def variability(F, k=ORDER):
    """V_k = 1/2 [mean |D_s^k F~| + mean |D_t^k F~|], F~ = F / RMS (docs/definitions.md)."""
    rms = torch.sqrt(torch.mean(F * F)).item()
    if rms == 0:
        return 0.0
    Ft = F / rms
    ds = torch.diff(Ft, n=k, dim=0).abs().mean().item()
    dt = torch.diff(Ft, n=k, dim=1).abs().mean().item()
    return 0.5 * (ds + dt)


def collapse_ratio(F):
    rms = torch.sqrt(torch.mean(F * F)).item()
    if rms == 0:
        return 0.0
    return torch.sqrt(torch.mean((F - F.mean()) ** 2)).item() / rms


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {r.returncode}:\n{r.stderr}{r.stdout}")
    return r.stdout


def read_csv(path, g):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            rows.append([float(v) for v in line.split(",")])
    if len(rows) != g or any(len(r) != g for r in rows):
        raise RuntimeError(f"{path}: expected {g} rows of {g} values, got {len(rows)} rows "
                           f"of lengths {sorted({len(r) for r in rows})}")
    return torch.tensor(rows, dtype=torch.float64)


def check_model(mlpvar, tmp, name, model):
    wpath = os.path.join(tmp, name + ".txt")
    export_torch.export(model, wpath)

    # Landscape on a 33 x 33 grid.
    csv = os.path.join(tmp, name + ".csv")
    run([mlpvar, "landscape", "--weights", wpath, "--grid", str(LANDSCAPE_GRID), "--csv", csv])
    got = read_csv(csv, LANDSCAPE_GRID)
    want = torch_landscape(model, LANDSCAPE_GRID)
    scale = want.abs().max().item()
    diff = (got - want).abs().max().item()
    ok = scale > 0 and diff < TOL * scale
    print(f"{name:18s} landscape  max|f| {scale:.3e}  max diff {diff:.3e}  "
          f"{'ok' if ok else 'FAIL'}", flush=True)
    if not ok:
        fail(f"{name}: landscape differs from torch by {diff:.3e} (max |f| {scale:.3e})")

    # Measure on the default grid.
    out = run([mlpvar, "measure", "--weights", wpath, "--json"])
    try:
        rec = json.loads(out, parse_float=str)   # floats kept as text to see their digits
    except json.JSONDecodeError as e:
        fail(f"{name}: measure --json did not print one JSON object ({e}): {out[:300]!r}")
        return
    if not isinstance(rec, dict):
        fail(f"{name}: measure --json printed {type(rec).__name__}, not an object")
        return
    missing = [k for k in ("variability", "collapse_ratio", "grid", "order") if k not in rec]
    if missing:
        fail(f"{name}: measure --json lacks {missing}: {sorted(rec)}")
        return
    if rec["grid"] != MEASURE_GRID or rec["order"] != ORDER:
        fail(f"{name}: measure --json grid {rec['grid']} order {rec['order']}, expected "
             f"{MEASURE_GRID} and {ORDER} by default")
    F = torch_landscape(model, MEASURE_GRID)
    v_want, rho_want = variability(F), collapse_ratio(F)
    v_text = str(rec["variability"])
    v_got, rho_got = float(rec["variability"]), float(rec["collapse_ratio"])
    if name.startswith("identity"):
        # A linear network: V_3 is exactly 0 in theory, rounding noise in practice.
        v_rel = 0.0 if abs(v_got) < 1e-12 and abs(v_want) < 1e-12 else float("inf")
    else:
        v_rel = abs(v_got - v_want) / abs(v_want) if v_want != 0 else abs(v_got)
    rho_err = abs(rho_got - rho_want)
    ok = v_rel < TOL and rho_err < TOL
    print(f"{name:18s} measure    V3 {v_got:.9e} vs torch {v_want:.9e} (rel {v_rel:.1e}), "
          f"rho {rho_got:.6f} vs {rho_want:.6f}  {'ok' if ok else 'FAIL'}", flush=True)
    if v_rel >= TOL:
        digits = len(v_text.lower().split("e")[0].replace("-", "").replace(".", "").lstrip("0"))
        hint = (f" (measure --json printed '{v_text}', only {digits} significant digits: "
                "print numbers with %.17g)" if digits < 15 else "")
        fail(f"{name}: variability {v_got!r} vs torch {v_want!r}, relative error {v_rel:.2e}{hint}")
    if rho_err >= TOL:
        fail(f"{name}: collapse ratio {rho_got!r} vs torch {rho_want!r}")


def expect_value_error(what, model, *phrases):
    try:
        export_torch.export(model, os.devnull)
    except ValueError as e:
        msg = str(e)
        if all(p in msg for p in phrases):
            print(f"exporter refuses {what}: ok", flush=True)
        else:
            fail(f"exporter refusal of {what} lacks {phrases}: {msg}")
        return
    fail(f"exporter accepted {what}")


def check_exporter(tmp):
    L = nn.Linear
    expect_value_error("a non-Sequential model", nn.Linear(2, 1), "nn.Sequential")
    expect_value_error("tanh-approximate GELU",
                       nn.Sequential(L(2, 4), nn.GELU(approximate="tanh"), L(4, 1)), "approximate")
    expect_value_error("mixed activations",
                       nn.Sequential(L(2, 4), nn.ReLU(), L(4, 4), nn.Tanh(), L(4, 1)), "mixed")
    expect_value_error("unequal hidden widths",
                       nn.Sequential(L(2, 4), nn.ReLU(), L(4, 5), nn.ReLU(), L(5, 1)), "widths")
    expect_value_error("LeakyReLU(0.2)", nn.Sequential(L(2, 4), nn.LeakyReLU(0.2), L(4, 1)), "0.01")
    expect_value_error("ELU(alpha=2)", nn.Sequential(L(2, 4), nn.ELU(alpha=2.0), L(4, 1)), "alpha")
    expect_value_error("Softplus(beta=2)", nn.Sequential(L(2, 4), nn.Softplus(beta=2), L(4, 1)), "beta")
    expect_value_error("an unknown module", nn.Sequential(L(2, 4), nn.Hardtanh(), L(4, 1)),
                       "Hardtanh")
    expect_value_error("an activation at the end", nn.Sequential(L(2, 4), nn.ReLU(), L(4, 1), nn.ReLU()),
                       "end with nn.Linear")
    expect_value_error("no hidden layer", nn.Sequential(L(2, 1)), "hidden layer")
    expect_value_error("two Linear in a row", nn.Sequential(L(2, 4), L(4, 1)), "nn.Linear")
    bad = nn.Sequential(L(2, 4), nn.ReLU(), L(4, 1))
    with torch.no_grad():
        bad[0].weight[1, 1] = float("nan")
    expect_value_error("a NaN weight", bad, "finite")

    # A layer without bias is written with zero biases; the look-alike Abs check.
    class Abs(nn.Module):
        def forward(self, x):
            return x.abs()
    m = nn.Sequential(L(2, 3, bias=False), Abs(), L(3, 1))
    path = os.path.join(tmp, "nobias.txt")
    export_torch.export(m, path)
    text = open(path).read()
    if "activation abs" not in text or "\n0.0 0.0 0.0\n" not in text:
        fail(f"bias-free Abs model exported wrongly:\n{text}")

    # Command line: a saved whole model (using the exporter's own Abs), --demo, --help.
    model = nn.Sequential(L(2, 5), export_torch.Abs(), L(5, 5), export_torch.Abs(), L(5, 1))
    pt = os.path.join(tmp, "model.pt")
    torch.save(model, pt)
    direct, via_cli = os.path.join(tmp, "direct.txt"), os.path.join(tmp, "cli.txt")
    export_torch.export(model, direct)
    run([sys.executable, str(EXPORTER), pt, via_cli])
    if open(direct).read() != open(via_cli).read():
        fail("export_torch.py MODEL.pt OUT differs from export(model, OUT)")
    demo = os.path.join(tmp, "demo.txt")
    run([sys.executable, str(EXPORTER), "--demo", demo, "--activation", "tanh", "--depth", "2",
         "--width", "6", "--seed", "3"])
    head = open(demo).read()
    if "activation tanh" not in head or "layers 3" not in head or "layer 6 6" not in head:
        fail(f"--demo wrote an unexpected file:\n{head[:400]}")
    no_torch = ("import sys, runpy; sys.modules['torch'] = None; "
                f"sys.argv = ['export_torch.py', '--help']; runpy.run_path({str(EXPORTER)!r}, "
                "run_name='__main__')")
    out = run([sys.executable, "-c", no_torch])
    if "--demo" not in out:
        fail("export_torch.py --help without torch printed no usage")
    print("exporter command line: ok" if not failures else "exporter command line: see above",
          flush=True)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    mlpvar = sys.argv[1]
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory(prefix="mlpvar-torch-") as tmp:
        check_exporter(tmp)
        seed = 0
        cases = [(a, d) for a in ("relu", "abs", "tanh", "gelu") for d in (1, 4)]
        cases += [(a, 2) for a in ("leaky_relu", "silu", "elu", "softplus", "sigmoid", "sin",
                                   "identity")]
        for act, depth in cases:
            seed += 1
            model = export_torch.demo_model(act, depth=depth, width=16, in_dim=2, out_dim=1,
                                            seed=seed)
            # Biases larger than PyTorch's default so the kinks sit inside the domain.
            with torch.no_grad():
                for mod in model:
                    if isinstance(mod, nn.Linear):
                        mod.bias.normal_(0.0, 0.3)
            try:
                check_model(mlpvar, tmp, f"{act}-depth{depth}", model)
            except RuntimeError as e:
                fail(f"{act}-depth{depth}: {e}")
    if failures:
        print(f"\n{len(failures)} failure(s)", file=sys.stderr)
        return 1
    print("\nall torch cross-checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
