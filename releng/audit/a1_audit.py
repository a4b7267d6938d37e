#!/usr/bin/env python3
"""Nearest-neighbour inversion (A1) on a file written by `./privtune export-representations`,
computed outside the project with numpy alone, so that the product's A1 figures can be checked by
code that shares nothing with it.

    python3 releng/audit/a1_audit.py reps.safetensors

The file holds `representations` [N, T, d] (what the cloud receives), `scored` [N, T] (1 where a
position is non-special and non-padding), `token_ids` [N, T] (the truth), `reference` [V, d] (R),
`reference_aware` [V, d] (R with the mechanism's deterministic part applied to every row) and
`candidates` [V] (1 for ids an attacker may guess). For each table and each metric (cosine
similarity, L2 distance) every scored vector is matched to its closest candidate rows; the
script prints top-1 and top-5 recovery in the same layout as the export command, so the two
outputs can be compared line by line. Only the safetensors layout (an 8-byte little-endian header
length, a JSON header, raw little-endian tensors) is assumed.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        sys.exit(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in DTYPES:
            sys.exit(f"{path}: tensor {name} has dtype {info['dtype']}, which this script does not read")
        start, end = info["data_offsets"]
        arr = np.frombuffer(blob, dtype=np.dtype(DTYPES[info["dtype"]]).newbyteorder("<"),
                            count=(end - start) // np.dtype(DTYPES[info["dtype"]]).itemsize, offset=base + start)
        out[name] = arr.reshape(info["shape"])
    return out


def recovery(queries, truth, table, candidates, block=512):
    """Top-1 / top-5 hits by cosine and by L2 of each query row against the candidate rows."""
    ids = np.flatnonzero(candidates)
    rows = table[ids].astype(np.float32)
    norms = np.maximum(np.linalg.norm(rows, axis=1), 1e-12).astype(np.float32)
    unit = rows / norms[:, None]
    half_sq = 0.5 * np.einsum("ij,ij->i", rows, rows)
    hits = {"cosine": [0, 0], "L2": [0, 0]}
    for s in range(0, len(queries), block):
        q = queries[s:s + block].astype(np.float32)
        t = truth[s:s + block]
        qn = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
        for metric, scores in (("cosine", qn @ unit.T), ("L2", q @ rows.T - half_sq)):
            top5 = np.argpartition(-scores, 5, axis=1)[:, :5]
            order = np.argsort(-np.take_along_axis(scores, top5, axis=1), axis=1, kind="stable")
            top5 = ids[np.take_along_axis(top5, order, axis=1)]
            hits[metric][0] += int(np.sum(top5[:, 0] == t))
            hits[metric][1] += int(np.sum(np.any(top5 == t[:, None], axis=1)))
    return hits


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: a1_audit.py <file.safetensors written by ./privtune export-representations>")
    t = read_safetensors(sys.argv[1])
    missing = [k for k in ("representations", "scored", "token_ids", "reference", "reference_aware", "candidates")
               if k not in t]
    if missing:
        sys.exit(f"{sys.argv[1]}: no tensor named {', '.join(missing)} (written by an older export?)")
    d = t["representations"].shape[-1]
    scored = t["scored"].reshape(-1) == 1
    queries = t["representations"].reshape(-1, d)[scored]
    truth = t["token_ids"].reshape(-1)[scored]
    candidates = t["candidates"] == 1
    n = len(truth)
    print(f"{sys.argv[1]}: {n} scored tokens, d={d}, {int(candidates.sum())} candidate ids of {len(candidates)}")
    print("A1 computed outside the project (numpy):")
    for table in ("reference", "reference_aware"):
        hits = recovery(queries, truth, t[table], candidates)
        label = "plain" if table == "reference" else "aware"
        for metric in ("cosine", "L2"):
            h1, h5 = hits[metric]
            print(f"  {label + ' ' + metric:<13} {h1 / n:.6f} / {h5 / n:.6f}  ({h1} / {h5} of {n})")


if __name__ == "__main__":
    main()
