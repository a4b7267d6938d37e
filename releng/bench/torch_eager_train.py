#!/usr/bin/env python3
"""PyTorch-eager peer of org.privtune.bench.TrainingBenchmark, for a side-by-side throughput ratio.

The same computation: a MiniLM-shaped BERT (6 layers, hidden 384, 12 heads, FFN 1536, vocabulary
30,522), split at layer 2; the bottom runs forward without gradients (frozen), the top (4 layers,
mean pooling, dropout 0.1, linear head) runs forward/backward with cross-entropy, global-norm
clipping at 1.0 and an AdamW step. Batch 32 x 64 tokens, all positions real. Weights are random:
the speed of these kernels does not depend on the values. As in the product's PrivTune training
(frozen bottom), what crosses the wire is a leaf without gradient: no gradient is computed for it.
Prints key=value lines like the Java side.

Run it on an optimised BLAS: Debian's python3-torch calls the system's libblas.so.3, which is the
reference implementation (ten times slower) unless one such as libopenblas0-pthread is installed;
torch_peer_check.py says which one this process gets.
"""
import math, os, resource, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 5
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 32
tokens = int(sys.argv[4]) if len(sys.argv) > 4 else 64
split = int(sys.argv[5]) if len(sys.argv) > 5 else 2
threads = int(os.environ.get("BENCH_THREADS", os.cpu_count() or 1))
torch.set_num_threads(threads)
torch.manual_seed(42)
H, HEADS, FF, V, L = 384, 12, 1536, 30522, 6


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(H, H) for _ in range(4))
        self.ln1 = nn.LayerNorm(H, eps=1e-12)
        self.ff1, self.ff2 = nn.Linear(H, FF), nn.Linear(FF, H)
        self.ln2 = nn.LayerNorm(H, eps=1e-12)

    def forward(self, h, add_mask):
        b, t, _ = h.shape
        def heads(x):
            return x.view(b, t, HEADS, H // HEADS).transpose(1, 2)
        q, k, v = heads(self.q(h)), heads(self.k(h)), heads(self.v(h))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(H // HEADS) + add_mask, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(b, t, H)
        h = self.ln1(h + self.o(ctx))
        return self.ln2(h + self.ff2(F.gelu(self.ff1(h))))


class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.word, self.pos, self.token_type = nn.Embedding(V, H), nn.Embedding(512, H), nn.Embedding(2, H)
        self.ln = nn.LayerNorm(H, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(L))
        self.drop, self.head = nn.Dropout(0.1), nn.Linear(H, 2)

    def embed(self, ids):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        return self.ln(self.word(ids) + self.pos(pos) + self.token_type(torch.zeros_like(ids)))


model = Bert()
top_params = [p for l in model.layers[split:] for p in l.parameters()] + list(model.head.parameters())
opt = torch.optim.AdamW(top_params, lr=5e-5, weight_decay=0.01)
ids = torch.randint(1000, V, (batch, tokens))
mask = torch.ones(batch, tokens)
add_mask = ((1.0 - mask) * -1e4)[:, None, None, :]
labels = torch.arange(batch) % 2


def step():
    with torch.no_grad():  # device: frozen bottom
        h = model.embed(ids)
        for layer in model.layers[:split]:
            h = layer(h, add_mask)
    sent = h.detach().clone()  # what crosses the wire; the frozen bottom needs no gradient back
    x = sent
    for layer in model.layers[split:]:
        x = layer(x, add_mask)
    pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    loss = F.cross_entropy(model.head(model.drop(pooled)), labels)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(top_params, 1.0)
    opt.step()


model.train()
for _ in range(warmup):
    step()
cpu0, t0 = time.process_time(), time.perf_counter()
for _ in range(steps):
    step()
wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
print(f"engine=PyTorch-eager-{torch.__version__}")
print(f"config=batch {batch}, tokens {tokens}, split {split}, steps {steps} (+{warmup} warm-up)")
print(f"threads=intra-op {torch.get_num_threads()}, inter-op {torch.get_num_interop_threads()}")
print(f"examples_per_second={steps * batch / wall:.2f}")
print(f"ms_per_step={1000 * wall / steps:.1f}")
print(f"cpu_seconds_per_step={cpu / steps:.3f}")
print(f"examples_per_cpu_second={steps * batch / cpu:.2f}")
print(f"load_average={os.getloadavg()[0]:.2f}")
print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
