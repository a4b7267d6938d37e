#!/usr/bin/env python3
"""Runs the benchmarks of docs/benchmarks.md and writes their raw outputs and tables.

  bench.py train   [steps 5] [warm-up 2] [rounds 2]   DJL against the PyTorch-eager peer, roofline
  bench.py bottom  [calls 20] [warm-up 5] [rounds 2]   bottom forward: DJL against ONNX Runtime
  bench.py scaling [steps 2] [warm-up 1]               step time and memory against batch, length, split
  bench.py studio  [rounds 3]                          first window, Noise Tuner, Dataset Inspector
  bench.py mechanism [saved output]                    perturbation cost on the device's critical path
  bench.py splice                                      copies the tables into docs/benchmarks.md

Each command writes docs/bench/<what it measures>.md (the machine, load averages, every engine's
key=value output, the table) and docs/bench/tables/<name>.md (the table alone); splice puts the
latter between the matching '<!-- bench:NAME -->' and '<!-- /bench:NAME -->' lines of
docs/benchmarks.md. Engines run one after another, alternating (A, B, A, B...), so that each
ratio is taken from neighbouring runs under the same machine load.
"""
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH = os.path.join(ROOT, "releng", "bench")
DOCS = os.path.join(ROOT, "docs")
RAW = os.path.join(DOCS, "bench")
TABLES = os.path.join(RAW, "tables")
PRIVTUNE = os.path.join(ROOT, "privtune")
ENGINES = os.path.join(BENCH, "engines", "run.sh")
PY = "/usr/bin/python3"  # Debian's, where python3-torch lives
sys.path.insert(0, BENCH)
import flops  # noqa: E402


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    flags = open("/proc/cpuinfo").read()
    simd = "AVX-512" if " avx512f" in flags else "AVX2" if " avx2" in flags else "no AVX2"
    return f"{model}, {os.cpu_count()} cores ({simd}), {mem:.0f} GiB, Linux {platform.release()}"


def peer_env():
    """The eager peer as a PyTorch user on Debian runs it: all cores; no OpenBLAS overrides.

    Some build machines set OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE for older OpenBLAS builds; a user's
    machine does not, and torch_peer_check.py checks the products of the kernel that OpenBLAS then
    picks against float64."""
    env = dict(os.environ)
    if os.environ.get("BENCH_KEEP_OPENBLAS_ENV") != "1":
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    env["BENCH_THREADS"] = str(os.cpu_count())
    return env


