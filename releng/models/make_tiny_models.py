#!/usr/bin/python3
"""Writes the tiny, randomly initialised encoders the model tests load from folders.

    /usr/bin/python3 releng/models/make_tiny_models.py [output folder]

(default: bundles/org.privtune.model.tests/fixtures). Two folders in Hugging Face layout:

  tiny-bert/     BERT family: absolute positions, two token types, a WordPiece tokenizer.json
  tiny-roberta/  RoBERTa family: positions start at padding_idx + 1, one token type, a byte-level
                 BPE tokenizer.json; the weights carry the "roberta." prefix, as checkpoints of
                 RobertaFor... models do

each with config.json, tokenizer.json, model.safetensors and onnx/model.onnx. The ONNX file is the
reference for the forward check: torch.onnx.export of the hand-written module below, with the
same weights as the safetensors file. Needs only PyTorch (Debian's python3-torch); the
safetensors and JSON files are written with the standard library. The output is deterministic for
a given PyTorch version (fixed seeds).
"""
import json
import math
import os
import re
import struct
import sys
from collections import Counter

import torch

HIDDEN, LAYERS, HEADS, INTERMEDIATE = 16, 3, 4, 32
MAX_TOKENS = 64

CORPUS = [
    "the food was great and the service was friendly",
    "this was the worst movie i have ever seen",
    "the battery died after two days",
    "i loved every minute of the film",
    "not bad at all, would buy again",
    "the waiter was rude and the soup was cold",
    "excellent value for the money",
    "the plot made no sense but the soundtrack was good",
    "works as described, five stars!",
    "don't waste your money on this product",
]


# --- tokenizers ------------------------------------------------------------------------------

def special(id_, content):
    return {"id": id_, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def wordpiece_tokenizer():
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = list("abcdefghijklmnopqrstuvwxyz0123456789") + list(".,!?'\";:-()")
    words = [w for w, _ in Counter(re.findall(r"[a-z]+", " ".join(CORPUS))).most_common(40)]
    pieces = ["##" + c for c in "abcdefghijklmnopqrstuvwxyz"] + ["##s", "##ed", "##ing", "##ly"]
    vocab = {}
    for token in specials + chars + words + pieces:
        vocab.setdefault(token, len(vocab))
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [special(vocab[s], s) for s in specials],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [cls], "tokens": ["[CLS]"]},
                               "[SEP]": {"id": "[SEP]", "ids": [sep], "tokens": ["[SEP]"]}}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }, len(vocab)


def bytes_to_unicode():
    """GPT-2's reversible map from bytes to printable characters (byte-level BPE's alphabet)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) \
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def byte_level_bpe_tokenizer(merges_wanted=60):
    byte_map = bytes_to_unicode()
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for b in range(256):
        vocab.setdefault(byte_map[b], len(vocab))
    # a few merges learnt from the corpus, as BPE training does: the most frequent adjacent pair
    words = Counter()
    for text in CORPUS:
        for w in re.findall(r" ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+", text):
            words[tuple(byte_map[b] for b in w.encode("utf-8"))] += 1
    merges = []
    for _ in range(merges_wanted):
        pairs = Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        merges.append(a + " " + b)
        vocab.setdefault(a + b, len(vocab))
        merged = Counter()
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] += c
        words = merged
    vocab["<mask>"] = len(vocab)
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [special(vocab[s], s) for s in ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": merges},
    }, len(vocab)


# --- the encoder, with Hugging Face's module names and call structure (so that the ONNX export's
# MatMul nodes are named /encoder/layer.N/attention/self/query/MatMul, as in Hugging Face exports)

class Self(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.query = torch.nn.Linear(HIDDEN, HIDDEN)
        self.key = torch.nn.Linear(HIDDEN, HIDDEN)
        self.value = torch.nn.Linear(HIDDEN, HIDDEN)

    def forward(self, h, additive_mask):
        b, t, _ = h.shape
        d = HIDDEN // HEADS

        def heads(x):
            return x.view(b, t, HEADS, d).transpose(1, 2)

        q, k, v = heads(self.query(h)), heads(self.key(h)), heads(self.value(h))
        scores = q.matmul(k.transpose(-1, -2)) / math.sqrt(d) + additive_mask
        return scores.softmax(-1).matmul(v).transpose(1, 2).reshape(b, t, HIDDEN)


class Output(torch.nn.Module):
    """dense, then LayerNorm over the sum with the residual (BertSelfOutput, BertOutput)."""
    def __init__(self, n_in, eps):
        super().__init__()
        self.dense = torch.nn.Linear(n_in, HIDDEN)
        self.LayerNorm = torch.nn.LayerNorm(HIDDEN, eps=eps)

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class Intermediate(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = torch.nn.Linear(HIDDEN, INTERMEDIATE)

    def forward(self, x):
        return torch.nn.functional.gelu(self.dense(x))


class Attention(torch.nn.Module):
    def __init__(self, eps):
        super().__init__()
        self.self = Self()
        self.output = Output(HIDDEN, eps)

    def forward(self, h, additive_mask):
        return self.output(self.self(h, additive_mask), h)


class Layer(torch.nn.Module):
    def __init__(self, eps):
        super().__init__()
        self.attention = Attention(eps)
        self.intermediate = Intermediate()
        self.output = Output(INTERMEDIATE, eps)

    def forward(self, h, additive_mask):
        h1 = self.attention(h, additive_mask)
        return self.output(self.intermediate(h1), h1)


class Embeddings(torch.nn.Module):
    def __init__(self, vocab, positions, types, eps):
        super().__init__()
        self.word_embeddings = torch.nn.Embedding(vocab, HIDDEN)
        self.position_embeddings = torch.nn.Embedding(positions, HIDDEN)
        self.token_type_embeddings = torch.nn.Embedding(types, HIDDEN)
        self.LayerNorm = torch.nn.LayerNorm(HIDDEN, eps=eps)


class Encoder(torch.nn.Module):
    def __init__(self, eps):
        super().__init__()
        self.layer = torch.nn.ModuleList([Layer(eps) for _ in range(LAYERS)])

    def forward(self, h, additive_mask):
        for layer in self.layer:
            h = layer(h, additive_mask)
        return h


class Model(torch.nn.Module):
    def __init__(self, vocab, positions, types, eps, padding_idx=None):
        super().__init__()
        self.padding_idx = padding_idx
        self.embeddings = Embeddings(vocab, positions, types, eps)
        self.encoder = Encoder(eps)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        if self.padding_idx is None:  # BERT: absolute positions 0..T-1
            positions = torch.arange(input_ids.shape[1]).unsqueeze(0).expand_as(input_ids)
        else:  # RoBERTa: real tokens count from padding_idx + 1, padding stays at padding_idx
            real = input_ids.ne(self.padding_idx).long()
            positions = torch.cumsum(real, dim=1) * real + self.padding_idx
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        e = self.embeddings
        h = e.LayerNorm(e.word_embeddings(input_ids) + e.position_embeddings(positions)
                        + e.token_type_embeddings(token_type_ids))
        additive = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        return self.encoder(h, additive)


def randomise(model):
    """Weights far from an identity, so that a misplaced or mis-transposed tensor shows."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name.endswith("bias") or "LayerNorm" in name:
                p.copy_(0.2 * torch.randn_like(p))
            elif "embeddings" in name:
                p.copy_(torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) / math.sqrt(p.shape[1]))


