#!/usr/bin/env python3
"""From an experiment's results CSV: at equal utility, is each PrivTune
setting's A1, A2 and A3 (top-1) lower than dchi's and sap's?

For every setting of a privtune* mechanism (mean over its seeds), the baselines' A1/A2/A3 are
linearly interpolated at the setting's test accuracy between the baselines' own settings (means
over seeds, sorted by accuracy). Outside the baselines' accuracy range the nearest baseline point
is used and the row is marked: above their best accuracy ('>'), the setting is compared with the
baseline's most accurate point, which it then beats on accuracy as well; below it ('<'), with the
least accurate one. Standard library only.

    python3 releng/audit/equal_utility.py docs/results/results-full.csv
"""
import csv
import sys
from collections import defaultdict

ATTACKS = ("a1_top1", "a2_top1", "a3_top1")
BASELINES = ("dchi", "sap")


def mean(rows, key):
    vals = [float(r[key]) for r in rows if r.get(key) not in ("", None)]
    return sum(vals) / len(vals) if vals else float("nan")


def main(path):
    groups = defaultdict(list)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            groups[(r["mechanism"], r["eps"])].append(r)
    curves = defaultdict(list)
    for (mech, _), rows in groups.items():
        if mech in BASELINES:
            curves[mech].append((mean(rows, "accuracy"), [mean(rows, a) for a in ATTACKS]))
    for mech in BASELINES:
        if len(curves[mech]) < 2:
            sys.exit(f"{path}: need at least two {mech} settings, found {len(curves[mech])}")
        curves[mech].sort()

    def at(mech, acc):
        pts = curves[mech]
        if acc > pts[-1][0]:
            return pts[-1][1], ">"
        if acc < pts[0][0]:
            return pts[0][1], "<"
        for (a0, v0), (a1, v1) in zip(pts, pts[1:]):
            if a0 <= acc <= a1:
                t = 0 if a1 == a0 else (acc - a0) / (a1 - a0)
                return [x + t * (y - x) for x, y in zip(v0, v1)], ""
        raise AssertionError

    print("| mechanism | eps | seeds | accuracy | A1 / A2 / A3 | dchi at that accuracy | sap at that accuracy | each lower |")
    print("|---|---|---|---|---|---|---|---|")
    lower = total = 0
    for (mech, eps), rows in sorted(groups.items(), key=lambda kv: -mean(kv[1], "accuracy")):
        if not mech.startswith("privtune"):
            continue
        acc = mean(rows, "accuracy")
        own = [mean(rows, a) for a in ATTACKS]
        cells = []
        ok = True
        for b in BASELINES:
            vals, mark = at(b, acc)
            ok &= all(o < v for o, v in zip(own, vals))
            cells.append(f"{mark}{' / '.join(f'{v:.3f}' for v in vals)}")
        total += 1
        lower += ok
        print(f"| {mech} | {eps} | {len(rows)} | {acc:.3f} | {' / '.join(f'{v:.3f}' for v in own)} | "
              f"{cells[0]} | {cells[1]} | {'yes' if ok else '**no**'} |")
    print(f"\n{lower} of {total} settings have each of A1, A2 and A3 below both baselines at their accuracy.")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: equal_utility.py results.csv")
    main(sys.argv[1])