def run(cmd, env=None, check=True, timeout=3600):
    """Runs a command, returns (key=value dict, stdout, wall seconds)."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    if check and p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        log(f"'{' '.join(cmd)}' failed with exit code {p.returncode}")
        sys.exit(p.returncode or 1)
    values = {}
    for line in p.stdout.splitlines():
        m = re.match(r"^([a-z_0-9]+)=(.*)$", line)
        if m:
            values[m.group(1)] = m.group(2)
    return values, p.stdout, wall


def num(d, key):
    try:
        return float(d[key])
    except (KeyError, ValueError):
        return float("nan")


def write(name, title, header_lines, table, raw_sections):
    """docs/bench/NAME.md (everything) and docs/bench/tables/NAME.md (the table)."""
    os.makedirs(TABLES, exist_ok=True)
    with open(os.path.join(TABLES, name + ".md"), "w") as f:
        f.write(table.rstrip() + "\n")
    with open(os.path.join(RAW, name + ".md"), "w") as f:
        f.write(f"# {title}\n\n")
        for line in header_lines:
            f.write(line + "\n")
        f.write("\n" + table.rstrip() + "\n")
        if raw_sections:
            f.write("\n## Every run's output\n")
            for heading, text in raw_sections:
                f.write(f"\n{heading}\n\n```\n{text.rstrip()}\n```\n")
    log(f"wrote docs/bench/{name}.md")


def stamp():
    return (f"Measured {datetime.date.today().isoformat()} on {machine()}; "
            f"load average (1, 5, 15 min) {loadavg()} at the start.")


def peer_check():
    """Fails loudly when the eager peer would run on the reference BLAS (torch_peer_check.py exits 3)."""
    values, out, _ = run([PY, os.path.join(BENCH, "torch_peer_check.py"), "2048", "10"], env=peer_env())
    return values, out


# --- split training: DJL against PyTorch eager --------------------------------------------------

def train(steps=5, warmup=2, rounds=2, batch=32, tokens=64, split=2):
    f = flops.step(batch, tokens, split)
    gflop = f["total"] / 1e9
    start = stamp()
    rows, raw, ratios, profile = [], [], [], []
    for r in range(1, rounds + 1):
        log(f"round {r}: DJL GEMM probe, DJL training, eager GEMM probe, eager training")
        dg, dg_out, _ = run([ENGINES, "gemm", "2048", "10"])
        dt, dt_out, _ = run([PRIVTUNE, "bench", "train", str(steps), str(warmup), str(batch), str(tokens), str(split)])
        eg, eg_out = peer_check()
        et, et_out, _ = run([PY, os.path.join(BENCH, "torch_eager_train.py"), str(steps), str(warmup), str(batch),
                             str(tokens), str(split)], env=peer_env())
        raw += [(f"Round {r}, DJL GEMM probe", dg_out), (f"Round {r}, `./privtune bench train`", dt_out),
                (f"Round {r}, eager peer check", eg_out), (f"Round {r}, `torch_eager_train.py`", et_out)]
        for label, g, t in (("DJL " + dg["engine"].removeprefix("DJL-").replace("-PyTorch-", ", PyTorch "), dg, dt),
                            ("PyTorch eager " + eg["engine"].removeprefix("PyTorch-eager-")
                             + ", " + eg["blas_kind"] + " " + kernel(eg), eg, et)):
            ms = num(t, "ms_per_step")
            achieved = gflop / (ms / 1000)
            per_cpu = gflop / num(t, "cpu_seconds_per_step")
            rows.append((r, label, g.get("threads", "?"), num(g, "gemm_gflops"), ms, num(t, "examples_per_second"),
                         num(t, "cpu_seconds_per_step"), achieved, achieved / num(g, "gemm_gflops"),
                         num(t, "peak_rss_mb"), t.get("load_average", "?"),
                         per_cpu / num(g, "gemm_gflop_per_cpu_second")))
        units = split + 3 * (flops.LAYERS - split)  # layer forwards a step's products amount to
        for label, g, t in (("DJL", dg, dt), ("PyTorch eager", eg, et)):
            if "layer_gemm_ms" in g:
                profile.append((r, label, num(g, "layer_gemm_ms"), num(g, "layer_gemm_gflops"),
                                units * num(g, "layer_gemm_ms"), num(t, "ms_per_step"), g.get("load_average", "?")))
        ratios.append((r, num(et, "ms_per_step") / num(dt, "ms_per_step"),
                       num(et, "cpu_seconds_per_step") / num(dt, "cpu_seconds_per_step")))
    table = ["| round | engine | threads | GEMM 2048: GFLOP/s | ms/step | examples/s | CPU s/step "
             "| achieved GFLOP/s | share of own GEMM rate | same, per CPU-second | peak RSS MB | load avg |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        table.append(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:.1f} | {r[4]:.0f} | {r[5]:.2f} | {r[6]:.2f} | {r[7]:.1f} "
                     f"| {100 * r[8]:.0f}% | {100 * r[11]:.0f}% | {r[9]:.0f} | {r[10]} |")
    table.append("")
    for r, wall, cpu in ratios:
        table.append(f"- Round {r}: DJL is **{wall:.2f}x** the eager peer's speed on the wall clock, {cpu:.2f}x "
                     f"per CPU-second.")
    djl_share = [x[8] for x in rows if x[1].startswith("DJL")]
    walls = [x[1] for x in ratios]
    table.append(f"- Target >= 2.0x the fair eager peer: "
                 f"{verdict(statistics.median(walls), 2.0, lambda v: f'{v:.2f}x')} "
                 f"(median of the rounds; rounds {', '.join(f'{w:.2f}x' for w in walls)}).")
    table.append(f"- Target >= 50% of the engine's own GEMM rate: "
                 f"{verdict(statistics.median(djl_share), 0.5, lambda v: f'{100 * v:.0f}%')} "
                 f"(rounds {', '.join(f'{100 * s:.0f}%' for s in djl_share)}; per CPU-second, which the "
                 f"neighbours' load moves less: "
                 f"{', '.join(f'{100 * x[11]:.0f}%' for x in rows if x[1].startswith('DJL'))}).")
    rss = [x[9] for x in rows if x[1].startswith("DJL")]
    table.append(f"- Target device RSS <= 1.5 GB while training: "
                 f"{verdict(max(rss), 1536, lambda v: f'{v:.0f} MB', lower=True)} (the largest peak; MiniLM, the top "
                 f"model and the optimiser in one process).")
    if profile:
        table += ["", "Where a step's time goes: the matrix products of one layer's forward at this shape (4 "
                  "projections, the feed-forward's two, attention's two batched products), each timed alone right "
                  "after the engine's 2048 x 2048 product; a step amounts to "
                  f"{split + 3 * (flops.LAYERS - split)} such layer forwards (the bottom's {split}, the top's "
                  f"{flops.LAYERS - split} three times: forward and backward). What the step takes beyond them is "
                  "the rest: layer norms, softmax, GELU, dropout, masks, copies, autograd and AdamW.", "",
                  "| round | engine | one layer's products alone | their rate GFLOP/s | a step's products (estimate) "
                  "| step measured | share of the step in products | load avg |", "|---|---|---|---|---|---|---|---|"]
        for r, label, lm, lr, est, step_ms, load in profile:
            table.append(f"| {r} | {label} | {lm:.1f} ms | {lr:.1f} | {est:.0f} ms | {step_ms:.0f} ms "
                         f"| {100 * est / step_ms:.0f}% | {load} |")
    header = [start, f"Load average at the end {loadavg()}.", "",
              f"Command: `releng/bench/train-throughput.sh {steps} {warmup} {rounds}`. Batch {batch} x {tokens} "
              f"tokens, split {split}: frozen bottom forward, top forward and backward, global-norm clipping, AdamW; "
              f"{steps} timed steps after {warmup} warm-up steps per run. One step is {gflop:.1f} GFLOP "
              f"(`releng/bench/flops.py {batch} {tokens} {split}`: bottom forward {f['bottom_forward'] / 1e9:.1f}, "
              f"top forward and backward {f['top_forward_backward'] / 1e9:.1f}, AdamW {f['optimizer'] / 1e9:.2f}); "
              f"achieved GFLOP/s is that over the step time, its share is against the same engine's 2048 x 2048 "
              f"float32 product measured just before in the same round (per CPU-second: step FLOPs over the step's "
              f"process CPU time against the product's FLOPs over its CPU time; spin-waiting threads count as CPU).",
              "", "How the peer runs: " + peer_line(eg)]
    write("train-throughput", "Split fine-tuning: DJL against PyTorch eager", header, "\n".join(table), raw)


def kernel(check):
    m = re.search(r"kernel (\w+)", check.get("blas_detail", ""))
    return f"({m.group(1)} kernel)" if m else ""


def peer_line(check):
    return (f"Debian's python3-torch {check.get('engine', '?').removeprefix('PyTorch-eager-')} "
            f"({check.get('build_blas', '?')}) on {check.get('blas_library', '?')} "
            f"({check.get('blas_detail', '')}), threads {check.get('threads', '?')}; "
            f"environment {check.get('openblas_env', '')} (OpenBLAS picks its kernel for the processor, as on a "
            f"user's machine; products checked against float64: max relative error "
            f"{check.get('gemm_max_rel_error', '?')}).")


def verdict(value, target, fmt, lower=False):
    """'met (value)' or 'missed by how much (value against target)'."""
    met = value <= target if lower else value >= target
    if met:
        return f"met ({fmt(value)})"
    short = (value - target) / target if lower else (target - value) / target
    return f"**missed by {100 * short:.0f}%** ({fmt(value)} against {fmt(target)})"


# --- bottom forward: DJL against ONNX Runtime ---------------------------------------------------

def bottom(calls=20, warmup=5, rounds=2, batch=32, tokens=64, split=2):
    start = stamp()
    check, check_out, _ = run([ENGINES, "check", "4", str(tokens), str(split)])
    rows, raw = [], [("DJL against ONNX Runtime on the same batch", check_out)]
    for r in range(1, rounds + 1):
        for engine in ("djl", "ort"):
            log(f"round {r}: bottom forward in {engine}")
            v, out, _ = run([ENGINES, "bottom", engine, str(batch), str(tokens), str(split), str(calls), str(warmup)])
            raw.append((f"Round {r}, {engine}", out))
            label = v["engine"].replace("ONNX-Runtime-", "ONNX Runtime ").replace("DJL-", "DJL ").replace(
                "-PyTorch-", ", PyTorch ")
            rows.append((r, label, v.get("threads", "?"), num(v, "bottom_ms_median"),
                         num(v, "bottom_ms_min"), num(v, "cpu_ms_per_call"), num(v, "peak_rss_mb"),
                         v.get("load_average", "?")))
    gflop = flops.step(batch, tokens, split)["bottom_forward"] / 1e9
    table = ["| round | engine | threads | ms median | ms min | CPU ms per call | GFLOP/s at the median "
             "| peak RSS MB | load avg |", "|---|---|---|---|---|---|---|---|---|"]
    for x in rows:
        table.append(f"| {x[0]} | {x[1]} | {x[2]} | {x[3]:.1f} | {x[4]:.1f} | {x[5]:.1f} | {gflop / x[3] * 1000:.1f} "
                     f"| {x[6]:.0f} | {x[7]} |")
    table.append("")
    for r in range(1, rounds + 1):
        d, o = [x for x in rows if x[0] == r]
        table.append(f"- Round {r}: ONNX Runtime takes {o[3] / d[3]:.2f} of DJL's median time "
                     f"({o[5] / d[5]:.2f} of its CPU time).")
    table.append(f"- Same output: max |DJL - ONNX Runtime| = {check.get('bottom_max_abs_diff', '?')} over "
                 f"{check.get('bottom_values', '?').split()[0]} values (4 sentences).")
    header = [start, f"Load average at the end {loadavg()}.", "",
              f"Command: `releng/bench/bottom-forward.sh {calls} {warmup} {rounds}`. The device's bottom forward "
              f"(embeddings and layers 0-{split - 1} of pre-trained MiniLM, no gradients, output copied into a Java "
              f"array as the device does before perturbing it), batch {batch} x {tokens} tokens, {gflop:.1f} GFLOP; "
              f"{calls} timed calls after {warmup} warm-up calls per run, one process per run "
              f"(`releng/bench/engines/run.sh bottom djl|ort`). DJL: the product's BertEncoder. ONNX Runtime: the "
              f"product's MiniLM ONNX file cut after layer {split - 1} (the nodes the hidden state after it needs), "
              f"default session options (all graph optimisations) and one intra-op thread per core."]
    write("bottom-forward", "Bottom forward: DJL against ONNX Runtime", header, "\n".join(table), raw)


# --- scaling: step time and memory against batch, length and split ------------------------------

def scaling(steps=2, warmup=1, batches=(8, 16, 32, 64), lengths=(32, 64, 128, 256), splits=(1, 2, 3, 4, 5)):
    """Every configuration runs between two runs of the reference (32 x 64, split 2): R A R B R ...
    Its step time is read against the mean of its two neighbours, so the growth is a ratio taken
    under the same load, like the engines' comparison."""
    start = stamp()
    ref = (32, 64, 2)
    others = [(b, 64, 2) for b in batches if b != 32] + [(32, t, 2) for t in lengths if t != 64] \
        + [(32, 64, s) for s in splits if s != 2]

    def one(cfg):
        b, t, s_ = cfg
        log(f"scaling: batch {b}, tokens {t}, split {s_}")
        v, out, _ = run([PRIVTUNE, "bench", "train", str(steps), str(warmup), str(b), str(t), str(s_)])
        raw.append((f"batch {b}, tokens {t}, split {s_}", out))
        return num(v, "ms_per_step"), num(v, "peak_rss_mb"), num(v, "rss_mb_after_load"), v.get("load_average", "?")

    raw = []
    refs = [one(ref)]
    measured = []
    for cfg in others:
        m = one(cfg)
        refs.append(one(ref))
        measured.append((cfg, m, (refs[-2][0] + refs[-1][0]) / 2))
    ref_flops = flops.step(*ref)["total"]
    ref_ms = statistics.median(x[0] for x in refs)
    rows = [(ref, ref_ms, ref_ms, 1.0, 1.0, flops.step(*ref), statistics.median(x[1] for x in refs),
             statistics.median(x[1] - x[2] for x in refs), refs[0][3])]
    for cfg, (ms, rss, rss0, load), neighbours in measured:
        fl = flops.step(*cfg)
        rows.append((cfg, ms, neighbours, ms / neighbours, fl["total"] / ref_flops, fl, rss, rss - rss0, load))
    rows.sort(key=lambda x: x[0])
    table = ["| batch | tokens | split | ms/step | reference beside it | growth measured | growth expected "
             "| GFLOP/step | attention share of a layer | peak RSS MB | RSS growth while training MB "
             "| activations expected MB | load avg |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for (b, t, s_), ms, nb, grow, exp, fl, rss, rgrow, load in rows:
        table.append(f"| {b} | {t} | {s_} | {ms:.0f} | {nb:.0f} | {grow:.2f}x | {exp:.2f}x | {fl['total'] / 1e9:.1f} "
                     f"| {100 * fl['attention_share']:.0f}% | {rss:.0f} | {rgrow:.0f} "
                     f"| {flops.activation_bytes(b, t, s_) / 2 ** 20:.0f} | {load} |")
    table.append("")
    table.append(f"- Growth measured: the row's step time over the mean of the two reference runs (batch 32, 64 "
                 f"tokens, split 2) made just before and after it; the reference row gives the median of all "
                 f"{len(refs)} reference runs ({', '.join(f'{x[0]:.0f}' for x in refs)} ms: the spread is the "
                 f"machine's load). Growth expected: the step's FLOPs (`releng/bench/flops.py`) over the "
                 f"reference's: linear in batch x tokens and in the layers run (a top layer counts three times, "
                 f"forward and backward, a bottom layer once), plus attention's term, quadratic in the length "
                 f"(4TH against 8H^2 + 4HF per token and layer: {100 * flops.step(32, 256, 2)['attention_share']:.0f}% "
                 f"of a layer's products at 256 tokens).")
    table.append("- Memory: peak RSS of the whole process (JVM, MiniLM, engine); its growth while training against "
                 "what autograd keeps for the top's backward by the same shape arithmetic (`flops.py`: about "
                 "10H + 3F floats per token and top layer, 3 x B x 12 x T^2 for the attention maps): linear in "
                 "batch x tokens x top layers, quadratic in the length.")
    header = [start, f"Load average at the end {loadavg()}.", "",
              f"Command: `releng/bench/scaling.sh {steps} {warmup}`: `./privtune bench train {steps} {warmup} B T S` "
              f"for each row, one process each, every row between two runs of the reference configuration.",
              "", "![step time and memory against batch, length and split](scaling.png)"]
    write("scaling", "Split training: scaling with batch, length and split", header, "\n".join(table), raw)
    plot(rows, ref)


def plot(rows, ref):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is missing (apt-get install python3-matplotlib): no docs/bench/scaling.png")
        return
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.5))
    for col, (idx, name) in enumerate(((0, "batch size (64 tokens, split 2)"), (1, "sequence length (batch 32, split 2)"),
                                       (2, "split layer (batch 32 x 64 tokens)"))):
        sel = [r for r in rows if all(r[0][i] == ref[i] for i in range(3) if i != idx)]
        sel.sort(key=lambda r: r[0][idx])
        xs = [r[0][idx] for r in sel]
        ax = axes[0][col]
        ax.plot(xs, [r[3] for r in sel], "o-", label="measured (against the reference beside it)")
        ax.plot(xs, [r[4] for r in sel], "s--", label="expected (FLOPs)")
        ax.set_ylabel("step time, reference = 1")
        ax.set_title(name, fontsize=10)
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
        ax = axes[1][col]
        ax.plot(xs, [r[7] for r in sel], "o-", color="tab:green", label="RSS growth while training")
        ax.plot(xs, [flops.activation_bytes(*r[0]) / 2 ** 20 for r in sel], "s--", color="tab:olive",
                label="activations expected")
        ax.set_ylabel("MB")
        ax.set_xlabel(name.split(" (")[0])
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle(f"MiniLM split training in DJL, machine C ({machine().split(',')[0]}, 2 cores), under load: "
                 f"re-run on a quiet machine", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(RAW, "scaling.png"), dpi=80)
    log("wrote docs/bench/scaling.png")


