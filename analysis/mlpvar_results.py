#!/usr/bin/python3
"""Read an mlpvar results store in Python, by the rules `mlpvar results` reads it.

    import mlpvar_results                       # analysis/ on sys.path
    df = mlpvar_results.load("out/tiny")        # pandas DataFrame, one row per record

    python3 analysis/mlpvar_results.py DIR      # prints what `mlpvar results DIR` prints

A store is the folder a sweep writes (`mlpvar sweep FILE --out DIR`): it holds
manifest.json and a regular file results.jsonl. Its rules (src/sweep/results.h,
docs/records.md):

  1. Only complete lines (ending in a newline) count: a torn last line, a write
     cut short by a kill, is skipped.
  2. A complete line that is not a complete record of this sweep is skipped: a
     blank line, a line that is not a mapping, a field missing by its presence
     class or of the wrong type, a field given twice, a record of another sweep
     (its "sweep" is not the manifest's).
  3. For a key stored more than once, the latest complete record wins; records
     keep the file order of those that win.

A line is parsed the way mlpvar parses it: every record line is also a YAML flow
mapping, read with libyaml's event parser (PyYAML's CParser, Debian's
python3-yaml), and each field is then typed by SCHEMA below. Strings are C
strings in mlpvar (cut at a NUL), so they are here too.

`load` needs pandas (Debian's python3-pandas); everything else, the rules
included, does not: tests/fuzz/fuzz.py uses read_store as its oracle.
"""
import math
import os
import re
import stat
import sys

try:
    import yaml
    try:
        from yaml.cyaml import CParser as _Parser          # libyaml, as mlpvar reads
    except ImportError:                                     # pragma: no cover
        _Parser = None
except ImportError:                                         # pragma: no cover
    yaml = None
    _Parser = None

# The record schema: one row per field, mirroring RECORD_FIELDS in
# src/sweep/record_schema.h (name, type, presence, nullable). A test
# (tests/python/test_results_py.sh) fails when the two differ.
SCHEMA = [
    ("key", "STR", "ALWAYS", 0),
    ("sweep", "STR", "ALWAYS", 0),
    ("config", "INT", "ALWAYS", 0),
    ("part", "INT", "ALWAYS", 0),
    ("activation", "STR", "ALWAYS", 0),
    ("depth", "INT", "ALWAYS", 0),
    ("width", "INT", "ALWAYS", 0),
    ("budget", "INT", "ALWAYS", 0),
    ("params", "INT", "ALWAYS", 0),
    ("activations", "INT", "ALWAYS", 0),
    ("activation_ratio", "NUM", "ALWAYS", 0),
    ("in_dim", "INT", "ALWAYS", 0),
    ("out_dim", "INT", "ALWAYS", 0),
    ("init", "STR", "ALWAYS", 0),
    ("bias_std", "NUM", "ALWAYS", 0),
    ("seed", "INT", "ALWAYS", 0),
    ("grid", "INT", "ALWAYS", 0),
    ("order", "INT", "ALWAYS", 0),
    ("tau", "NUM", "ALWAYS", 0),
    ("status", "STR", "ALWAYS", 0),
    ("error", "STR", "ALWAYS", 1),
    ("attempt", "INT", "ALWAYS", 0),
    ("variability", "NUM", "ALWAYS", 1),
    ("collapse_ratio", "NUM", "ALWAYS", 1),
    ("collapsed", "BOOL", "ALWAYS", 1),
    ("layer_dead_fraction", "ARR", "ALWAYS", 1),
    ("layer_collapse_ratio", "ARR", "ALWAYS", 1),
    ("measure_seconds", "NUM", "ALWAYS", 1),
    ("rival", "RIVALS", "OPTIONAL", 1),
    ("task", "STR", "TASK", 0),
    ("cells", "INT", "OPTIONAL", 0),
    ("rings", "INT", "OPTIONAL", 0),
    ("frequency", "INT", "OPTIONAL", 0),
    ("turns", "INT", "OPTIONAL", 0),
    ("points", "INT", "GENERATED", 0),
    ("test_grid", "INT", "GENERATED", 0),
    ("csv_path", "STR", "CSV", 0),
    ("csv_rows", "INT", "CSV", 0),
    ("csv_targets", "INT", "CSV", 0),
    ("test_fraction", "NUM", "CSV", 0),
    ("csv_hash", "STR", "CSV", 0),
    ("layer_grad_norm", "ARR", "TASK", 1),
    ("init_loss", "NUM", "TASK", 1),
    ("init_accuracy", "NUM", "TASK", 1),
    ("trained", "BOOL", "ALWAYS", 0),
    ("optimizer", "STR", "TRAINED", 0),
    ("lr", "NUM", "TRAINED", 0),
    ("max_steps", "INT", "TRAINED", 0),
    ("steps", "INT", "TRAINED", 1),
    ("diverged", "BOOL", "TRAINED", 1),
    ("final_loss", "NUM", "TRAINED", 1),
    ("train_accuracy", "NUM", "TRAINED", 1),
    ("test_loss", "NUM", "TRAINED", 1),
    ("test_accuracy", "NUM", "TRAINED", 1),
    ("test_r2", "NUM", "TRAINED", 1),
    ("trainability", "STR", "TRAINED", 0),
    ("train_seconds", "NUM", "TRAINED", 1),
]

