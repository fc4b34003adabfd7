#!/usr/bin/python3
"""The fuzz suite: seeded, deterministic mutations of mlpvar's inputs.

usage: fuzz.py MLPVAR FUZZ_READ SRCDIR SANITIZE [--seed S] [--scale X] [--jobs J]
               [--only CATEGORY:INDEX] [--save DIR]

Five categories of cases, each case derived from (seed, category, index) alone:
  sweep    sweep files mutated (bytes, numbers, names, nesting, sizes, encodings),
           read by fuzz_read and, for some, by `mlpvar sweep FILE --dry-run`
  csv      CSV data mutated, read by fuzz_read and `mlpvar train --task csv:F`
  weights  weight files mutated, read by fuzz_read and `mlpvar measure --weights`
  options  command lines of every command with values mutated (measure --weights
           --rivals --task and train --save among them)
  store    results folders damaged (garbage, blank lines, duplicates, the file
           appended to itself, cut lines, flipped bytes, bad UTF-8, folders where
           files belong, manifests missing or wrong), read by `mlpvar results`;
           a few resumed by `mlpvar sweep`
Every command must: exit 0 or 2 (bad input), 1 never (the cases make no system
failure); on exit 2 write exactly one line to stderr; leave no sanitizer report;
take under 5 s of CPU. For store cases the count `mlpvar results` prints must
equal the count of an independent oracle (analysis/mlpvar_results.py's
read_store: the store's rules implemented in Python), its summary must match,
and a resumed sweep must end with one record per network and the bad lines in
quarantine.jsonl. Cases that found bugs live in tests/fuzz/regress/*.json and
run every time. The last line: "fuzz: N cases (sweep ..., store ...): F failures".
"""
import argparse
import base64
import concurrent.futures
import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SANITIZER_MARKS = (b"ERROR: AddressSanitizer", b"runtime error:", b"LeakSanitizer", b"ERROR: UndefinedBehavior")
CPU_LIMIT = 5.0
WALL_LIMIT = 60.0
COUNTS = {"sweep": 400, "csv": 200, "weights": 200, "options": 200, "store": 250}


class Popen(subprocess.Popen):
    """Popen that keeps the child's resource usage (CPU time) from wait4."""
    rusage = None

    def _try_wait(self, wait_flags):
        try:
            pid, sts, ru = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return (self.pid, 0)
        if pid == self.pid:
            self.rusage = ru
        return (pid, sts)


# ---------------------------------------------------------------- the case ---

class Case:
    """Files to lay out in a fresh folder {d}, commands to run there (argv lists
    with {d}, {mlpvar}, {read} placeholders), and what to expect."""

    def __init__(self, category, name):
        self.category, self.name = category, name
        self.files, self.dirs, self.steps = {}, [], []
        self.expect = {}

    def step(self, argv, ok=(0, 2)):
        self.steps.append({"argv": argv, "ok": list(ok)})
        return self

    def to_json(self):
        return {"category": self.category, "name": self.name,
                "files": {k: base64.b64encode(v).decode() for k, v in self.files.items()},
                "dirs": self.dirs, "steps": self.steps, "expect": self.expect}

    @staticmethod
    def from_json(j):
        c = Case(j["category"], j["name"])
        c.files = {k: base64.b64decode(v) for k, v in j.get("files", {}).items()}
        for k, (head, unit, count, tail) in j.get("files_gen", {}).items():   # large files, made on the fly
            c.files[k] = head.encode() + unit.encode() * count + tail.encode()
        c.dirs, c.steps, c.expect = j["dirs"], j["steps"], j.get("expect", {})
        return c


# ------------------------------------------------------------- mutations ---

JUNK = [b"[", b"]", b"{", b"}", b":", b",", b'"', b"'", b"-", b" ", b"\n", b"\t", b"\0", b"\xff", b"\xc3",
        b"&a ", b"*a", b"!!str ", b"%", b"#", b"|", b">", b"? ", b"\r", b"\x01", b"\xef\xbb\xbf", b"..", b"\\"]
NUMBERS = [b"0", b"-1", b"1", b"2", b"3", b"513", b"8193", b"100000", b"1000000000000", b"99999999999999999999",
           b"1e400", b"1.5", b"nan", b".inf", b"0x10", b"1e4", b'"1..100000"', b'"5..1"', b'"1..20000"',
           b"~", b"null", b"[]", b"{}", b"[1, 1]", b'""', b"-0", b"1e-400", b'"1..3"', b"2000000", b"+4"]
WORDS = [b"relu", b"abs", b"csv", b"rings", b"adam", b"float", b"double", b"name", b"parts", b"measure",
         b"train", b"task", b'""', b"''", b"!!binary AA==", b'"a\\0b"', b'"\\x01"', b"x" * 300, b"\xe2\x80\xa8",
         b"checkerboard", b"naswot", b"\xf0\x9f\x98\x80", b"data.csv", b"/dev/zero", b".", b"../x"]