# --- files ------------------------------------------------------------------------------------

def write_safetensors(path, tensors):
    """safetensors: 8-byte little-endian header length, JSON header, raw little-endian data."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, ensure_ascii=False)
        f.write("\n")


def make(out, name, config, tokenizer, model, prefix, inputs):
    folder = os.path.join(out, name)
    os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "tokenizer.json"), tokenizer)
    write_safetensors(os.path.join(folder, "model.safetensors"),
                      {prefix + k: v for k, v in model.state_dict().items()})
    model.eval()
    ids = torch.tensor([[0, 5, 6, 7, 2], [0, 8, 2, 1, 1]])
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    args = (ids, mask) if inputs == 2 else (ids, mask, torch.zeros_like(ids))
    names = ["input_ids", "attention_mask", "token_type_ids"][:inputs]
    torch.onnx.export(model, args, os.path.join(folder, "onnx", "model.onnx"), input_names=names,
                      output_names=["last_hidden_state"], opset_version=14, do_constant_folding=True,
                      dynamic_axes={n: {0: "batch", 1: "sequence"} for n in names + ["last_hidden_state"]})
    print(folder, sum(p.numel() for p in model.parameters()), "parameters")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "bundles", "org.privtune.model.tests", "fixtures")
    common = {"hidden_size": HIDDEN, "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
              "intermediate_size": INTERMEDIATE, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
              "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
              "position_embedding_type": "absolute"}

    torch.manual_seed(1)
    wp, wp_size = wordpiece_tokenizer()
    bert = Model(wp_size, MAX_TOKENS, 2, 1e-12)
    randomise(bert)
    make(out, "tiny-bert", dict(architectures=["BertModel"], model_type="bert", vocab_size=wp_size,
                                max_position_embeddings=MAX_TOKENS, type_vocab_size=2, layer_norm_eps=1e-12,
                                pad_token_id=0, **common), wp, bert, "", 3)

    torch.manual_seed(2)
    bpe, bpe_size = byte_level_bpe_tokenizer()
    pad = 1
    roberta = Model(bpe_size, MAX_TOKENS + pad + 1, 1, 1e-5, padding_idx=pad)
    randomise(roberta)
    make(out, "tiny-roberta", dict(architectures=["RobertaForMaskedLM"], model_type="roberta",
                                   vocab_size=bpe_size, max_position_embeddings=MAX_TOKENS + pad + 1,
                                   type_vocab_size=1, layer_norm_eps=1e-5, pad_token_id=pad, bos_token_id=0,
                                   eos_token_id=2, **common), bpe, roberta, "roberta.", 2)


if __name__ == "__main__":
    main()