# A generated task's knob field (src/sweep/sweep_part.c, KNOBS).
KNOB_FIELD = {"checkerboard": "cells", "rings": "rings", "sines": "frequency", "spirals": "turns"}

# The rival scores, stored as rival_<name>: the names of src/lib/rivals.c, in order.
RIVALS = ["grad_norm", "snip", "synflow", "jacob_cov", "naswot", "ntk_cond", "linear_regions", "trajectory"]

MANIFEST_MAX = 65536        # read_small_file's limit for manifest.json (src/sweep/manifest.c)
MANIFEST_NAME_MAX = 255     # manifest.sweep holds 255 bytes
FLAT_JSON_MAX = 32          # members of manifest.json (src/sweep/flat_json.h)
LONG_MIN, LONG_MAX = -(1 << 63), (1 << 63) - 1
RECORD_MAX_DEPTH = 512      # src/sweep/record_schema.h
_HEX_KEY = re.compile(r"[0-9a-f]{16}\Z")

_FIELD = {name: (name, typ, presence, nullable) for name, typ, presence, nullable in SCHEMA if typ != "RIVALS"}
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\Z")     # record_parse.c json_number
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")                               # strtol, base 10, whole text


class NotAStore(Exception):
    """DIR is not a results folder (`mlpvar results` exits 2)."""


class _Bad(Exception):
    """A line that is not a complete record."""


def _cstr(s):
    """A string as C sees it: cut at the first NUL."""
    return s.split("\0", 1)[0]


def _plain(e):
    return e.style in ("", None)


def _events(data):
    if _Parser is None:
        raise RuntimeError("reading an mlpvar store needs PyYAML with libyaml (Debian's python3-yaml)")
    parser = _Parser(data)
    try:
        while True:
            try:
                e = parser.get_event()
            except yaml.YAMLError as err:
                raise _Bad("not a JSON object: %s" % str(err).splitlines()[0]) from None
            if e is None:
                return
            yield e
    finally:
        parser.dispose()


def _next(it):
    e = next(it, None)
    if e is None:
        raise _Bad("the line ends early")
    return e


def _number(text):
    if not _NUMBER.match(text):
        return None
    v = float(text)
    return v if math.isfinite(v) else None       # strtod's overflow is refused, underflow kept