def flip(rng, b):
    if not b:
        return b
    i = rng.randrange(len(b))
    return b[:i] + bytes([b[i] ^ (1 << rng.randrange(8))]) + b[i + 1:]


def insert(rng, b, what):
    i = rng.randrange(len(b) + 1)
    return b[:i] + what + b[i:]


def delete(rng, b):
    if not b:
        return b
    i = rng.randrange(len(b))
    return b[:i] + b[i + rng.randrange(1, 40):]


def lines_of(b):
    return b.split(b"\n")


def dup_line(rng, b):
    ls = lines_of(b)
    i = rng.randrange(len(ls))
    ls.insert(rng.randrange(len(ls) + 1), ls[i])
    return b"\n".join(ls)


def swap_lines(rng, b):
    ls = lines_of(b)
    i, j = rng.randrange(len(ls)), rng.randrange(len(ls))
    ls[i], ls[j] = ls[j], ls[i]
    return b"\n".join(ls)


def replace_token(rng, b, pattern, pool):
    spots = [m.span() for m in re.finditer(pattern, b)]
    if not spots:
        return insert(rng, b, rng.choice(pool))
    s, e = rng.choice(spots)
    return b[:s] + rng.choice(pool) + b[e:]


def generic(rng, b, pool):
    """One mutation any text input may get."""
    k = rng.randrange(9)
    if k == 0:
        return flip(rng, b)
    if k == 1:
        return insert(rng, b, rng.choice(JUNK))
    if k == 2:
        return delete(rng, b)
    if k == 3:
        return dup_line(rng, b)
    if k == 4:
        return swap_lines(rng, b)
    if k == 5:
        return b[:rng.randrange(len(b) + 1)]                          # truncated
    if k == 6:
        return b.replace(b"\n", b"\r\n") if rng.random() < 0.5 else insert(rng, b, rng.choice([b"\xff", b"\xc0\x80",
                                                                                             b"\xed\xa0\x80"]))
    if k == 7:
        return replace_token(rng, b, rb"-?[0-9][0-9.e+-]*", NUMBERS)
    return replace_token(rng, b, rb"[A-Za-z_][A-Za-z_0-9]*", pool)


# ---------------------------------------------------------------- sweep ---

def sweep_case(rng, seeds, name):
    good = [s for s in seeds if not s[0].startswith("bad_")]
    base_name, text = rng.choice(good if rng.random() < 0.85 else seeds)
    c = Case("sweep", name)
    kind = rng.random()
    if kind < 0.06:                                                   # deep nesting
        depth = rng.choice([12, 17, 100, 5000, 100000])
        text = insert(rng, text, b"[" * depth) if rng.random() < 0.5 else b"a: " + b"[" * depth + b"]" * depth + b"\n"
    elif kind < 0.10:                                                 # long lists
        n = rng.choice([100, 10001, 20001, 300000])
        text = text + b"\nextra: [" + b", ".join([b"1"] * n) + b"]\n"
    elif kind < 0.12:                                                 # past the size ceiling
        text = text + b"# " + b"x" * (1 << 20) + b"\n"
    elif kind < 0.14:                                                 # a second document, a BOM, UTF-16
        text = rng.choice([text + b"---\n" + text, b"\xef\xbb\xbf" + text, b"\xff\xfe" + text.decode(
            "latin-1").encode("utf-16-le")])
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        r = rng.random()
        if r < 0.35:                                                  # values: the file stays YAML
            text = replace_token(rng, text, rb"(?<=: )-?[0-9][0-9.e+-]*|(?<=\[)[0-9]+|(?<=, )[0-9]+", NUMBERS)
        elif r < 0.5:
            text = replace_token(rng, text, rb"(?<=: )[a-z_]+|(?<=\[)[a-z_]+|(?<=, )[a-z_]+", WORDS)
        else:
            text = generic(rng, text, WORDS)
    c.files["s.yaml"] = text
    for extra in ("data.csv", "xor.csv"):
        c.files[extra] = seeds_csv[extra]
    c.expect["seed"] = base_name
    if rng.random() < 0.03:                                           # a folder where the file belongs
        c.files.pop("s.yaml")
        c.dirs.append("s.yaml")
    c.step(["{read}", "sweep", "{d}/s.yaml"])
    if rng.random() < 0.02:                                           # the command itself (MPI start-up: few)
        c.step(["{mlpvar}", "sweep", "{d}/s.yaml", "--out", "{d}/out", "--dry-run", "--quiet"])
    return c


# ------------------------------------------------------------------ csv ---

CELLS = [b"", b"nan", b"inf", b"-inf", b"1e400", b"1e-400", b"0x1p3", b"1,5", b"abc", b'"1"', b"  ", b"\xd9\xa1",
         b"1_000", b"+1", b"-0", b".5", b"5.", b"1e", b"--1", b"\t1", b"1;2", b"# x", b"\0"]


