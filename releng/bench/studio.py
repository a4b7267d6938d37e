"""Studio latencies (bench.py studio [rounds 2] [tuner changes 5]), under a virtual display (Xvfb).

- First window: ./privtune as a user starts it (no harness), until a visible window named
  'PrivTune Studio' exists (xdotool, every 100 ms); the process is then ended. Cold: the
  product's OSGi configuration area as a fresh build leaves it (config.ini only, so the bundle cache
  is rebuilt); warm: the start right after. Files are in the page cache either way (a build has just
  written them; the cache is not dropped on a shared machine).
- Noise Tuner and Dataset Inspector: ./privtune gui with releng/bench/studio's timing bundle added
  to a copy of the configuration (StudioBench.java says what it times); after one untimed start
  that fills the caches (bundle cache, MiniLM reference space and neighbour graph, DJL natives).

The studio's state goes to target/bench/studio-home (the user's own workspace is not touched); the
unpacked DJL natives and the MiniLM cache (~/.privtune/cache) are shared with the user's.
"""
import os
import shutil
import signal
import subprocess
import time

import bench

PRODUCT = os.path.join(bench.ROOT, "product", "target", "products", "org.privtune.product", "linux", "gtk", "x86_64",
                       "privtune")
HOME = os.path.join(bench.ROOT, "target", "bench", "studio-home")


class Display:
    """An Xvfb server, started again whenever it is gone or stops answering (on a shared machine
    other jobs clean up X servers and sockets too)."""

    def __init__(self):
        self.xvfb, self.name = start_display()

    def ensure(self):
        ok = self.xvfb.poll() is None and subprocess.run(
            ["xdotool", "getdisplaygeometry"], env=dict(os.environ, DISPLAY=self.name), capture_output=True).returncode == 0
        if not ok:
            bench.log(f"the X server {self.name} is gone; starting another")
            self.stop()
            self.xvfb, self.name = start_display()
        return self.name

    def stop(self):
        if self.xvfb.poll() is None:
            self.xvfb.terminate()
            self.xvfb.wait()


def start_display():
    r, w = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1600x1000x24", "-nolisten", "tcp", "-noreset"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    number = os.read(r, 16).decode().strip()
    # the read end stays open while Xvfb runs: a write to a closed pipe would end it (SIGPIPE)
    xvfb.displayfd = r
    return xvfb, ":" + number


def studio_env(display, **extra):
    env = dict(os.environ)
    env.pop("WAYLAND_DISPLAY", None)
    env.update(DISPLAY=display, PRIVTUNE_HOME=HOME, **extra)
    return env


def prepare_home():
    os.makedirs(HOME, exist_ok=True)
    user_djl = os.path.join(os.environ.get("PRIVTUNE_HOME", os.path.expanduser("~/.privtune")), "djl")
    link = os.path.join(HOME, "djl")
    if os.path.isdir(user_djl) and not os.path.exists(link):
        os.symlink(user_djl, link)


