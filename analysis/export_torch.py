#!/usr/bin/python3
"""Export a PyTorch MLP to mlpvar's plain-text weight format, and load one back.

The format (include/mlpvar/weights_file.h):

    mlpvar-weights 1
    activation relu
    layers 3                  # linear layers; the activation follows all but the last
    layer 2 16                # fan_in fan_out
    <fan_out x fan_in weights, [out, in] row order, one row per line>
    <fan_out biases>
    ...

Supported models: an ``nn.Sequential`` of the form
``Linear, act, Linear, act, ..., Linear`` with one activation throughout, at
least one hidden layer, and every hidden layer of one width. Activations and
the names mlpvar knows them by:

    nn.ReLU -> relu            nn.Tanh -> tanh          nn.Sigmoid -> sigmoid
    nn.GELU() -> gelu          (exact erf form; approximate='tanh' is refused)
    nn.SiLU -> silu            nn.ELU(alpha=1) -> elu   nn.Softplus(beta=1) -> softplus
    nn.LeakyReLU(0.01) -> leaky_relu                    nn.Identity -> identity
    Abs -> abs, Sin -> sin     (the small modules defined in this file)

nn.Softplus has a threshold (default 20) above which PyTorch returns x itself;
mlpvar computes x + log1p(exp(-x)), which differs there by less than 2.1e-9.

Numbers are written with Python's repr, the shortest text that reads back to
the same double, so a float32 or float64 model is reproduced exactly.

The reverse, ``load(path)``, reads any weight file (mlpvar's own, e.g. the
init.txt and trained.txt of ``mlpvar train --save``, or one written here) into
an ``nn.Sequential`` of ``Linear, act, ..., Linear`` in float64 (``dtype=`` to
change), every number exactly as written: ``export(load(p), q)`` describes the
same network as p.

Command line (Debian's /usr/bin/python3 has torch):

    /usr/bin/python3 analysis/export_torch.py MODEL.pt OUT.txt
    /usr/bin/python3 analysis/export_torch.py --demo OUT.txt [--activation relu]
        [--depth 3] [--width 16] [--in-dim 2] [--out-dim 1] [--seed 0]

MODEL.pt is a whole model saved with ``torch.save(model, path)``; loading one
runs pickled code, so only load files you trust.
"""

import argparse
import math
import sys

FORMAT_VERSION = 1
LEAKY_RELU_SLOPE = 0.01   # src/lib/activation.c, LEAKY_SLOPE (PyTorch's default)
ACTIVATION_NAMES = ("relu", "abs", "leaky_relu", "tanh", "gelu", "silu", "elu",
                    "softplus", "sigmoid", "sin", "identity")

_module_classes = None


def _modules():
    """The Abs and Sin modules, built on first use so that importing this file
    (and --help) does not need torch."""
    global _module_classes
    if _module_classes is None:
        import torch
        from torch import nn

        class Abs(nn.Module):
            """phi(x) = |x|, mlpvar's "abs"."""

            def forward(self, x):
                return torch.abs(x)

        class Sin(nn.Module):
            """phi(x) = sin(x), mlpvar's "sin"."""

            def forward(self, x):
                return torch.sin(x)

        Abs.__module__ = __name__
        Sin.__module__ = __name__
        Abs.__qualname__ = "Abs"
        Sin.__qualname__ = "Sin"
        _module_classes = {"Abs": Abs, "Sin": Sin}
    return _module_classes


def __getattr__(name):
    # `from export_torch import Abs, Sin` (and unpickling a saved model that uses
    # them) builds the classes lazily.
    if name in ("Abs", "Sin"):
        return _modules()[name]
    raise AttributeError(name)


def make_activation(name):
    """The torch module for one of mlpvar's activation names."""
    from torch import nn
    table = {
        "relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "silu": nn.SiLU,
        "gelu": nn.GELU, "elu": nn.ELU, "softplus": nn.Softplus, "identity": nn.Identity,
        "leaky_relu": lambda: nn.LeakyReLU(LEAKY_RELU_SLOPE),
        "abs": lambda: _modules()["Abs"](), "sin": lambda: _modules()["Sin"](),
    }
    if name not in table:
        raise ValueError(f"unknown activation {name!r}; use one of: {', '.join(ACTIVATION_NAMES)}")
    return table[name]()