def csv_text(rng):
    rows, inputs, targets = rng.randrange(1, 30), rng.randrange(1, 4), rng.choice([1, 1, 1, 2])
    out = []
    if rng.random() < 0.3:
        out.append(",".join(["x%d" % i for i in range(inputs)] + ["y%d" % i for i in range(targets)]))
    for _ in range(rows):
        cells = ["%.*g" % (rng.randrange(1, 17), rng.uniform(-3, 3)) for _ in range(inputs)]
        cells += [rng.choice(["1", "-1", "0.5"]) for _ in range(targets)]
        out.append(rng.choice([",", ", ", " , "]).join(cells))
        if rng.random() < 0.05:
            out.append(rng.choice(["", "# comment", "   "]))
    return ("\n".join(out) + "\n").encode(), targets


def csv_case(rng, name):
    text, targets = csv_text(rng)
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        r = rng.random()
        if r < 0.3:                                                   # a value: the file stays CSV
            text = replace_token(rng, text, rb"[^,\n]+", [b"1e300", b"-1e-300", b"0", b"1e-320", b"-0", b"12345678901234567890",
                                                          b"  3  ", b"1E5", b"-.5"])
        elif r < 0.6:
            text = replace_token(rng, text, rb"[^,\n]+", CELLS)
        else:
            text = generic(rng, text, CELLS)
    if rng.random() < 0.03:
        text = text * rng.choice([100, 3000])
    c = Case("csv", name)
    c.files["d.csv"] = text
    if rng.random() < 0.03:
        c.files.pop("d.csv")
        c.dirs.append("d.csv")
    t = str(targets if rng.random() < 0.9 else rng.choice([0, 2, 3, 100001]))
    c.step(["{read}", "csv", "{d}/d.csv", t])
    if rng.random() < 0.4:
        c.step(["{mlpvar}", "train", "--quiet", "--task", "csv:{d}/d.csv", "--targets", t, "--activation", "relu",
                "--depth", "1", "--width", "2", "--steps", "1", "--grid", "4", "--n", "1", "--threads", "1"])
    return c


# -------------------------------------------------------------- weights ---

WTOKENS = [b"nan", b"inf", b"1e400", b"1e300", b"-0", b"0x1p-3", b"1e-400", b"abc", b"", b"1000000", b"0", b"-1",
           b"2147483648", b"100000000", b"layer", b"layers", b"activation", b"mlpvar-weights", b"2", b"#"]


def weights_text(rng, d=None, m=None):
    depth, width = rng.randrange(1, 4), rng.randrange(1, 5)
    d, m = d or rng.randrange(1, 4), m or rng.randrange(1, 3)
    act = rng.choice(["relu", "abs", "tanh", "sin", "identity", "gelu"])
    out = ["mlpvar-weights 1", "activation " + act, "layers %d" % (depth + 1)]
    dims = [d] + [width] * depth + [m]
    for l in range(depth + 1):
        out.append("layer %d %d" % (dims[l], dims[l + 1]))
        for _ in range(dims[l + 1]):
            out.append(" ".join("%.17g" % rng.gauss(0, 1) for _ in range(dims[l])))
        out.append(" ".join("%.6g" % rng.gauss(0, 0.1) for _ in range(dims[l + 1])))
    return ("\n".join(out) + "\n").encode()


def weights_case(rng, name):
    text = weights_text(rng)
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        r = rng.random()
        if r < 0.3:                                                   # a value: the file stays valid
            text = replace_token(rng, text, rb"-?[0-9]\.[0-9e+-]+", [b"1e300", b"-1e300", b"1e-320", b"-0", b"0",
                                                                      b"1e154", b"8.98846567431158e307", b"  # c\n1"])
        elif r < 0.6:
            text = replace_token(rng, text, rb"[^ \n]+", WTOKENS)
        else:
            text = generic(rng, text, WTOKENS)
    c = Case("weights", name)
    c.files["w.txt"] = text
    if rng.random() < 0.03:
        c.files.pop("w.txt")
        c.dirs.append("w.txt")
    c.step(["{read}", "weights", "{d}/w.txt"])
    r = rng.random()
    if r < 0.5:
        c.step(["{mlpvar}", "measure", "--weights", "{d}/w.txt", "--grid", "4", "--threads", "1", "--json"])
    elif r < 0.6:
        c.step(["{mlpvar}", "landscape", "--weights", "{d}/w.txt", "--grid", "3", "--csv", "{d}/l.csv"])
    return c


# -------------------------------------------------------------- options ---

INTS = ["0", "-1", "1", "2", "3", "x", "", "1.5", "1e3", "99999999999999999999", "+2", "0x10", " 2", "2 ", "1,",
        "1..2", "2..1", "1,,2", "1,1", "513", "8193", "1000001", "1000000000001", "1..20000", ",", "..", "3..3"]
