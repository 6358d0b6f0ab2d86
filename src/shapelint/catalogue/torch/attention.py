"""torch.nn attention and transformer layers: MultiheadAttention, TransformerEncoderLayer,
TransformerDecoderLayer and Transformer, which take the list of their tensor arguments' shapes
in order. Weights follow each module's __init__ (torch 2.13), shapes the "Shape" sections of the
torch.nn docs. Cross-checked against torch in tests/test_torch_catalogue.py.
"""
from __future__ import annotations

from ...domain.codes import SHP103, SHP106
from ...domain.dims import NotKnown
from .. import LayerFault, Rule, flag, known_int, layer
from ._common import _bad, _expect, _factor, _inputs, _nonneg, _rank, _same_dims


def _attention_params(e: int, kdim: int, vdim: int, bias: bool, bias_kv: bool):
    """in_proj (3E*E, or E*(E + kdim + vdim) when kdim/vdim differ), in_proj_bias 3E,
    out_proj E*E + E, and bias_k, bias_v (E each) with add_bias_kv."""
    return e * (e + kdim + vdim) + 3 * e * bias + e * e + e * bias + 2 * e * bias_kv


def _attend(name, e, kdim, vdim, batch_first, q, k, v):
    """The checks of MultiheadAttention.forward and F.multi_head_attention_forward."""
    r = _rank(name, q, 2, 3)
    for what, x in (("key", k), ("value", v)):
        if x.rank != r:
            raise LayerFault(SHP103, f"{name}: {what} {x} must have the rank of query {q}",
                             shapes=[q.to_json(), x.to_json()])
    _expect(SHP106, name, "embed_dim", e, q, -1)
    _expect(SHP106, name, "kdim", kdim, k, -1)
    _expect(SHP106, name, "vdim", vdim, v, -1)
    _same_dims(name, k, v, range(r - 1), "key and value")
    if r == 3:
        batch = 0 if batch_first else 1
        _same_dims(name, q, k, (batch,), "query and key batch sizes")
    return q.with_last(e)


def _heads(name, embed_dim, num_heads):
    e, h = known_int(embed_dim, "embed_dim"), known_int(num_heads, "num_heads")
    if e <= 0 or h <= 0 or e % h:
        raise _bad(f"{name}: embed_dim ({e}) must be positive and divisible by num_heads ({h})")
    return e, h


@layer("torch", "MultiheadAttention")
def multihead_attention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                        add_zero_attn=False, kdim=None, vdim=None, batch_first=False,
                        device=None, dtype=None):
    """(query, key, value) -> attn_output shaped like query (the first returned element)."""
    e, _ = _heads("MultiheadAttention", embed_dim, num_heads)
    kd = e if kdim is None else known_int(kdim, "kdim")
    vd = e if vdim is None else known_int(vdim, "vdim")
    first = flag(batch_first, "batch_first")
    count = _attention_params(e, kd, vd, flag(bias, "bias"), flag(add_bias_kv, "add_bias_kv"))

    def output(xs):
        q, k, v = _inputs("MultiheadAttention", xs, 3)
        return _attend("MultiheadAttention", e, kd, vd, first, q, k, v)
    return Rule(output=output, params=lambda xs: count, multi_input=True)


def _transformer_args(name, d_model, nhead, dim_feedforward, activation, bias):
    e, _ = _heads(name, d_model, nhead)
    ff = _nonneg(dim_feedforward, "dim_feedforward")
    if isinstance(activation, str) and activation not in ("relu", "gelu"):
        raise _bad(f"{name}: activation should be relu/gelu, not {activation}")
    b = flag(bias, "bias")
    attention = _attention_params(e, e, e, b, False)
    feedforward = e * ff + ff * b + ff * e + e * b
    norm = e * (1 + b)
    return e, attention, feedforward, norm


@layer("torch", "TransformerEncoderLayer")
def transformer_encoder_layer(d_model, nhead, dim_feedforward=2048, dropout=0.1,
                              activation="relu", layer_norm_eps=1e-05, batch_first=False,
                              norm_first=False, bias=True, device=None, dtype=None):
    """src -> src's shape: self-attention, two Linears, two LayerNorms (default activation
    is F.relu; the string "relu" stands for it here)."""
    name = "TransformerEncoderLayer"
    e, attention, feedforward, norm = _transformer_args(name, d_model, nhead, dim_feedforward,
                                                        activation, bias)
    first = flag(batch_first, "batch_first")
    return Rule(output=lambda x: _attend(name, e, e, e, first, x, x, x),
                params=lambda x: attention + feedforward + 2 * norm)


def _decode(name, e, first, tgt, memory):
    _attend(name, e, e, e, first, tgt, tgt, tgt)
    return _attend(name, e, e, e, first, tgt, memory, memory)


@layer("torch", "TransformerDecoderLayer")
def transformer_decoder_layer(d_model, nhead, dim_feedforward=2048, dropout=0.1,
                              activation="relu", layer_norm_eps=1e-05, batch_first=False,
                              norm_first=False, bias=True, device=None, dtype=None):
    """(tgt, memory) -> tgt's shape: self- and cross-attention, two Linears, three LayerNorms."""
    name = "TransformerDecoderLayer"
    e, attention, feedforward, norm = _transformer_args(name, d_model, nhead, dim_feedforward,
                                                        activation, bias)
    first = flag(batch_first, "batch_first")

    def output(xs):
        return _decode(name, e, first, *_inputs(name, xs, 2))
    return Rule(output=output, params=lambda xs: 2 * attention + feedforward + 3 * norm,
                multi_input=True)


@layer("torch", "Transformer")
def transformer(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
                dim_feedforward=2048, dropout=0.1, activation="relu", custom_encoder=None,
                custom_decoder=None, layer_norm_eps=1e-05, batch_first=False, norm_first=False,
                bias=True, device=None, dtype=None):
    """(src, tgt) -> tgt's shape: encoder and decoder stacks, each with a final LayerNorm."""
    name = "Transformer"
    if custom_encoder is not None or custom_decoder is not None:
        raise NotKnown("Transformer with a custom encoder or decoder")
    e, attention, feedforward, norm = _transformer_args(name, d_model, nhead, dim_feedforward,
                                                        activation, bias)
    n_enc = _factor(num_encoder_layers, "num_encoder_layers", name)  # 0 fails in forward
    n_dec = _factor(num_decoder_layers, "num_decoder_layers", name)
    first = flag(batch_first, "batch_first")
    count = n_enc * (attention + feedforward + 2 * norm) + norm + \
        n_dec * (2 * attention + feedforward + 3 * norm) + norm

    def output(xs):
        src, tgt = _inputs(name, xs, 2)
        r = _rank(name, src, 2, 3)
        if r == 3:
            batch = 0 if first else 1
            _same_dims(name, src, tgt, (batch,), "src and tgt batch sizes")
        for x in (src, tgt):
            _expect(SHP106, name, "d_model", e, x, -1)
        memory = _attend(name, e, e, e, first, src, src, src)
        return _decode(name, e, first, tgt, memory)
    return Rule(output=output, params=lambda xs: count, multi_input=True)
