#!/usr/bin/env python3
"""Says how the PyTorch-eager peer is configured and how fast its matrix product is.

Prints key=value lines: PyTorch's version, its intra-op and inter-op threads, the BLAS library the
process really loaded (Debian's python3-torch calls whatever libblas.so.3 the alternatives system
points at), that library's own report (OpenBLAS: version, kernel, threads), and the rate of a
2048 x 2048 float32 matrix product. Exits 3, with the fix, when the loaded BLAS is the reference
implementation (Debian's libblas3, about 5 GFLOP/s on the machines of docs/benchmarks.md): a peer
no PyTorch user would run. A rate under 10 GFLOP/s with an optimised library is only a warning,
since a loaded machine can do that to any library.
  torch_peer_check.py [matrix size 2048] [timed products 10]
"""
import ctypes, os, sys, time

import torch

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2048
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
threads = int(os.environ.get("BENCH_THREADS", os.cpu_count() or 1))
torch.set_num_threads(threads)

a = torch.randn(n, n)
b = torch.randn(n, n)
c = a @ b  # loads and warms the BLAS
# correctness of the kernel the library picked for this processor, against float64
ref = (a[:64].double() @ b.double()).float()
rel_err = ((c[:64] - ref).abs().max() / ref.abs().max()).item()


def loaded_blas():
    """Real paths of the BLAS-like libraries mapped into this process."""
    found = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if "/" in line else ""
            name = os.path.basename(path)
            if any(k in name for k in ("blas", "mkl", "blis", "lapack")) and path not in found:
                found.append(path)
    return found


libs = loaded_blas()
blas = next((p for p in libs if "libblas" in os.path.basename(p) or "openblas" in p or "mkl" in p or "blis" in p), "")
kind, detail = "unknown", ""
if blas:
    lib = ctypes.CDLL(blas)
    if hasattr(lib, "openblas_get_config"):
        lib.openblas_get_config.restype = ctypes.c_char_p
        lib.openblas_get_corename.restype = ctypes.c_char_p
        kind = "OpenBLAS"
        detail = "%s; kernel %s; %d threads" % (lib.openblas_get_config().decode(),
                                                lib.openblas_get_corename().decode(), lib.openblas_get_num_threads())
    elif hasattr(lib, "bli_info_get_version_str"):
        lib.bli_info_get_version_str.restype = ctypes.c_char_p
        kind, detail = "BLIS", lib.bli_info_get_version_str().decode()
    elif hasattr(lib, "mkl_get_max_threads"):
        kind, detail = "MKL", "%d threads" % lib.mkl_get_max_threads()
    elif "/blas/" in os.path.realpath(blas):
        kind = "reference"
if not blas and "mkl" in torch.__config__.show().lower():
    kind, detail = "MKL (linked into torch)", ""

for _ in range(2):
    a @ b
cpu0, t0 = time.process_time(), time.perf_counter()
for _ in range(reps):
    a @ b
seconds = (time.perf_counter() - t0) / reps
cpu = (time.process_time() - cpu0) / reps
gflops = 2 * n ** 3 / seconds / 1e9

config = torch.__config__.show()
settings = [kv.strip() for l in config.splitlines() if "Build settings" in l for kv in l.split(":", 1)[1].split(",")]
blas_info = ", ".join(kv for kv in settings if kv.split("=")[0] in ("BLAS_INFO", "USE_MKLDNN", "USE_OPENMP"))
print(f"engine=PyTorch-eager-{torch.__version__}")
backend = next((l.split(":", 1)[1].strip() for l in torch.__config__.parallel_info().splitlines()
                if "parallel backend" in l), "?")
print(f"threads=intra-op {torch.get_num_threads()}, inter-op {torch.get_num_interop_threads()} ({backend})")
print(f"build_blas={blas_info}")
print(f"blas_library={os.path.realpath(blas) if blas else 'none found in /proc/self/maps'}")
print(f"blas_kind={kind}")
print(f"blas_detail={detail}")
print(f"openblas_env=OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')} "
      f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}")
print(f"gemm_n={n}")
print(f"gemm_ms={seconds * 1000:.1f}")
print(f"gemm_gflops={gflops:.1f}")
print(f"gemm_gflop_per_cpu_second={2 * n ** 3 / cpu / 1e9:.1f}")
print(f"gemm_max_rel_error={rel_err:.2e}")
print(f"load_average={os.getloadavg()[0]:.2f}")
if kind == "reference":
    print("bench: the PyTorch-eager peer runs on the reference BLAS (%s, %.1f GFLOP/s): no PyTorch user would run "
          "that. Install an optimised one: apt-get install libopenblas0-pthread (releng/bench/setup.sh does)"
          % (os.path.realpath(blas), gflops), file=sys.stderr)
    sys.exit(3)
if rel_err > 1e-3:
    print(f"bench: the BLAS kernel gives wrong products here (max relative error {rel_err:.1e})", file=sys.stderr)
    sys.exit(4)
if gflops < 10:
    print(f"bench: warning: {kind} BLAS reaches only {gflops:.1f} GFLOP/s here (machine loaded?)", file=sys.stderr)

# The products of one MiniLM layer's forward at batch x tokens (BENCH_LAYER_SHAPE="32 64"), each
# alone, median of 20: what a layer would cost if it were only its products.
if os.environ.get("BENCH_LAYER_SHAPE", "32 64"):
    bt, tt = map(int, os.environ.get("BENCH_LAYER_SHAPE", "32 64").split())
    nt, h, f, heads = bt * tt, 384, 1536, 12
    cases = [("projection [N,384]x[384,384] (x4)", (nt, h), (h, h), 4), ("ffn in [N,384]x[384,1536]", (nt, h), (h, f), 1),
             ("ffn out [N,1536]x[1536,384]", (nt, f), (f, h), 1),
             ("scores [B*12,T,32]x[B*12,32,T]", (bt * heads, tt, h // heads), (bt * heads, h // heads, tt), 1),
             ("context [B*12,T,T]x[B*12,T,32]", (bt * heads, tt, tt), (bt * heads, tt, h // heads), 1)]
    total_ms = total_flop = 0.0
    for i, (name, sa, sb, count) in enumerate(cases):
        x, y = torch.randn(*sa), torch.randn(*sb)
        for _ in range(5):
            x @ y
        times = []
        for _ in range(20):
            t = time.perf_counter()
            x @ y
            times.append((time.perf_counter() - t) * 1000)
        med = sorted(times)[10]
        flop = 2.0 * sa[-2] * sa[-1] * sb[-1] * (sa[0] if len(sa) == 3 else 1)
        total_ms += med * count
        total_flop += flop * count
        print(f"gemm_{i}={name}: {med:.2f} ms, {flop / med / 1e6:.1f} GFLOP/s")
    print(f"layer_gemm_ms={total_ms:.1f}")
    print(f"layer_gemm_gflops={total_flop / total_ms / 1e6:.1f}")