REALS = ["0", "-1", "0.5", "1e-3", "nan", "inf", "1e400", "x", "", "1e-400", "0.99", "1.0", "-0"]
NAMES = ["relu", "abs", "relu,abs", "relu,relu", "", "x", ",", "relu,", "sgd", "adam", "float", "double",
         "checkerboard:0", "csv", "csv:", "csv:/nonexistent", "rings:99999999", "spirals:3", "half", "he", "torch"]
RIVALS = ["snip", "grad_norm,snip", "snip,snip", "snip,", ",", "", "bogus", "naswot,ntk_cond,jacob_cov",
          "linear_regions,trajectory", "synflow,synflow"]
PATHS = ["{d}/saved", "{d}", "{d}/w.txt", "{d}/w.txt/x", "/dev/null", "/nonexistent/x", "", "{d}/a b"]
BASES = [
    ["measure", "--quiet", "--n", "1", "--grid", "8", "--depth", "1", "--width", "2", "--activation", "relu",
     "--threads", "1"],
    ["train", "--quiet", "--task", "rings", "--steps", "1", "--points", "16", "--test-grid", "4", "--grid", "8",
     "--depth", "1", "--width", "2", "--activation", "relu", "--threads", "1"],
    ["advise", "--quiet", "--budget", "100", "--max-depth", "2", "--draws", "2", "--grid", "8", "--threads", "1",
     "--activation", "relu"],
    ["landscape", "--activation", "relu", "--depth", "1", "--width", "2", "--grid", "4", "--csv", "{d}/l.csv"],
    ["theory", "--activation", "relu", "--max-depth", "50"],
    ["theory", "--compare", "--activation", "relu", "--depth", "2", "--wide", "8", "--budget", "100", "--draws", "2"],
    ["results", "{store}"],
    ["results", "{store}", "--csv", "{d}/r.csv"],
    ["measure", "--weights", "{d}/w.txt", "--rivals", "grad_norm,snip,synflow", "--task", "rings", "--points", "16",
     "--grid", "4", "--threads", "1", "--json"],
    ["train", "--quiet", "--task", "rings", "--steps", "2", "--points", "16", "--test-grid", "4", "--grid", "8",
     "--depth", "1", "--width", "2", "--activation", "relu", "--threads", "1", "--n", "1", "--save", "{d}/saved"],
    ["version"],
]
REAL_OPTS = {"--bias-std", "--tau", "--lr", "--momentum", "--target-accuracy", "--test-fraction", "--sw2", "--sb2"}
NAME_OPTS = {"--activation", "--init", "--precision", "--task", "--optimizer", "--train-precision"}
EXTRA = ["--bogus", "--json", "--help", "-h", "--order", "--seed", "--in-dim", "--out-dim", "--chunk", "--bias-std",
         "--init", "--precision", "--tau", "--n", "--budget", "--width", "--weights", "--pair", "--batch", "--lr",
         "--max", "--dry-run", "--csv", "--png", "--rivals", "--save", "--task"]


def option_value(rng, opt):
    if opt == "--rivals":
        return rng.choice(RIVALS)
    if opt == "--save":
        return rng.choice(PATHS)
    if opt in LIST_OPTS and opt != "--activation" and rng.random() < 0.5:
        return rng.choice(["1,", ",1", "1,,2", "1,1", "1..3,2", "2", "1..2", "1,2", "2,1", "3..3,3"])
    if opt in REAL_OPTS:
        return rng.choice(REALS)
    if opt in NAME_OPTS:
        return rng.choice(NAMES)
    return rng.choice(INTS)


def options_case(rng, name):
    argv = list(rng.choice(BASES))
    for _ in range(rng.randrange(1, 4)):
        k = rng.randrange(6)
        if k <= 2 and len(argv) > 2:                                 # a value replaced
            i = rng.randrange(1, len(argv))
            opt = argv[i - 1] if argv[i - 1].startswith("--") else argv[i]
            argv[i] = option_value(rng, opt)
        elif k == 3 and len(argv) > 1:                               # a token dropped
            del argv[rng.randrange(1, len(argv))]
        elif k == 4:                                                  # an option added
            opt = rng.choice(EXTRA)
            argv += [opt] if rng.random() < 0.2 else [opt, option_value(rng, opt)]
        else:                                                         # an option given twice
            opts = [i for i, a in enumerate(argv) if a.startswith("--") and i + 1 < len(argv)]
            if opts:
                i = rng.choice(opts)
                argv += [argv[i], option_value(rng, argv[i])]
    c = Case("options", name)
    if any("{d}/w.txt" in a for a in argv):                           # a network for --weights
        c.files["w.txt"] = weights_text(random.Random(rng.random()), d=2, m=1)  # 2 inputs, as the 2-D tasks
    c.step(["{mlpvar}"] + argv, ok=(2,) if bad_list(argv) else (0, 2))
    return c