def _scalar(rec, nulls, name, typ, nullable, e):
    text = e.value
    if _plain(e) and text == "null":
        if not nullable:
            raise _Bad("field '%s' is null" % name)
        rec[name] = math.nan if typ in ("NUM", "RIVALS") else None
        if typ != "RIVALS":
            nulls.add(name)
        return
    if typ == "STR":
        if _plain(e):
            raise _Bad("field '%s' is not a string" % name)
        rec[name] = _cstr(text)
    elif typ == "INT":
        if not _plain(e) or not _INTEGER.match(text) or not LONG_MIN <= int(text) <= LONG_MAX:
            raise _Bad("field '%s' is not a whole number" % name)
        rec[name] = int(text)
    elif typ in ("NUM", "RIVALS"):
        v = _number(text) if _plain(e) else None
        if v is None:
            raise _Bad("field '%s' is not a number" % name)
        rec[name] = v
    elif typ == "BOOL":
        if not _plain(e) or text not in ("true", "false"):
            raise _Bad("field '%s' is not true or false" % name)
        rec[name] = text == "true"
    else:
        raise _Bad("field '%s': a single value where a list belongs" % name)


def _array(it, name):
    out = []
    while True:
        e = _next(it)
        if isinstance(e, yaml.SequenceEndEvent):
            return out
        if not isinstance(e, yaml.ScalarEvent):
            raise _Bad("field '%s': a list of numbers holds something else" % name)
        if _plain(e) and e.value == "null":
            out.append(math.nan)
            continue
        v = _number(e.value) if _plain(e) else None
        if v is None:
            raise _Bad("field '%s': a value in its list is not a number" % name)
        out.append(v)


def _field(key):
    """(name, type, nullable) of a key, or None for a field mlpvar does not know."""
    if key.startswith("rival_"):
        return (key, "RIVALS", 1) if key[6:] in RIVALS else None
    f = _FIELD.get(key)
    return (f[0], f[1], f[3]) if f else None


