"""Shared by the PyTorch comparison scripts: torch on one thread, or None."""
import os
import sys


def import_torch_one_thread(seed):
    """(torch, nn) running on one thread with the given seed, or None after
    printing the TORCH_MISSING line the benchmark programs look for."""
    # One thread everywhere, whatever BLAS torch was linked against.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        import torch
        from torch import nn
    except Exception as e:  # ImportError, or a broken install
        print(f"TORCH_MISSING cannot import torch with {sys.executable}: {e}")
        return None
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    return torch, nn