LIST_OPTS = {"--depth", "--width", "--budget", "--activation"}


def bad_list(argv):
    """Whether a list option's value has an empty item or a value twice: the
    commands must refuse it (exit 2) whatever else the line holds."""
    if argv[0] not in ("measure", "train", "advise", "landscape") or "--help" in argv or "-h" in argv:
        return False
    for i in range(1, len(argv) - 1):
        if argv[i] not in LIST_OPTS or argv[i - 1] in LIST_OPTS:
            continue
        items, seen = argv[i + 1].split(","), []
        if any(t == "" for t in items):
            return True
        for t in items:
            m = re.fullmatch(r"([0-9]+)\.\.([0-9]+)", t)
            vals = range(int(m.group(1)), int(m.group(2)) + 1) if m else [t]
            if len(seen) + len(vals) > 10000:
                return False
            seen += [str(v) for v in vals]
        if len(set(seen)) != len(seen):
            return True
    return False


# ---------------------------------------------------------------- store ---

def store_mutation(rng, c, other_sweep):
    if "store/results.jsonl" not in c.files:
        return
    data = c.files["store/results.jsonl"]
    ls = data.split(b"\n")[:-1] if data.endswith(b"\n") else data.split(b"\n")
    k = rng.randrange(18)
    if k == 0:
        data += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80))) + b"\n"
    elif k == 1:
        data += rng.choice(ls or [b"{"])[:rng.randrange(1, 200)]                # a torn tail
    elif k == 2:
        i = rng.randrange(len(ls) + 1)
        ls.insert(i, rng.choice([b"", b" ", b"\t", b"\r", b" \t \r"]))
        data = b"\n".join(ls) + b"\n"
    elif k == 3 and ls:
        ls.insert(rng.randrange(len(ls) + 1), rng.choice(ls))
        data = b"\n".join(ls) + b"\n"
    elif k == 4:
        data = data + data
    elif k == 5 and data:
        i, j = sorted(rng.randrange(len(data)) for _ in range(2))
        data = data[:i] + data[j:]                                               # a cut across lines
    elif k == 6:
        data = data[:rng.randrange(len(data) + 1)]
    elif k == 7:
        for _ in range(rng.randrange(1, 4)):
            data = flip(rng, data)
    elif k == 8:
        data = insert(rng, data, rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\0"]))
    elif k == 9 and ls:
        i = rng.randrange(len(ls))
        ls[i] = ls[i].replace(b'"sweep": "fz"', b'"sweep": "' + other_sweep + b'"')
        data = b"\n".join(ls) + b"\n"
    elif k == 10 and ls:                                                          # a field's value changed
        i = rng.randrange(len(ls))
        ls[i] = replace_token(rng, ls[i], rb'(?<=: )[^,\[\]{}]+', [b'"x"', b"3.0", b"1e400", b"null", b'"true"',
                              b"[1]", b"{}", b"-", b"01", b"+5", b"1e999", b'"\\u0000"', b"'s'", b"true", b"9" * 30])
        data = b"\n".join(ls) + b"\n"
    elif k == 11 and ls:                                                          # a field dropped or doubled
        i = rng.randrange(len(ls))
        fields = re.findall(rb'"[a-z_]+": (?:\[[^\]]*\]|[^,}]+)', ls[i])
        if fields:
            f = rng.choice(fields)
            ls[i] = ls[i].replace(f + b", ", b"", 1) if rng.random() < 0.5 else ls[i].replace(f, f + b", " + f, 1)
        data = b"\n".join(ls) + b"\n"
    elif k == 12 and ls:                                                          # unknown fields
        i = rng.randrange(len(ls))
        ls[i] = ls[i].replace(b"{", b"{" + rng.choice([b'"zz": 1, ', b'"zz": [1], ', b'"zz": {"a": 1}, ',
                                                       b'"rival_foo": 2, ', b'"rival": 1, ']), 1)
        data = b"\n".join(ls) + b"\n"
    elif k == 13 and ls:                                                          # a new key: one more record
        i = rng.randrange(len(ls))
        ls.append(re.sub(rb'"key": "[0-9a-f]+"', b'"key": "%016x"' % rng.getrandbits(64), ls[i]))
        data = b"\n".join(ls) + b"\n"
    elif k == 14:
        data = data.replace(b"\n", b"\r\n")
    elif k == 15:
        rng.shuffle(ls)
        data = b"\n".join(ls) + (b"\n" if ls else b"")
    elif k == 16:
        data += b"x" * rng.choice([1000, 1 << 20]) + b"\n"
    else:                                                                         # the folder itself
        w = rng.randrange(7)
        if w == 0:
            c.files.pop("store/manifest.json")
        elif w == 1:
            c.files.pop("store/manifest.json")
            c.dirs.append("store/manifest.json")
        elif w == 2:
            c.files["store/manifest.json"] = rng.choice([b"", b"{}", b"[1]", b"{\"sweep\": 1}", b"garbage",
                                                         c.files["store/manifest.json"][:20]])
        elif w == 3:
            c.files["store/manifest.json"] = c.files["store/manifest.json"].replace(b'"fz"', b'"' + other_sweep + b'"')
        elif w == 4:
            data = None
        elif w == 5:
            data = None
            c.dirs.append("store/results.jsonl")
        else:
            c.files["store/manifest.json"] = flip(rng, c.files["store/manifest.json"])
    if data is None:
        c.files.pop("store/results.jsonl")
    else:
        c.files["store/results.jsonl"] = data


def store_case(rng, name, base, sweep_file):
    c = Case("store", name)
    c.files["store/manifest.json"] = base["manifest.json"]
    c.files["store/results.jsonl"] = base["results.jsonl"]
    for _ in range(rng.randrange(1, 4)):
        store_mutation(rng, c, rng.choice([b"other", b"fz2", b"f", b"fzz"]))
    c.step(["{mlpvar}", "results", "{d}/store"])
    c.expect["oracle"] = True
    if rng.random() < 0.15:
        c.step(["{mlpvar}", "results", "{d}/store", "--csv", "{d}/r.csv"])
        c.expect["csv"] = True
    intact = "store/results.jsonl" in c.files and "store/manifest.json" in c.files and not c.dirs and \
        c.files["store/manifest.json"] == base["manifest.json"]
    if intact and rng.random() < 0.03:                                 # resume the sweep on it
        c.files["fz.yaml"] = sweep_file
        c.expect["resume"] = base["keys"]
        c.step(["{mlpvar}", "sweep", "{d}/fz.yaml", "--out", "{d}/store", "--quiet"], ok=(0,))
        c.step(["{mlpvar}", "results", "{d}/store"], ok=(0,))
    return c


# --------------------------------------------------------------- oracle ---

def c_key_ok(key):
    """store.c's test of a key: strtoull(key, &end, 16), all of it read, not 0."""
    s = key.encode("utf-8", "surrogateescape")
    i = 0
    while i < len(s) and s[i] in b" \t\n\v\f\r":
        i += 1
    neg = i < len(s) and s[i] in b"+-" and s[i] == ord("-")
    if i < len(s) and s[i] in b"+-":
        i += 1
    hexd = b"0123456789abcdefABCDEF"
    if s[i:i + 2] in (b"0x", b"0X") and i + 2 < len(s) and s[i + 2] in hexd:
        i += 2
    j = i
    while j < len(s) and s[j] in hexd:
        j += 1
    if j == i or j != len(s):
        return False
    v = int(s[i:j], 16)
    v = (1 << 64) - 1 if v >= 1 << 64 else ((-v) % (1 << 64) if neg else v)
    return v != 0


def oracle(folder):
    """(records, stats) by the rules, or None when folder is not a store."""
    try:
        records, _, stats = mr.read_store(folder)
    except mr.NotAStore:
        return None
    return records, stats


def expected_quarantine(data, sweep):
    """Lines the sweep moves to quarantine.jsonl: complete lines that are not
    records of this sweep, and records whose key the store cannot use."""
    stats, lines = mr.scan(data, sweep)
    return sum(1 for _, rec, _ in lines if rec is None or not c_key_ok(rec["key"]))


# --------------------------------------------------------------- runner ---

def lay_out(case, d):
    for rel in case.dirs:
        os.makedirs(os.path.join(d, rel), exist_ok=True)
    for rel, data in case.files.items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)


