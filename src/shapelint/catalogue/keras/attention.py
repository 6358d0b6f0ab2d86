"""Keras 3 attention layers: MultiHeadAttention, Attention, AdditiveAttention and
GroupQueryAttention, which take the list of their inputs' shapes (query, value, key). Weights
follow each layer's build() in keras/src/layers/attention/ (Keras 3.15). Cross-checked against
real Keras 3 (torch backend) in tests/test_keras_catalogue_more.py and
test_keras_catalogue_extra.py.
"""
from __future__ import annotations

from ...domain.codes import SHP105, SHP107
from ...domain.dims import NotKnown, is_known
from .. import LayerFault, Rule, choice, flag, known_int, layer


@layer("keras", "MultiHeadAttention")
def multi_head_attention(num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                         output_shape=None, attention_axes=None, *, use_gate=False, **kwargs):
    """query/key/value projections (EinsumDense per head) and an output projection; with
    use_gate (Keras 3.15), a sigmoid gate projecting the query to heads x value_dim."""
    heads, kd = known_int(num_heads, "num_heads"), known_int(key_dim, "key_dim")
    vd = kd if value_dim is None else known_int(value_dim, "value_dim")
    bias = flag(use_bias, "use_bias")
    gate = flag(use_gate, "use_gate")
    if output_shape is not None and not is_known(output_shape):
        raise NotKnown("output_shape is not modelled unless an int")

    def output(shapes):
        if len(shapes) < 2:
            raise NotKnown("MultiHeadAttention needs query and value")
        q = shapes[0]
        return q.with_last(q[-1] if output_shape is None else output_shape)

    def params(shapes):
        q, v = shapes[0], shapes[1]
        k = shapes[2] if len(shapes) > 2 else v
        out = q[-1] if output_shape is None else output_shape
        return (q[-1] * heads * kd + heads * kd * bias + k[-1] * heads * kd + heads * kd * bias
                + v[-1] * heads * vd + heads * vd * bias + heads * vd * out + out * bias
                + gate * (q[-1] * heads * vd + heads * vd * bias))
    return Rule(output=output, params=params, multi_input=True, min_ndim=3)


@layer("keras", "Attention")
def attention(use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
    mode = choice(score_mode, ("dot", "concat"), "score_mode")
    n = flag(use_scale, "use_scale") + (mode == "concat")

    def output(shapes):
        if len(shapes) < 2:
            raise NotKnown("Attention needs [query, value]")
        return shapes[0].with_last(shapes[1][-1])
    return Rule(output=output, params=lambda shapes: n, multi_input=True, min_ndim=3)


@layer("keras", "AdditiveAttention")
def additive_attention(use_scale=True, dropout=0.0, **kwargs):
    """[query, value(, key)]: output (batch, Tq, value_dim); a scale of query[-1] weights."""
    scale = flag(use_scale, "use_scale")

    def output(shapes):
        if len(shapes) not in (2, 3):
            raise NotKnown("AdditiveAttention needs [query, value] or [query, value, key]")
        return shapes[0].with_last(shapes[1][-1])
    return Rule(output=output, params=lambda shapes: scale * shapes[0][-1], multi_input=True,
                min_ndim=3)


@layer("keras", "GroupQueryAttention")
def group_query_attention(head_dim, num_query_heads, num_key_value_heads, dropout=0.0,
                          use_bias=True, sliding_window=None, flash_attention=None,
                          kernel_initializer="glorot_uniform", bias_initializer="zeros",
                          kernel_regularizer=None, bias_regularizer=None,
                          activity_regularizer=None, kernel_constraint=None,
                          bias_constraint=None, use_gate=False, seed=None, **kwargs):
    """Query (and gate) projections to num_query_heads x head_dim, key and value projections
    to num_key_value_heads x head_dim, an output projection back to query[-1]."""
    d = known_int(head_dim, "head_dim")
    hq = known_int(num_query_heads, "num_query_heads")
    hkv = known_int(num_key_value_heads, "num_key_value_heads")
    if hkv <= 0 or hq % hkv:
        raise LayerFault(SHP105, f"GroupQueryAttention: num_query_heads ({hq}) must be "
                         f"divisible by num_key_value_heads ({hkv})")
    bias = flag(use_bias, "use_bias")
    gate = flag(use_gate, "use_gate")

    def parts(shapes):
        if len(shapes) < 2:
            raise NotKnown("GroupQueryAttention needs query and value")
        q, v = shapes[0], shapes[1]
        k = shapes[2] if len(shapes) > 2 else v
        return q, v, k

    def output(shapes):
        q, v, k = parts(shapes)
        if is_known(q[-1]) and is_known(v[-1]) and q[-1] != v[-1]:
            raise LayerFault(SHP107, f"GroupQueryAttention: query {q} and value {v} differ in "
                             "their last axis", input_shapes=[s.to_json() for s in shapes])
        return q

    def params(shapes):
        q, v, k = parts(shapes)
        m = q[-1]
        query = (m * hq * d + hq * d * bias) * (2 if gate else 1)
        key_value = k[-1] * hkv * d + v[-1] * hkv * d + 2 * hkv * d * bias
        return query + key_value + hq * d * m + m * bias
    return Rule(output=output, params=params, multi_input=True, min_ndim=3)
