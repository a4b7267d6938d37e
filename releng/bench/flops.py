#!/usr/bin/env python3
"""Floating-point operations of one split fine-tuning step of MiniLM, from the model's shape.

Counted: the matrix products (2 operations per multiply-add), which are nearly all of the work;
layer norms, softmax, GELU, dropout and the embedding lookup are a few percent and left out, so
the rates derived from these counts are slightly low, never high.

Per token and layer, forward: Q, K, V and output projections 4 x 2H^2, feed-forward 2 x 2HF,
attention scores Q K^T and their product with V 2 x 2TH (T = sequence length: the quadratic term).
Backward costs twice the forward (gradients of both operands of every product), except that the
top's first layer needs no gradient for its input: PrivTune's bottom is frozen, so nothing goes back
to the device (its Q, K, V projections skip 3 x 2H^2 per token). The classifier head is negligible.
AdamW with global-norm clipping: about 20 operations per trained parameter (moments, bias
correction, decay, update, norm), independent of the batch.

  flops.py [batch 32] [tokens 64] [split 2]     prints key=value lines
"""
import sys

LAYERS, HIDDEN, HEADS, FFN, VOCAB = 6, 384, 12, 1536, 30522
ADAMW_PER_PARAM = 20


def layer_forward_per_token(tokens, h=HIDDEN, f=FFN):
    return 8 * h * h + 4 * h * f + 4 * tokens * h


def layer_params(h=HIDDEN, f=FFN):
    return 4 * (h * h + h) + (h * f + f) + (f * h + h) + 2 * 2 * h


def step(batch, tokens, split, layers=LAYERS, h=HIDDEN, f=FFN, labels=2):
    n = batch * tokens
    per_layer = n * layer_forward_per_token(tokens, h, f)
    top_layers = layers - split
    bottom = split * per_layer
    top = 3 * top_layers * per_layer - (n * 6 * h * h if top_layers > 0 else 0)
    top += 3 * 2 * batch * h * labels
    params = top_layers * layer_params(h, f) + h * labels + labels
    optimizer = ADAMW_PER_PARAM * params
    return {
        "bottom_forward": bottom,
        "top_forward_backward": top,
        "optimizer": optimizer,
        "total": bottom + top + optimizer,
        "attention_share": 4 * tokens * h / layer_forward_per_token(tokens, h, f),
        "trained_parameters": params,
    }


def activation_bytes(batch, tokens, split, layers=LAYERS, h=HIDDEN, f=FFN, heads=HEADS):
    """What autograd keeps for the top's backward, roughly: per token and top layer the layer's
    inputs and intermediates (Q, K, V, context, attention output, two norms' inputs and outputs,
    feed-forward input, its 1536-wide pre- and post-GELU values, output: about 10H + 3F floats),
    and per top layer the attention maps (scores, probabilities, dropout mask: 3 x B x heads x T^2)."""
    top = layers - split
    per_token = 10 * h + 3 * f
    return 4 * top * (batch * tokens * per_token + 3 * batch * heads * tokens * tokens)


if __name__ == "__main__":
    b = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    t = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    s = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    r = step(b, t, s)
    for k in ("bottom_forward", "top_forward_backward", "optimizer", "total"):
        print(f"{k}_gflop={r[k] / 1e9:.3f}")
    print(f"attention_share_of_layer={r['attention_share']:.3f}")
    print(f"trained_parameters={r['trained_parameters']}")
    print(f"activations_mb={activation_bytes(b, t, s) / 2 ** 20:.0f}")