def fresh_configuration():
    """The product's configuration area as the build leaves it."""
    conf = os.path.join(PRODUCT, "configuration")
    for name in os.listdir(conf):
        if name not in ("config.ini", "org.eclipse.update"):
            path = os.path.join(conf, name)
            shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def cpu_seconds(pid):
    """CPU time of the process so far, with its finished children (the launcher script's): on a
    loaded machine the wall clock depends on the neighbours, the CPU time much less."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def first_window(display, timeout=600):
    t0 = time.time()
    p = subprocess.Popen([bench.PRIVTUNE], env=studio_env(display), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        while time.time() - t0 < timeout:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^PrivTune Studio$"],
                                   env=studio_env(display), capture_output=True, text=True)
            if found.stdout.strip():
                return time.time() - t0, cpu_seconds(p.pid)
            if p.poll() is not None:
                raise SystemExit(f"bench: the studio exited with code {p.returncode} before showing a window")
            time.sleep(0.1)  # each look is a process: looking more often would load the machine it measures
        raise SystemExit("bench: no studio window within %d s" % timeout)
    finally:
        stop(p)


def harness(display, configuration, mode, changes, timeout=1800):
    out = os.path.join(bench.ROOT, "target", "bench", "studio", f"{mode}.out")
    if os.path.exists(out):
        os.remove(out)
    t0 = time.time()
    env = studio_env(display, BENCH_STUDIO=mode, BENCH_T0_MS=str(int(t0 * 1000)), BENCH_OUT=out,
                     BENCH_CHANGES=str(changes))
    log = open(os.path.join(bench.ROOT, "target", "bench", "studio", f"{mode}.log"), "w")
    p = subprocess.Popen([bench.PRIVTUNE, "gui", "-configuration", configuration], env=env, stdout=log,
                         stderr=subprocess.STDOUT)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        stop(p)
    if not os.path.exists(out):
        raise SystemExit(f"bench: the studio harness wrote nothing (see target/bench/studio/{mode}.log)")
    values = {}
    text = open(out).read()
    for line in text.splitlines():
        k, _, v = line.partition("=")
        values[k] = v
    if "error" in values:
        raise SystemExit(f"bench: studio harness ({mode}): {values['error']}")
    return values, text


def main(args):
    rounds = args[0] if len(args) > 0 else 2
    changes = args[1] if len(args) > 1 else 5
    start = bench.stamp()
    prepare_home()
    configuration = subprocess.run([os.path.join(bench.BENCH, "studio", "prepare.sh")], capture_output=True,
                                   text=True, check=True).stdout.strip()
    display = Display()
    raw, windows, tuners, inspectors = [], [], [], []
    try:
        for r in range(1, rounds + 1):
            for kind in ("cold", "warm"):
                if kind == "cold":
                    fresh_configuration()
                bench.log(f"round {r}: first window, {kind}")
                wall, cpu = first_window(display.ensure())
                windows.append((r, kind, wall, cpu, bench.loadavg().split()[0]))
        bench.log("studio harness: one untimed start (caches)")
        harness(display.ensure(), configuration, "tuner", 1)
        for r in range(1, rounds + 1):
            for mode in ("tuner", "inspector"):
                bench.log(f"round {r}: {mode}")
                values, text = harness(display.ensure(), configuration, mode, changes)
                raw.append((f"Round {r}, {mode}", text))
                (tuners if mode == "tuner" else inspectors).append((r, values))
    finally:
        display.stop()
    table = ["| round | start | `./privtune` to the first window | CPU time by then | load avg |",
             "|---|---|---|---|---|"]
    for r, kind, s, cpu, load in windows:
        table.append(f"| {r} | {kind} | {s:.1f} s | {cpu:.1f} s | {load} |")
    warm = sorted(s for _, k, s, _, _ in windows if k == "warm")
    table += ["", f"- Target: first window <= 5 s warm: {bench.verdict(warm[len(warm) // 2], 5.0, lambda v: f'{v:.1f} s', lower=True)} "
              f"(median of the warm starts). CPU time: the launcher script, the JVMs it starts and the studio "
              f"until the window shows, all threads; on 2 cores the wall time of an unloaded start is at least "
              f"half of it.", ""]
    table += ["| round | Noise Tuner: first point after start | point after an eps change: median (min-max) "
              "| each change | window shown | load avg |", "|---|---|---|---|---|---|"]
    medians = []
    for r, v in tuners:
        medians.append(float(v["tuner_change_ms_median"]))
        table.append(f"| {r} | {int(v['tuner_first_point_ms']) / 1000:.1f} s | {v['tuner_change_ms_median']} ms "
                     f"({v['tuner_change_ms_min']}-{v['tuner_change_ms_max']}) | {v['tuner_change_ms_all']} ms "
                     f"| {int(v['window_visible_ms']) / 1000:.1f} s | {v['load_average']} |")
    medians.sort()
    table += ["", f"- Target: Noise Tuner point <= 200 ms after a change (warm): "
              f"{bench.verdict(medians[len(medians) // 2], 200, lambda v: f'{v:.0f} ms', lower=True)} "
              f"(median of the rounds' medians). The time is the view's own (change to point on screen: "
              f"debounce, the evaluation, the charts), as its status line shows it; each change is made once the "
              f"previous point's refinement and eps sweep have finished.", ""]
    table += ["| round | IMDB (50,000 reviews): records in the table | description and charts shown "
              "| page down: median (max) | jump: median (max) | load avg |", "|---|---|---|---|---|---|"]
    for r, v in inspectors:
        table.append(f"| {r} | {int(v['inspector_records_shown_ms']) / 1000:.1f} s "
                     f"| {int(v['inspector_described_ms']) / 1000:.1f} s "
                     f"| {v['inspector_page_down_ms_median']} ms ({v['inspector_page_down_ms_max']}) "
                     f"| {v['inspector_jump_ms_median']} ms ({v['inspector_jump_ms_max']}) | {v['load_average']} |")
    table += ["", "- Dataset Inspector: from asking for `imdb` (after the data set it remembered, then `sentiment`, "
              "were loaded) until the "
              "table holds all 50,000 records and until the description is shown; then 100 pages scrolled down "
              f"from the top and 50 jumps across the table ({inspectors[0][1].get('inspector_rows_per_page', '?')} "
              "rows a page), each step scrolling and filling the page's rows as a paint does (the view's per-row work, "
              "word-piece counts included); GTK's own drawing comes later and is not in these times."]
    header = [start, f"Load average at the end {bench.loadavg()}.", "",
              f"Command: `releng/bench/studio-latency.sh {rounds} {changes}`, under Xvfb (1600 x 1000), no window "
              f"manager. " + __doc__.split("\n\n", 1)[1].replace("\n", " ").strip()]
    bench.write("studio-latency", "Studio latencies", header, "\n".join(table), raw)
