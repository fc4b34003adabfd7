#!/usr/bin/python3
"""The per-network PyTorch loop a user would write instead of libmlpvar's landscape.

Builds N nn.Sequential ReLU MLPs (in -> width x depth -> out), evaluates each on
the g x g grid over [-1, 1]^2 (endpoints included, row i = i-th value of the first
coordinate, as mlpv_landscape does) under torch.no_grad(), one thread, float32,
and copies every output into one [N, out, g*g] tensor (the landscapes).
Model construction is not timed. Each pass is timed in blocks of --block nets; the
reported time is the sum over blocks of each block's best over the --passes passes
(bench_forward times mlpv_landscape the same way: on a shared host the speed of a
core swings within seconds), and the best whole pass is reported beside it.

Prints one machine-readable line (read by bench_forward):
  TORCH_RESULT seconds=<block-best sum> gflops=<rate> best_pass=<seconds> nets=N depth=L
               width=n grid=g flops=<per pass> torch=<version>          (one line)
or, when torch cannot be imported:
  TORCH_MISSING <reason>
and exits 0 in both cases (a missing torch is not a failure of the benchmark).

Run with Debian's /usr/bin/python3 (python3-torch), e.g.
  /usr/bin/python3 bench/torch_forward.py --nets 256 --depth 16 --width 25 --grid 128
"""
import argparse
import sys
import time

from torch_common import import_torch_one_thread


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nets", type=int, default=256)
    ap.add_argument("--depth", type=int, default=16)
    ap.add_argument("--width", type=int, default=25)
    ap.add_argument("--in-dim", type=int, default=2)
    ap.add_argument("--out-dim", type=int, default=1)
    ap.add_argument("--grid", type=int, default=128)
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--block", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    got = import_torch_one_thread(a.seed)
    if got is None:
        return 0
    torch, nn = got
    dt = torch.float32

    def make_net():
        layers = [nn.Linear(a.in_dim, a.width), nn.ReLU()]
        for _ in range(a.depth - 1):
            layers += [nn.Linear(a.width, a.width), nn.ReLU()]
        layers.append(nn.Linear(a.width, a.out_dim))
        return nn.Sequential(*layers).to(dt).eval()

    nets = [make_net() for _ in range(a.nets)]
    g = a.grid
    points = g * g
    fan = [(a.in_dim, a.width)] + [(a.width, a.width)] * (a.depth - 1) + [(a.width, a.out_dim)]
    flops = 2.0 * points * sum(i * o for i, o in fan) * a.nets

    block = max(1, a.block)
    nblocks = (a.nets + block - 1) // block
    block_best = [float("inf")] * nblocks
    best_pass = float("inf")
    with torch.no_grad():
        out = torch.empty(a.nets, a.out_dim, points, dtype=torch.float64)
        for _ in range(max(1, a.passes)):
            t0 = time.perf_counter()
            s = torch.linspace(-1.0, 1.0, g, dtype=dt)
            ss, tt = torch.meshgrid(s, s, indexing="ij")
            x = torch.stack([ss.reshape(-1), tt.reshape(-1)], dim=1)  # [points, 2]
            if a.in_dim != 2:  # a 2-D slice through the origin along the first two axes
                x = torch.cat([x, torch.zeros(points, a.in_dim - 2, dtype=dt)], dim=1)
            tb = time.perf_counter()
            for b in range(nblocks):
                for k in range(b * block, min(a.nets, (b + 1) * block)):
                    out[k].copy_(nets[k](x).t())
                t = time.perf_counter()
                block_best[b] = min(block_best[b], t - tb)
                tb = t
            best_pass = min(best_pass, time.perf_counter() - t0)
    best = sum(block_best)

    print(f"TORCH_RESULT seconds={best:.6f} gflops={flops / best / 1e9:.3f} "
          f"best_pass={best_pass:.6f} nets={a.nets} "
          f"depth={a.depth} width={a.width} grid={g} flops={flops:.6g} torch={torch.__version__}",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