def _matches(module, fn):
    """module computes fn on a probe (for user-defined Abs/Sin look-alikes)."""
    import torch
    x = torch.linspace(-3.0, 3.0, 25, dtype=torch.float64)
    try:
        with torch.no_grad():
            y = module(x.clone())
    except Exception:
        return False
    return isinstance(y, torch.Tensor) and y.shape == x.shape and bool(torch.allclose(
        y.to(torch.float64), fn(x), rtol=0, atol=1e-12))


def activation_name(module):
    """mlpvar's name for an activation module, or ValueError if mlpvar has no
    exact equivalent. Types are matched exactly (a subclass may change forward)."""
    import torch
    from torch import nn
    cls = type(module)
    simple = {nn.ReLU: "relu", nn.Tanh: "tanh", nn.Sigmoid: "sigmoid", nn.SiLU: "silu",
              nn.Identity: "identity"}
    if cls in simple:
        return simple[cls]
    if cls is nn.GELU:
        approx = getattr(module, "approximate", "none")
        if approx != "none":
            raise ValueError(f"nn.GELU(approximate={approx!r}) is not supported: mlpvar's gelu is "
                             "the exact erf form; use nn.GELU() (approximate='none')")
        return "gelu"
    if cls is nn.ELU:
        if float(module.alpha) != 1.0:
            raise ValueError(f"nn.ELU(alpha={module.alpha}) is not supported: mlpvar's elu has "
                             "alpha = 1; use nn.ELU()")
        return "elu"
    if cls is nn.Softplus:
        if float(module.beta) != 1.0:
            raise ValueError(f"nn.Softplus(beta={module.beta}) is not supported: mlpvar's softplus "
                             "has beta = 1; use nn.Softplus()")
        return "softplus"
    if cls is nn.LeakyReLU:
        if float(module.negative_slope) != LEAKY_RELU_SLOPE:
            raise ValueError(f"nn.LeakyReLU(negative_slope={module.negative_slope}) is not "
                             f"supported: mlpvar's leaky_relu has slope {LEAKY_RELU_SLOPE}; "
                             f"use nn.LeakyReLU({LEAKY_RELU_SLOPE})")
        return "leaky_relu"
    ours = _modules()
    if cls is ours["Abs"] or (cls.__name__ == "Abs" and _matches(module, torch.abs)):
        return "abs"
    if cls is ours["Sin"] or (cls.__name__ == "Sin" and _matches(module, torch.sin)):
        return "sin"
    raise ValueError(f"unsupported module {cls.__name__}: mlpvar knows nn.ReLU, nn.Tanh, nn.GELU, "
                     "nn.SiLU, nn.ELU, nn.Softplus, nn.Sigmoid, nn.LeakyReLU, nn.Identity and the "
                     "Abs and Sin modules of analysis/export_torch.py")


def _layers(model):
    """[(Linear, ...)], activation name: the model checked against mlpvar's shape."""
    from torch import nn
    if not isinstance(model, nn.Sequential):
        raise ValueError(f"expected an nn.Sequential of nn.Linear and activation modules, "
                         f"got {type(model).__name__}")
    mods = list(model.children())
    if not mods:
        raise ValueError("the nn.Sequential is empty")
    linears, acts = [], []
    for i, m in enumerate(mods):
        want_linear = i % 2 == 0
        if want_linear and not isinstance(m, nn.Linear):
            raise ValueError(f"module {i} is {type(m).__name__}, expected nn.Linear: mlpvar needs "
                             "Linear, activation, Linear, ..., Linear (one activation between "
                             "consecutive Linear layers, none at the end)")
        if not want_linear:
            if isinstance(m, nn.Linear):
                raise ValueError(f"module {i} is nn.Linear right after another nn.Linear; put an "
                                 "activation between them (nn.Identity() for none)")
            acts.append((i, activation_name(m)))
        else:
            linears.append(m)
    if not isinstance(mods[-1], nn.Linear):
        raise ValueError(f"the last module is {type(mods[-1]).__name__}; mlpvar's output layer is "
                         "linear, so the model must end with nn.Linear")
    if len(linears) < 2:
        raise ValueError("the model has no hidden layer; mlpvar needs at least "
                         "Linear, activation, Linear")
    names = {a for _, a in acts}
    if len(names) > 1:
        raise ValueError("mixed activations (" + ", ".join(f"module {i}: {a}" for i, a in acts)
                         + "); mlpvar needs one activation after every hidden layer")
    for k in range(1, len(linears)):
        if linears[k].in_features != linears[k - 1].out_features:
            raise ValueError(f"Linear layer {k + 1} has in_features {linears[k].in_features} but "
                             f"layer {k} has out_features {linears[k - 1].out_features}")
    widths = [lin.out_features for lin in linears[:-1]]
    if len(set(widths)) > 1:
        raise ValueError(f"hidden layers of unequal widths {widths}; mlpvar needs all hidden "
                         "layers of one width")
    return linears, acts[0][1]