def parse_record(line):
    """One line (bytes, its newline included) into (record, None), or (None, why).
    A record maps each field present to its value: str, int, float (NaN for
    null), bool (None for null), a list of floats (None for null)."""
    rec, nulls = {}, set()
    try:
        it = _events(line)
        for want in (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.MappingStartEvent):
            if not isinstance(_next(it), want):
                raise _Bad("not a JSON object")
        while True:
            k = _next(it)
            if isinstance(k, yaml.MappingEndEvent):
                break
            if not isinstance(k, yaml.ScalarEvent):
                raise _Bad("a key that is not a name")
            f = _field(_cstr(k.value))
            v = _next(it)
            if f is None:                                  # unknown: skip its value, nested or not
                depth = isinstance(v, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
                while depth:
                    e = _next(it)
                    depth += isinstance(e, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
                    depth -= isinstance(e, (yaml.SequenceEndEvent, yaml.MappingEndEvent))
                continue
            name, typ, nullable = f
            if name in rec:
                raise _Bad("field '%s' is given twice" % name)
            if isinstance(v, yaml.SequenceStartEvent) and typ == "ARR":
                rec[name] = _array(it, name)
            elif isinstance(v, yaml.ScalarEvent):
                _scalar(rec, nulls, name, typ, nullable, v)
            else:
                raise _Bad("field '%s' has a value of the wrong kind" % name)
        for want in (yaml.DocumentEndEvent, yaml.StreamEndEvent):
            try:
                e = _next(it)
            except _Bad:
                raise _Bad("text after the record's closing brace") from None
            if not isinstance(e, want):
                raise _Bad("text after the record's closing brace")
    except _Bad as why:
        return None, str(why)

    def has(name):
        return name in rec and name not in nulls
    has_task, trained = has("task"), has("trained") and rec["trained"]
    csv = has_task and rec["task"] == "csv"
    generated = has_task and not csv
    for name, typ, presence, _ in SCHEMA:
        need = (presence == "ALWAYS" or (presence == "TASK" and has_task) or (presence == "GENERATED" and generated)
                or (presence == "CSV" and csv) or (presence == "TRAINED" and trained))
        if need and name not in rec:
            return None, "the record lacks field '%s'" % name
    if generated:                                    # the task's knob, under its own name
        if rec["task"] not in KNOB_FIELD:
            return None, "field 'task': unknown task"
        if not has(KNOB_FIELD[rec["task"]]):
            return None, "the record lacks field '%s'" % KNOB_FIELD[rec["task"]]
    for name in nulls:                       # null non-numbers read as None, numbers as NaN
        if rec[name] is not None and not isinstance(rec[name], float):
            rec[name] = None
    # the values that hold a record together (record_parse.c, complete)
    if not _HEX_KEY.match(rec["key"]):
        return None, "field 'key' is not 16 hex digits"
    if rec["status"] not in ("ok", "failed"):
        return None, "field 'status' is neither \"ok\" nor \"failed\""
    if rec["status"] == "failed" and not has("error"):
        return None, "a failed record without an error"
    if rec["attempt"] < 1:
        return None, "field 'attempt': attempts count from 1"
    if not 1 <= rec["depth"] <= RECORD_MAX_DEPTH or rec["width"] < 1:
        return None, "not a network mlpvar writes"
    for name, n in (("layer_dead_fraction", rec["depth"]), ("layer_collapse_ratio", rec["depth"]),
                    ("layer_grad_norm", rec["depth"] + 1)):
        if (name != "layer_grad_norm" or has_task) and has(name) and len(rec[name]) != n:
            return None, "field '%s' has %d values; the network has %d" % (name, len(rec[name]), n)
    return rec, None


def _flat_json(data):
    """manifest.json's members, as src/sweep/flat_json.c reads them: {key: (text, quoted)}
    (the first of a key counts), or None when it is not a flat object."""
    keys, vals = [], []
    depth, expect_key, events = 0, True, 0
    try:
        for e in _events(data):
            events += 1
            if isinstance(e, yaml.MappingStartEvent):
                depth += 1
                if depth != 1:
                    return None
            elif isinstance(e, yaml.MappingEndEvent):
                depth -= 1
            elif isinstance(e, yaml.ScalarEvent):
                if depth != 1:
                    return None
                if expect_key:
                    if len(keys) == FLAT_JSON_MAX:
                        return None
                    keys.append(_cstr(e.value))
                else:
                    vals.append((_cstr(e.value), not _plain(e)))
                expect_key = not expect_key
            elif isinstance(e, yaml.SequenceStartEvent):
                return None
            elif isinstance(e, yaml.StreamEndEvent):
                break
            elif isinstance(e, yaml.DocumentStartEvent) and events > 2:
                return None
    except _Bad:
        return None
    if not vals and events < 4:
        return None
    members = {}
    for k, v in zip(keys, vals):
        members.setdefault(k, v)
    return members


def read_manifest(folder):
    """The manifest's sweep name (bytes, as mlpvar keeps it), or NotAStore."""
    path = os.path.join(folder, "manifest.json")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise NotAStore("'%s' is not a results folder (no manifest.json); give a sweep's --out folder" % folder)
    except OSError as err:
        raise NotAStore("cannot read %s: %s" % (path, err.strerror))
    if not stat.S_ISREG(st.st_mode) or st.st_size > MANIFEST_MAX:
        raise NotAStore("cannot read %s: not a regular file of at most %d bytes" % (path, MANIFEST_MAX))
    with open(path, "rb") as f:
        members = _flat_json(f.read())
    fields = {}
    for name in ("sweep", "identity", "format"):
        v = members.get(name) if members is not None else None
        if v is None or not v[1]:
            raise NotAStore("%s is not an mlpvar manifest; it was edited or damaged" % path)
        fields[name] = v[0]
    return fields["sweep"].encode("utf-8", "surrogateescape")[:MANIFEST_NAME_MAX]


class Stats:
    """What a reading ignored (results_stats in src/sweep/results.h)."""

    def __init__(self):
        self.lines = self.torn_bytes = self.bad = self.blank = self.superseded = 0
        self.first_bad_line, self.first_bad_why = 0, ""


def scan(data, sweep):
    """The complete lines of a results.jsonl (bytes) in order: yields (lineno,
    record or None, why); sweep (bytes) is the manifest's name. Sets the counts
    of the returned Stats as it goes (rules 1 and 2)."""
    st = Stats()

    def lines():
        start, lineno = 0, 0
        while start < len(data):
            end = data.find(b"\n", start)
            if end < 0:
                st.torn_bytes = len(data) - start                     # rule 1
                return
            lineno += 1
            st.lines += 1
            line = data[start:end + 1]
            start = end + 1
            if not line.strip(b" \t\r\n"):
                st.blank += 1
                rec, why = None, "a blank line"
            else:
                rec, why = parse_record(line)
                if rec is not None and rec["sweep"].encode("utf-8", "surrogateescape") != sweep:
                    rec, why = None, "a record of another sweep"
            if rec is None:                                            # rule 2
                st.bad += 1
                if not st.first_bad_line:
                    st.first_bad_line, st.first_bad_why = lineno, why
            yield lineno, rec, why
    return st, lines()


def read_store(folder):
    """(records, sweep name, Stats) of the store in folder by its rules: the
    latest complete record of every key, in the file order of those records.
    Raises NotAStore when folder is not a store."""
    sweep = read_manifest(folder)
    path = os.path.join(folder, "results.jsonl")
    try:
        st = os.stat(path)
    except OSError as err:
        st = None
        reason = "missing" if isinstance(err, FileNotFoundError) else "not a regular file"
    if st is None or not stat.S_ISREG(st.st_mode):
        raise NotAStore("'%s' is not a results folder: %s is %s; give a sweep's --out folder"
                        % (folder, path, reason if st is None else "not a regular file"))
    with open(path, "rb") as f:
        data = f.read()
    stats, lines = scan(data, sweep)
    kept = [rec for _, rec, _ in lines if rec is not None]
    last = {}
    for i, rec in enumerate(kept):                                     # rule 3
        last[rec["key"]] = i
    records = [rec for i, rec in enumerate(kept) if last[rec["key"]] == i]
    stats.superseded = len(kept) - len(records)
    return records, sweep.decode("utf-8", "replace"), stats


def columns(records):
    """The columns of `mlpvar results --csv`: every schema field, and rival_<name>
    for each rival some record has."""
    cols = []
    for name, typ, _, _ in SCHEMA:
        if typ != "RIVALS":
            cols.append(name)
            continue
        cols += ["rival_" + r for r in RIVALS if any(("rival_" + r) in rec for rec in records)]
    return cols


def load(folder):
    """A pandas DataFrame of the store in folder, one row per record (the rules
    above), one column per field (columns()); absent fields are None, null
    numbers NaN, lists Python lists."""
    import pandas
    records, _, _ = read_store(folder)
    cols = columns(records)
    return pandas.DataFrame([[rec.get(c) for c in cols] for rec in records], columns=cols)


def task_identity(rec):
    """A record's task identity (src/sweep/task_label.c, task_identity): '' without a task."""
    if rec.get("task") is None:
        return ""
    if rec["task"] == "csv":
        return "csv hash=%s targets=%d test_fraction=%s" % (rec["csv_hash"], rec["csv_targets"],
                                                            _g17(rec["test_fraction"]))
    return "%s knob=%d points=%d test_grid=%d" % (rec["task"], _knob(rec), rec["points"], rec["test_grid"])


def _knob(rec):
    for name in ("cells", "rings", "frequency", "turns"):
        if rec.get(name) is not None:
            return rec[name]
    return 0


def _g17(v):
    """C's %.17g."""
    return "%.17g" % v


def task_labels(records):
    """{identity: label} for the tasks of records, each at the first level whose
    labels are unique (src/sweep/task_label.h): name:knob or the CSV basename;
    then with the points and test grid, or the hash's first 8 hex digits; then
    the identity itself."""
    first = {}
    for rec in records:
        ident = task_identity(rec)
        if ident and ident not in first:
            first[ident] = rec

    def label(level, rec, ident):
        if level >= 3:
            return ident
        if rec["task"] == "csv":
            base = rec["csv_path"].rsplit("/", 1)[-1]
            return base if level == 1 else "%s#%s" % (base, rec["csv_hash"][:8])
        if level == 1:
            return "%s:%d" % (rec["task"], _knob(rec))
        return "%s:%d (points %d, test grid %d)" % (rec["task"], _knob(rec), rec["points"], rec["test_grid"])
    out = {}
    for level in (1, 2, 3):
        out = {ident: label(level, rec, ident) for ident, rec in first.items()}
        if len(set(out.values())) == len(out):
            break
    return out


def _median(v):
    """mlpv_summarize's median: sorted, linear between the middle two."""
    t = sorted(v)
    h = (len(t) - 1) * 0.5
    lo = math.floor(h)
    if lo + 1 >= len(t):
        return t[-1]
    return t[lo] + (h - lo) * (t[lo + 1] - t[lo])


def summary(records, folder):
    """The text `mlpvar results DIR` prints (src/cli/cmd_results.c), as bytes."""
    def has(rec, name):
        v = rec.get(name)
        return v is not None and not (isinstance(v, float) and math.isnan(v))

    groups, order = {}, []
    labels = task_labels(records)
    for rec in records:
        task = labels.get(task_identity(rec), "-").encode("utf-8", "surrogateescape")
        label = (b"%-10s %6d %6d %8d  %-15s" % (rec["activation"].encode("utf-8", "surrogateescape"), rec["depth"],
                                                 rec["width"], rec["budget"], task))[:64 + 128 - 1]
        g = groups.get(label)
        if g is None:
            g = groups[label] = {"records": 0, "v": [], "collapsed": 0, "trained": 0, "diverged": 0, "failed": 0,
                                 "max_attempt": 0, "error": b"", "acc_sum": 0.0, "acc_n": 0}
            order.append(label)
        g["records"] += 1
        if rec["status"] != "ok":                        # listed below the table, not summarised
            if not g["failed"]:
                g["error"] = rec["error"].encode("utf-8", "surrogateescape")[:199]
            g["failed"] += 1
            g["max_attempt"] = max(g["max_attempt"], rec["attempt"])
            continue
        if has(rec, "variability"):
            g["v"].append(rec["variability"])
            g["collapsed"] += bool(has(rec, "collapsed") and rec["collapsed"])
        if rec["trained"]:
            g["trained"] += 1
            g["diverged"] += bool(has(rec, "diverged") and rec["diverged"])
            if has(rec, "test_accuracy"):
                g["acc_sum"] += rec["test_accuracy"]
                g["acc_n"] += 1
    out = [b"%d records in %s/results.jsonl\n" % (len(records), os.fsencode(folder)),
           b"%-10s %6s %6s %8s  %-15s %7s %6s %11s %6s %7s %9s %8s\n" % (
               b"activation", b"depth", b"width", b"budget", b"task", b"records", b"failed", b"V median", b"C2C",
               b"trained", b"test acc", b"diverged")]
    failed = 0
    for label in order:
        g = groups[label]
        nv = len(g["v"])
        med = _median(g["v"]) if nv else math.nan
        c2c = g["collapsed"] / nv if nv else math.nan
        acc = g["acc_sum"] / g["acc_n"] if g["acc_n"] else math.nan
        out.append(b"%s %7d %6d %11.3e %6.3f %7d %9.4f %8d\n" % (label, g["records"], g["failed"], med, c2c,
                                                                g["trained"], acc, g["diverged"]))
        failed += g["failed"]
    if failed:
        out.append(b"\n%d failed records (the latest attempt of each network; a rerun of the sweep retries them):\n"
                   % failed)
        out.append(b"%-10s %6s %6s %8s  %-15s %6s %8s  %s\n" % (b"activation", b"depth", b"width", b"budget", b"task",
                                                               b"failed", b"attempts", b"first error"))
        for label in order:
            g = groups[label]
            if g["failed"]:
                out.append(b"%s %6d %8d  %s\n" % (label, g["failed"], g["max_attempt"], g["error"]))
    return b"".join(out)


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        sys.stderr.write("usage: mlpvar_results.py DIR  (the summary of `mlpvar results DIR`)\n")
        return 2
    try:
        records, _, _ = read_store(argv[1])
    except NotAStore as err:
        sys.stderr.write("mlpvar_results.py: %s\n" % err)
        return 2
    sys.stdout.buffer.write(summary(records, argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