def run(argv, env, cwd):
    t0 = time.monotonic()
    p = Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
    try:
        out, err = p.communicate(timeout=WALL_LIMIT)
        timed_out = False
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        timed_out = True
    cpu = p.rusage.ru_utime + p.rusage.ru_stime if p.rusage else 0.0
    return {"rc": p.returncode, "out": out, "err": err, "cpu": cpu, "wall": time.monotonic() - t0,
            "timed_out": timed_out}


def check_step(step, r):
    why = []
    shown = " ".join(step["argv"])[:300]
    if any(m in r["err"] for m in SANITIZER_MARKS):
        why.append("sanitizer report: %s" % r["err"].decode("utf-8", "replace")[:2000])
    if r["timed_out"]:
        why.append("did not finish in %.0f s" % WALL_LIMIT)
    elif r["cpu"] > CPU_LIMIT:
        why.append("took %.1f s of CPU (limit %.0f)" % (r["cpu"], CPU_LIMIT))
    for k in ("err_has", "out_has"):
        if k in step and step[k].encode() not in r["err" if k == "err_has" else "out"]:
            why.append("%s lacks %r: %r" % ("stderr" if k == "err_has" else "stdout", step[k],
                                            r["err" if k == "err_has" else "out"][:600]))
    if r["rc"] not in step["ok"]:
        why.append("exit %s, want one of %s; stderr: %s" % (r["rc"], step["ok"], r["err"][-600:]))
    elif r["rc"] != 0 and (r["err"].count(b"\n") != 1 or not r["err"].endswith(b"\n")):
        why.append("exit %d with %d stderr lines, want one: %r" % (r["rc"], r["err"].count(b"\n"), r["err"][:600]))
    return ["%s: %s" % (shown, w) for w in why]


