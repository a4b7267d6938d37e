#!/usr/bin/env python3
"""Does a re-run reproduce the published rows? Compares every row of one or more experiment folders
(their results.csv, as written by ./privtune experiment) with the row of the same setting in a
published results CSV, metric by metric, as written (same digits).

A published row matches a new one when mechanism, eps and seed are equal and the published spec is
the new spec or a prefix of it up to a comma (rows written before an option existed lack that
option's default at the end of the spec). Columns that hold timings are skipped, and so are metrics
the published row leaves empty (measured before that attack existed); both are counted and named.
Exit status 1 when a compared metric differs or a new row has no published row. Standard library
only.

    python3 releng/audit/compare_rows.py docs/results/results-full.csv rerun-1 rerun-2 ...
"""
import csv
import os
import sys

SKIPPED = ("spec",)


def is_timing(column):
    return "second" in column


def load(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def same_setting(pub, new):
    if (pub["mechanism"], pub["eps"], pub["seed"]) != (new["mechanism"], new["eps"], new["seed"]):
        return False
    return new["spec"] == pub["spec"] or new["spec"].startswith(pub["spec"] + ",")


def compare(pub, new):
    """(equal columns, [(column, published, new)], columns the published row leaves empty)."""
    equal, differ, empty = 0, [], []
    for column, value in new.items():
        if column in SKIPPED or is_timing(column) or column not in pub:
            continue
        if pub[column] == "":
            if value != "":
                empty.append(column)
            continue
        if pub[column] == value:
            equal += 1
        else:
            differ.append((column, pub[column], value))
    return equal, differ, empty


def main(published_path, folders):
    published = load(published_path)
    failed = False
    for folder in folders:
        path = os.path.join(folder, "results.csv")
        if not os.path.isfile(path):
            sys.exit(f"{path}: not found (name experiment output folders)")
        for new in load(path):
            label = f"{folder}: {new['mechanism']} eps {new['eps']} seed {new['seed']}"
            matches = [p for p in published if same_setting(p, new)]
            if not matches:
                print(f"{label}: no published row with this setting in {published_path}")
                failed = True
                continue
            if len(matches) > 1:
                print(f"{label}: {len(matches)} published rows with this setting; comparing with each")
            for pub in matches:
                equal, differ, empty = compare(pub, new)
                line = f"{label}: {equal} of {equal + len(differ)} metrics equal"
                if empty:
                    line += f" (not in the published row: {', '.join(empty)})"
                print(line)
                for column, old, value in differ:
                    print(f"    {column}: published {old}, now {value}")
                failed |= bool(differ)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: compare_rows.py published-results.csv experiment-folder [experiment-folder ...]")
    sys.exit(main(sys.argv[1], sys.argv[2:]))