def _check_finite(values, what):
    for v in values:
        if not math.isfinite(v):
            raise ValueError(f"{what} contains {v}; mlpvar reads finite weights only")


def export(model, path):
    """Writes model (an nn.Sequential, see the module docstring) to path in
    mlpvar's weight format. Raises ValueError for a model mlpvar cannot
    represent exactly."""
    import torch
    linears, act = _layers(model)
    lines = [f"# exported from PyTorch by analysis/export_torch.py: {len(linears) - 1} hidden "
             f"layer(s) of width {linears[0].out_features}, {linears[0].in_features} -> "
             f"{linears[-1].out_features}",
             f"mlpvar-weights {FORMAT_VERSION}", f"activation {act}", f"layers {len(linears)}"]
    with torch.no_grad():
        for k, lin in enumerate(linears, 1):
            W = lin.weight.detach().to(device="cpu", dtype=torch.float64).tolist()
            if lin.bias is not None:
                b = lin.bias.detach().to(device="cpu", dtype=torch.float64).tolist()
            else:
                b = [0.0] * lin.out_features
            lines.append(f"layer {lin.in_features} {lin.out_features}")
            for o, row in enumerate(W):
                _check_finite(row, f"weight row {o} of Linear layer {k}")
                lines.append(" ".join(repr(float(v)) for v in row))
            _check_finite(b, f"bias of Linear layer {k}")
            lines.append(" ".join(repr(float(v)) for v in b))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def _tokens(path):
    """(token, line) pairs of a weight file: whitespace-separated, '#' to the end
    of a line is a comment (weights_file.h)."""
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            for tok in line.split("#", 1)[0].split():
                yield tok, lineno


def load(path, dtype=None):
    """The network in weight file `path` as an nn.Sequential (Linear, act, ...,
    Linear), parameters in dtype (default torch.float64). Raises ValueError
    naming path:line for a file mlpvar would refuse."""
    import torch
    from torch import nn
    dtype = torch.float64 if dtype is None else dtype
    toks = _tokens(path)
    where = [path, 0]

    def nxt(what):
        try:
            tok, where[1] = next(toks)
        except StopIteration:
            raise ValueError(f"{path}: truncated file: expected {what}") from None
        return tok

    def bad(msg):
        return ValueError(f"{where[0]}:{where[1]}: {msg}")

    def integer(what, lo):
        tok = nxt(what)
        try:
            v = int(tok)
        except ValueError:
            raise bad(f"{what} is {tok!r}, not a whole number") from None
        if v < lo:
            raise bad(f"{what} is {v}, below {lo}")
        return v

    if nxt("'mlpvar-weights'") != "mlpvar-weights":
        raise bad("not an mlpvar weight file: it must start with 'mlpvar-weights 1'")
    if integer("the format version", 1) != FORMAT_VERSION:
        raise bad(f"unsupported format version; this reader knows {FORMAT_VERSION}")
    if nxt("'activation'") != "activation":
        raise bad("expected 'activation NAME'")
    act = nxt("the activation name")
    if act not in ACTIVATION_NAMES:
        raise bad(f"unknown activation {act!r}; use one of: {', '.join(ACTIVATION_NAMES)}")
    if nxt("'layers'") != "layers":
        raise bad("expected 'layers N'")
    nl = integer("the number of layers", 2)
    mods, prev = [], None
    for k in range(1, nl + 1):
        if nxt(f"'layer' (layer {k} of {nl})") != "layer":
            raise bad(f"expected 'layer FAN_IN FAN_OUT' (layer {k} of {nl})")
        fi, fo = integer(f"fan_in of layer {k}", 1), integer(f"fan_out of layer {k}", 1)
        if prev is not None and fi != prev:
            raise bad(f"layer {k} has fan_in {fi} but layer {k - 1} has fan_out {prev}")
        vals = []
        for i in range(fo * fi + fo):
            tok = nxt(f"number {i + 1} of the {fo * fi + fo} of layer {k}")
            try:
                if "_" in tok:   # Python's float takes 1_000; mlpvar's strtod does not
                    raise ValueError
                v = float(tok)
            except ValueError:
                raise bad(f"{tok!r} is not a number (layer {k})") from None
            if not math.isfinite(v):
                raise bad(f"{tok!r} in layer {k} is not finite")
            vals.append(v)
        lin = nn.Linear(fi, fo, dtype=dtype)
        with torch.no_grad():
            # from float64 text: exact in float64, rounded once in a narrower dtype
            full = torch.tensor(vals, dtype=torch.float64)
            lin.weight.copy_(full[:fo * fi].reshape(fo, fi))
            lin.bias.copy_(full[fo * fi:])
        if mods:
            mods.append(make_activation(act))
        mods.append(lin)
        prev = fo
    try:
        tok, where[1] = next(toks)
        raise bad(f"trailing {tok!r} after the last layer")
    except StopIteration:
        pass
    model = nn.Sequential(*mods)
    _layers(model)   # mlpvar's shape rules (one hidden width, at least one hidden layer)
    return model