def check_store(case, d, results):
    why = []
    first = results[0]
    want = oracle(os.path.join(d, "store")) if "resume" not in case.expect else None
    if "resume" not in case.expect:
        if want is None:
            if first["rc"] != 2:
                why.append("not a store by the rules, but results exit %s" % first["rc"])
        else:
            m = re.match(rb"(\d+) records in ", first["out"])
            if first["rc"] != 0 or not m:
                why.append("a store by the rules (%d records), but results exit %s: %r" % (len(want[0]), first["rc"],
                                                                                          first["err"][:300]))
            elif int(m.group(1)) != len(want[0]):
                why.append("results counts %s records, the rules %d" % (m.group(1).decode(), len(want[0])))
            elif first["out"] != mr.summary(want[0], os.path.join(d, "store")):
                why.append("summary differs from analysis/mlpvar_results.py:\n%s\n---\n%s" % (
                    first["out"].decode("utf-8", "replace"),
                    mr.summary(want[0], os.path.join(d, "store")).decode("utf-8", "replace")))
            if "csv" in case.expect and len(results) > 1 and results[1]["rc"] == 0:
                with open(os.path.join(d, "r.csv"), newline="", encoding="utf-8", errors="replace") as f:
                    rows = list(csv.reader(f))
                if len(rows) - 1 != len(want[0]):
                    why.append("results --csv wrote %d rows, the rules %d" % (len(rows) - 1, len(want[0])))
    else:
        # every network of the plan, and the records of other keys the store could keep
        _, lines = mr.scan(case.files["store/results.jsonl"], b"fz")
        keys = set(case.expect["resume"]) | {rec["key"] for _, rec, _ in lines if rec and c_key_ok(rec["key"])}
        m = re.match(rb"(\d+) records in ", results[-1]["out"])
        if not m or int(m.group(1)) != len(keys):
            why.append("after resuming, %s records; want one per network and per other kept key, %d" % (
                m.group(1).decode() if m else "no", len(keys)))
        q = os.path.join(d, "store", "quarantine.jsonl")
        got = 0
        if os.path.exists(q):
            with open(q, "rb") as f:
                got = f.read().count(b"\n")
        want_q = expected_quarantine(case.files["store/results.jsonl"], b"fz")
        if got != want_q:
            why.append("quarantine.jsonl holds %d lines, the rules %d" % (got, want_q))
    return why


def run_case(case, ctx):
    d = tempfile.mkdtemp(prefix="c-", dir=ctx["tmp"])
    try:
        lay_out(case, d)
        subst = {"{d}": d, "{mlpvar}": ctx["mlpvar"], "{read}": ctx["read"], "{store}": ctx["store"]}
        results, why = [], []
        for step in case.steps:
            argv = [a for a in step["argv"]]
            for k, v in subst.items():
                argv = [a.replace(k, v) for a in argv]
            mpi = len(argv) > 1 and argv[0] == ctx["mlpvar"] and argv[1] == "sweep"
            r = run(argv, ctx["env"] if mpi else ctx["env_fast"], d)
            results.append(r)
            why += check_step(step, r)
        if case.category == "store" and not why:
            why += check_store(case, d, results)
        cpu = sum(r["cpu"] for r in results)
        return case, why, cpu, [r["rc"] for r in results]
    finally:
        shutil.rmtree(d, ignore_errors=True)


