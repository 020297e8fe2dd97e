#!/usr/bin/env python3
"""same_table.py ONETABLE.csv OTHER [--tsv]: do two tables hold the same cells?

ONETABLE.csv is what `onetable table --format csv` wrote (UTF-8 with BOM, RFC 4180). OTHER is
the hand-written SQL's output: the sqlite3 CLI's `.mode csv`, or with --tsv the mariadb client's
--batch output (tab-separated, backslash escapes, NULL for NULL). Prints "same N" or the first
row that differs, and exits 1 when they differ.
"""
import csv
import sys


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def unescape(cell):
    if cell == "NULL":
        return ""
    out, i = [], 0
    while i < len(cell):
        c = cell[i]
        if c == "\\" and i + 1 < len(cell):
            nxt = cell[i + 1]
            out.append({"t": "\t", "n": "\n", "0": "\0", "\\": "\\"}.get(nxt, nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [[unescape(c) for c in line.rstrip("\n").split("\t")] for line in f]


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    ours = read_csv(sys.argv[1])
    theirs = read_tsv(sys.argv[2]) if "--tsv" in sys.argv[3:] else read_csv(sys.argv[2])
    if ours == theirs:
        print("same", len(ours) - 1)
        return 0
    print("differ: onetable %d lines, SQL %d lines" % (len(ours), len(theirs)))
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            print("line %d onetable: %s" % (i + 1, a))
            print("line %d SQL:      %s" % (i + 1, b))
            break
    return 1


if __name__ == "__main__":
    sys.exit(main())
