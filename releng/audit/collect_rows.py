#!/usr/bin/env python3
"""Collects the rows of experiment folders into one CSV with a leading `data` column.

    python3 releng/audit/collect_rows.py OUT.csv DATA=FOLDER [DATA=FOLDER ...]

Each FOLDER is an `./privtune experiment --out` folder (its results.csv); DATA names the data set
it ran on. Columns are the union of the folders' columns, in the order first seen; a folder that
lacks a column leaves it empty. Standard library only.
"""
import csv
import sys


def main(argv):
    if len(argv) < 3 or any("=" not in a for a in argv[2:]):
        sys.exit(__doc__)
    out, header, rows = argv[1], ["data"], []
    for arg in argv[2:]:
        data, folder = arg.split("=", 1)
        with open(folder.rstrip("/") + "/results.csv", newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            for name in reader.fieldnames:
                if name not in header:
                    header.append(name)
            for row in reader:
                rows.append(dict(row, data=data))
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({k: row.get(k, "") for k in header})


if __name__ == "__main__":
    main(sys.argv)