def build_store(ctx, src):
    """The base store: a real sweep's records."""
    out = os.path.join(ctx["tmp"], "base")
    r = run([ctx["mlpvar"], "sweep", os.path.join(HERE, "store.yaml"), "--out", out, "--quiet"], ctx["env"], ctx["tmp"])
    if r["rc"] != 0:
        sys.exit("fuzz: cannot build the base store: %s" % r["err"].decode("utf-8", "replace"))
    base = {}
    for f in ("manifest.json", "results.jsonl"):
        with open(os.path.join(out, f), "rb") as fh:
            base[f] = fh.read()
    _, lines = mr.scan(base["results.jsonl"], b"fz")
    base["keys"] = sorted(rec["key"] for _, rec, _ in lines)
    ctx["store"] = out
    return base


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mlpvar")
    ap.add_argument("read")
    ap.add_argument("src")
    ap.add_argument("sanitize")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--scale", type=float, default=1.0, help="cases per category x this")
    ap.add_argument("--jobs", type=int, default=3 * (os.cpu_count() or 2))
    ap.add_argument("--only", help="CATEGORY:INDEX, one case")
    ap.add_argument("--save", help="write every failing case as JSON into this folder")
    a = ap.parse_args()

    global mr, seeds_csv
    sys.path.insert(0, os.path.join(a.src, "analysis"))
    import mlpvar_results as mr
    if mr._Parser is None:
        print("fuzz: SKIP: the oracle needs PyYAML with libyaml (python3-yaml)")
        return 77
    env = dict(os.environ)
    env.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"})
    if os.geteuid() == 0:
        env.update({"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"})
    # Full stacks on every malloc (fast_unwind_on_malloc=0, tests/meson.build) are
    # for the leak suppressions of Open MPI: only `mlpvar sweep` starts MPI, the
    # other commands unwind fast (a third of their time under ASan).
    env_fast = dict(env)
    env_fast["ASAN_OPTIONS"] = ":".join([o for o in env.get("ASAN_OPTIONS", "").split(":")
                                         if o and not o.startswith("fast_unwind_on_malloc")] + ["fast_unwind_on_malloc=1"])
    tmp = tempfile.mkdtemp(prefix="mlpvar-fuzz-")
    ctx = {"mlpvar": os.path.abspath(a.mlpvar), "read": os.path.abspath(a.read), "env": env, "env_fast": env_fast,
           "tmp": tmp}
    t0 = time.monotonic()
    try:
        base = build_store(ctx, a.src)
        with open(os.path.join(HERE, "store.yaml"), "rb") as f:
            sweep_file = f.read()
        seeds = []
        for folder in ("sweeps", "tests/sweep/files"):
            for fn in sorted(os.listdir(os.path.join(a.src, folder))):
                if fn.endswith(".yaml"):
                    with open(os.path.join(a.src, folder, fn), "rb") as f:
                        seeds.append((fn, f.read()))
        seeds_csv = {}
        for rel in ("tests/sweep/files/data.csv", "tests/golden/xor.csv"):
            with open(os.path.join(a.src, rel), "rb") as f:
                seeds_csv[os.path.basename(rel)] = f.read()
        makers = {
            "sweep": lambda rng, n: sweep_case(rng, seeds, n),
            "csv": csv_case,
            "weights": weights_case,
            "options": options_case,
            "store": lambda rng, n: store_case(rng, n, base, sweep_file),
        }
        cases = []
        for cat, count in COUNTS.items():
            for i in range(int(count * a.scale)):
                name = "%s:%d" % (cat, i)
                if a.only and a.only != name:
                    continue
                cases.append(makers[cat](random.Random("%s/%s" % (a.seed, name)), name))
        regress = []
        rdir = os.path.join(HERE, "regress")
        for fn in sorted(os.listdir(rdir)) if not a.only else []:
            if fn.endswith(".json"):
                with open(os.path.join(rdir, fn)) as f:
                    regress.append(Case.from_json(json.load(f)))
        failures, per_cat, codes, cpu_cat, cpu_total, slowest = [], {}, {}, {}, 0.0, (0.0, "")
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
            for case, why, cpu, rcs in ex.map(lambda c: run_case(c, ctx), cases + regress):
                key = "regress" if case in regress else case.category
                per_cat[key] = per_cat.get(key, 0) + 1
                for rc in rcs:
                    codes.setdefault(key, {}).setdefault(rc, 0)
                    codes[key][rc] += 1
                cpu_total += cpu
                cpu_cat[key] = cpu_cat.get(key, 0.0) + cpu
                slowest = max(slowest, (cpu, case.name))
                if why:
                    failures.append((case, why))
        for case, why in failures[:30]:
            print("FAIL %s (%s):" % (case.name, case.category))
            for w in why:
                print("  " + w[:3000])
        if a.save and failures:
            os.makedirs(a.save, exist_ok=True)
            for case, _ in failures:
                with open(os.path.join(a.save, case.name.replace(":", "-") + ".json"), "w") as f:
                    json.dump(case.to_json(), f, indent=1)
        print("fuzz: exit codes of the commands: " + "; ".join(
            "%s %s" % (k, " ".join("%s:%d" % kv for kv in sorted(v.items()))) for k, v in codes.items()))
        parts = ", ".join("%s %d" % (k, per_cat.get(k, 0)) for k in list(COUNTS) + ["regress"])
        print("fuzz: binary %s (b_sanitize=%s), seed %s, %.0f s wall, %.0f s CPU in the cases (%s), slowest %.2f s (%s)"
              % (a.mlpvar, a.sanitize, a.seed, time.monotonic() - t0, cpu_total,
                 ", ".join("%s %.0f" % kv for kv in cpu_cat.items()), slowest[0], slowest[1]))
        print("fuzz: %d cases (%s): %d failures" % (sum(per_cat.values()), parts, len(failures)))
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
