"""What test_ownnet.py and torch_ownnet.py share: named checks that collect
failures, and running a command that must succeed."""
import subprocess

failures = []


def check(ok, msg):
    print(("ok:   " if ok else "FAIL: ") + msg, flush=True)
    if not ok:
        failures.append(msg)


def run(cmd):
    r = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {r.returncode}:\n{r.stderr}{r.stdout}")
    return r.stdout