def demo_model(activation="relu", depth=3, width=16, in_dim=2, out_dim=1, seed=0):
    """A random nn.Sequential of mlpvar's shape (PyTorch's default init)."""
    import torch
    from torch import nn
    if depth < 1 or width < 1 or in_dim < 1 or out_dim < 1:
        raise ValueError("depth, width, in_dim and out_dim must be >= 1")
    torch.manual_seed(seed)
    mods, fan_in = [], in_dim
    for _ in range(depth):
        mods += [nn.Linear(fan_in, width), make_activation(activation)]
        fan_in = width
    mods.append(nn.Linear(fan_in, out_dim))
    return nn.Sequential(*mods)


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Export a PyTorch nn.Sequential MLP to mlpvar's weight format.",
        epilog="Run with Debian's /usr/bin/python3, which has torch (python3-torch).")
    p.add_argument("model", nargs="?", help="a whole model saved with torch.save(model, path)")
    p.add_argument("out", nargs="?", help="the weight file to write")
    p.add_argument("--demo", metavar="OUT", help="build a random model and export it to OUT")
    p.add_argument("--activation", default="relu", choices=ACTIVATION_NAMES)
    p.add_argument("--depth", type=int, default=3, help="hidden layers (default 3)")
    p.add_argument("--width", type=int, default=16, help="hidden width (default 16)")
    p.add_argument("--in-dim", type=int, default=2, help="inputs (default 2)")
    p.add_argument("--out-dim", type=int, default=1, help="outputs (default 1)")
    p.add_argument("--seed", type=int, default=0, help="torch.manual_seed (default 0)")
    a = p.parse_args(argv)
    try:
        if a.demo:
            if a.model or a.out:
                p.error("--demo OUT takes no MODEL.pt or second output")
            model = demo_model(a.activation, a.depth, a.width, a.in_dim, a.out_dim, a.seed)
            export(model, a.demo)
            print(f"wrote {a.demo}", file=sys.stderr)
            return 0
        if not a.model or not a.out:
            p.error("give MODEL.pt OUT.txt, or --demo OUT.txt")
        try:
            import torch
        except ImportError:
            print("export_torch: cannot import torch; run with /usr/bin/python3 "
                  "(Debian's python3-torch)", file=sys.stderr)
            return 1
        # Models that use Abs or Sin were pickled as <module>.Abs; make both
        # spellings of this module resolvable.
        this = sys.modules[__name__]
        sys.modules.setdefault("export_torch", this)
        _modules()
        try:
            model = torch.load(a.model, map_location="cpu", weights_only=False)
        except TypeError:   # torch < 1.13 has no weights_only
            model = torch.load(a.model, map_location="cpu")
        export(model, a.out)
        print(f"wrote {a.out}", file=sys.stderr)
        return 0
    except ImportError as e:
        print(f"export_torch: {e}; run with /usr/bin/python3 (Debian's python3-torch)", file=sys.stderr)
        return 1
    except (ValueError, OSError) as e:
        print(f"export_torch: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