# --- the device's perturbation (existing benchmark) ---------------------------------------------

def mechanism(saved=None):
    """saved: a file holding the output of an earlier `./privtune bench mechanism 2 10 <empty folder>`
    (it takes a quarter of an hour on a loaded machine); the draw harness still runs."""
    start = stamp()
    if saved:
        out = open(saved).read()
    else:
        cache = os.path.join(ROOT, "target", "bench", "mechanism-cache")
        subprocess.run(["rm", "-rf", cache])
        os.makedirs(cache)
        _, out, _ = run([PRIVTUNE, "bench", "mechanism", "2", "10", cache])
    _, draws, _ = run([os.path.join(BENCH, "draw", "run.sh"), "100", "1"])
    bottom_ms = float(re.search(r"bottom forward \(split \d\): ([\d.]+) ms wall", out).group(1))
    m = re.search(r"^privtune\s+setup.*?after bottom\s+([\d.]+) ms =\s+([\d.]+)% of its bottom forward "
                  r"\(per step: median\s+([\d.]+)%, quartiles\s*([\d.]+)-\s*([\d.]+)%", out, re.M)
    after_ms, median_pct, q1, q3 = float(m.group(1)), float(m.group(3)), m.group(4), m.group(5)
    draw_ms = float(re.search(r"PyTorch randomNormal.*?median\s+([\d.]+) ms", draws).group(1))
    per_step_bottom = after_ms * 100 / median_pct  # the bottom forwards the perturbation followed
    table = "\n".join([
        "| item | ms | share of the bottom forward |", "|---|---|---|",
        f"| bottom forward, 32 x 64 tokens, split 2 | {bottom_ms:.1f} | - |",
        f"| privtune's perturbation right after a bottom forward, as in training, secret randomness "
        f"(normals drawn one batch ahead on a second thread) | {after_ms:.2f} "
        f"| {median_pct:.1f}% (median per step; quartiles {q1}-{q3}%) |",
        f"| for comparison: the normal draw and row norms a fixed-seed run makes on the critical path "
        f"(PyTorch, draw harness) | {draw_ms:.2f} | {100 * draw_ms / per_step_bottom:.1f}% |",
        "", "- The draw's share is against the bottom forwards the perturbation followed "
            "(their ms over its median share).",
        f"- Target: the perturbation at most 5% of the bottom forward: "
            f"{verdict(median_pct, 5.0, lambda v: f'{v:.1f}%', lower=True)}. Fixed-seed runs (experiments) "
            f"draw on the critical path as before, so that their rows repeat."])
    header = [start, f"Load average at the end {loadavg()}.", "",
              "Commands: `./privtune bench mechanism 2 10 <empty folder>` and `releng/bench/draw/run.sh 100 1`."]
    write("mechanism-critical-path", "Perturbation on the device's critical path", header, table,
          [("`./privtune bench mechanism 2 10`", out), ("`releng/bench/draw/run.sh 100 1`", draws)])


# --- splice the tables into docs/benchmarks.md --------------------------------------------------

def splice():
    path = os.path.join(DOCS, "benchmarks.md")
    text = open(path).read()
    for name in sorted(os.listdir(TABLES)):
        key = name[:-3]
        table = open(os.path.join(TABLES, name)).read().rstrip()
        pattern = re.compile(r"(<!-- bench:%s -->\n).*?(<!-- /bench:%s -->)" % (re.escape(key), re.escape(key)), re.S)
        if pattern.search(text):
            text = pattern.sub(lambda m: m.group(1) + table + "\n" + m.group(2), text)
            log(f"docs/benchmarks.md: table {key} replaced")
    open(path, "w").write(text)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    ints = [int(a) for a in sys.argv[2:] if a.isdigit()]
    if cmd == "train":
        train(*ints)
    elif cmd == "bottom":
        bottom(*ints)
    elif cmd == "scaling":
        scaling(*ints)
    elif cmd == "mechanism":
        mechanism(sys.argv[2] if len(sys.argv) > 2 else None)
    elif cmd == "studio":
        import studio  # noqa: E402
        studio.main(ints)
    elif cmd == "splice":
        splice()
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
