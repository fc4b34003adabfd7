#!/usr/bin/python3
"""The per-network PyTorch training loop a user would write instead of mlpv_train.

For each of N networks: an nn.Sequential MLP (in -> width x depth ReLU -> out),
float32, one thread, MSE loss (mean over points and outputs), torch.optim.Adam
(lr, betas 0.9/0.999, eps 1e-8), S full-batch steps on its training points.
Model construction, loading the weights and the data are not timed; the timed
part is Adam's construction plus the S steps (zero_grad(set_to_none=True),
forward, loss, backward, step).

With --data FILE (written by bench_train) every network starts from the given
weights and trains on the given points, so the work is exactly mlpv_train's:
FILE holds, per network, float32 in the machine's byte order,
  W_0 [out x in], b_0, W_1, b_1, ..., W_depth, b_depth   (mlpv_net's flat layout)
  x [points x in_dim], y [points x out_dim]
Without --data the weights are PyTorch's defaults and the points random with
checkerboard labels (same shapes, same amount of work).

Each pass trains every network from its initial weights; a network's time is
its best over --passes passes, and the total is the sum over networks
(bench_train times mlpv_train the same way).

Prints machine-readable lines (read by bench_train):
  TORCH_NET net=k seconds=<best> init_loss=<MSE at start> final_loss=<MSE after S steps>
  TORCH_RESULT seconds=<sum of bests> best_pass=<seconds> gflops=<rate> nets=N depth=L
               width=n points=P steps=S torch=<version>                 (one line)
or, when torch cannot be imported:
  TORCH_MISSING <reason>
and exits 0 in both cases (a missing torch is not a failure of the benchmark).
FLOPs: 6 * points * sum_l(fan_in * fan_out) per step, as bench_train counts them.

Run with Debian's /usr/bin/python3 (python3-torch), e.g.
  /usr/bin/python3 bench/torch_train.py --nets 4 --depth 8 --width 20 --points 4096
"""
import argparse
import sys
import time

from torch_common import import_torch_one_thread


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None)
    ap.add_argument("--nets", type=int, default=4)
    ap.add_argument("--depth", type=int, default=8)
    ap.add_argument("--width", type=int, default=20)
    ap.add_argument("--in-dim", type=int, default=2)
    ap.add_argument("--out-dim", type=int, default=1)
    ap.add_argument("--points", type=int, default=4096)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--cells", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    got = import_torch_one_thread(a.seed)
    if got is None:
        return 0
    torch, nn = got
    dt = torch.float32
    fan = [(a.in_dim, a.width)] + [(a.width, a.width)] * (a.depth - 1) + [(a.width, a.out_dim)]
    n_params = sum(i * o + o for i, o in fan)
    per_net = n_params + a.points * (a.in_dim + a.out_dim)
    flops_net = 6.0 * a.points * sum(i * o for i, o in fan) * a.steps

    # Initial weights and data, per net: (flat params or None, x, y).
    inits = []
    if a.data:
        with open(a.data, "rb") as f:
            raw = bytearray(f.read())
        if len(raw) != 4 * per_net * a.nets:
            print(f"bench/torch_train.py: {a.data} holds {len(raw)} bytes, expected "
                  f"{4 * per_net * a.nets} for {a.nets} nets", file=sys.stderr)
            return 1
        allv = torch.frombuffer(raw, dtype=dt)
        for k in range(a.nets):
            v = allv[k * per_net:(k + 1) * per_net]
            p = v[:n_params].clone()
            x = v[n_params:n_params + a.points * a.in_dim].reshape(a.points, a.in_dim).clone()
            y = v[n_params + a.points * a.in_dim:].reshape(a.points, a.out_dim).clone()
            inits.append((p, x, y))
    else:
        for k in range(a.nets):
            x = torch.rand(a.points, a.in_dim, dtype=dt) * 2 - 1
            c = torch.clamp(((x[:, :2] + 1) * a.cells / 2).floor(), max=a.cells - 1)
            y = (1 - 2 * ((c[:, 0] + c[:, 1]) % 2)).reshape(-1, 1).expand(a.points, a.out_dim).clone()
            inits.append((None, x, y))

    def make_net(p):
        layers = []
        for l, (i, o) in enumerate(fan):
            layers.append(nn.Linear(i, o))
            if l < len(fan) - 1:
                layers.append(nn.ReLU())
        net = nn.Sequential(*layers).to(dt)
        if p is not None:
            off = 0
            with torch.no_grad():
                for lin in (m for m in net if isinstance(m, nn.Linear)):
                    o, i = lin.weight.shape
                    lin.weight.copy_(p[off:off + o * i].reshape(o, i))
                    off += o * i
                    lin.bias.copy_(p[off:off + o])
                    off += o
        return net

    loss_fn = nn.MSELoss()
    best = [float("inf")] * a.nets
    init_loss = [float("nan")] * a.nets
    final_loss = [float("nan")] * a.nets
    best_pass = float("inf")
    for _ in range(max(1, a.passes)):
        pass_s = 0.0
        for k in range(a.nets):
            p, x, y = inits[k]
            net = make_net(p)
            with torch.no_grad():
                init_loss[k] = loss_fn(net(x), y).item()
            t0 = time.perf_counter()
            opt = torch.optim.Adam(net.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
            for _s in range(a.steps):
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(net(x), y)
                loss.backward()
                opt.step()
            t = time.perf_counter() - t0
            pass_s += t
            best[k] = min(best[k], t)
            with torch.no_grad():
                final_loss[k] = loss_fn(net(x), y).item()
        best_pass = min(best_pass, pass_s)
    for k in range(a.nets):
        print(f"TORCH_NET net={k} seconds={best[k]:.6f} init_loss={init_loss[k]:.9g} "
              f"final_loss={final_loss[k]:.9g}", flush=True)
    total = sum(best)
    print(f"TORCH_RESULT seconds={total:.6f} best_pass={best_pass:.6f} "
          f"gflops={flops_net * a.nets / total / 1e9:.3f} nets={a.nets} depth={a.depth} "
          f"width={a.width} points={a.points} steps={a.steps} torch={torch.__version__}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
