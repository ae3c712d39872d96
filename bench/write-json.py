#!/usr/bin/env python3
"""Writes a benchmark's table as JSON to bench/out/<name>.json, so runs can be compared across commits.

    bench/write-json.py NAME ROWS.tsv [--load "1.00 0.80 0.50"] [key=value ...]

ROWS.tsv has one measure per line: measure, value, unit, and optionally the subject measured (which
server, for a side-by-side bench), tab-separated. A value that is not a number ("n/a") is written as
null. --load is the load average before the run (the one read now otherwise); key=value pairs are
further conditions of the run (the binary measured, seconds per run, ...).
"""
import datetime
import json
import os
import subprocess
import sys


def commit(root):
    def git(*args):
        return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True).stdout.strip()
    head = git("rev-parse", "HEAD") or "unknown"
    return head + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def number(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() and "." not in text else value


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    name, rows_file, rest = argv[0], argv[1], argv[2:]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    conditions = {}
    i = 0
    while i < len(rest):
        if rest[i] == "--load" and i + 1 < len(rest):
            load = rest[i + 1].split()[:3]
            i += 2
            continue
        key, sep, value = rest[i].partition("=")
        if not sep:
            sys.exit(f"write-json.py: '{rest[i]}' is not key=value")
        conditions[key] = value
        i += 1

    rows = []
    with open(rows_file) as f:
        for line_number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            fields = line.split("\t")
            if len(fields) not in (3, 4):
                sys.exit(f"write-json.py: {rows_file}:{line_number}: expected measure, value, unit[, subject]")
            row = {"measure": fields[0], "value": number(fields[1]), "unit": fields[2]}
            if len(fields) == 4 and fields[3]:
                row["subject"] = fields[3]
            rows.append(row)

    document = {
        "benchmark": name,
        "commit": commit(root),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "loadAverage": [float(x) for x in load],
        "conditions": conditions,
        "rows": rows,
    }
    out = os.path.join(root, "bench", "out")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"{name}.json")
    with open(path + ".new", "w") as f:
        json.dump(document, f, indent=2)
        f.write("\n")
    os.replace(path + ".new", path)
    print(f"{name}: table written to {os.path.relpath(path, os.getcwd())}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
