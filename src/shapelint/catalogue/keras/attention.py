"""Keras 3 layers added since the first catalogue: adaptive pooling, additive and grouped-query
attention, RMS normalization, the reversible embedding, spectral normalization, and the wrapper
around a torch module. Cross-checked in tests/test_keras_catalogue_extra.py.
"""
from __future__ import annotations

from ...codes import SHP105, SHP107
from ...dims import NotKnown, Unknown, is_known
from ...shapes import Shape, product
from .. import LayerFault, Rule, flag, known_int, layer
from .core import DEFAULT_DATA_FORMAT, _positive_int


# -- adaptive pooling (pooling/base_adaptive_pooling.py) ---------------------------------------

def _adaptive_entry(rank, type_name):
    def entry(output_size, data_format=None, **kwargs):
        if isinstance(output_size, (tuple, list)):
            if len(output_size) != rank:
                raise LayerFault(SHP105, f"{type_name}: output_size must have {rank} "
                                 f"element(s), got {tuple(output_size)}")
            sizes = tuple(known_int(s, "output_size") for s in output_size)
        else:
            sizes = (known_int(output_size, "output_size"),) * rank
        fmt = DEFAULT_DATA_FORMAT if data_format is None else data_format
        if fmt not in ("channels_first", "channels_last"):  # compared as given, no lower()
            raise LayerFault(SHP105, f"{type_name}: invalid data_format {data_format!r}")

        def output(x):
            if fmt == "channels_last":
                return Shape((x[0],) + sizes + (x[-1],))
            return Shape((x[0], x[1]) + sizes)
        return Rule(output=output, ndim=rank + 2, tags=frozenset({"spatial"}))
    entry.__doc__ = f"keras.layers.{type_name}: every spatial axis becomes output_size."
    return entry


for _rank in (1, 2, 3):
    for _kind in ("Average", "Max"):
        _name = f"Adaptive{_kind}Pooling{_rank}D"
        layer("keras", _name)(_adaptive_entry(_rank, _name))


# -- attention ---------------------------------------------------------------------------------

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


# -- normalization -----------------------------------------------------------------------------

@layer("keras", "RMSNormalization")
def rms_normalization(axis=-1, epsilon=1e-6, **kwargs):
    """One trainable scale over the normalized axes."""
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    axes = tuple(known_int(a, "axis") for a in axes)

    def output(x):
        for a in axes:
            if not -x.rank <= a < x.rank:
                raise LayerFault(SHP105, f"RMSNormalization: axis {a} is out of range for "
                                 f"{x}", input_shape=x.to_json())
        return x
    return Rule(output=output, params=lambda x: product(output(x)[a] for a in axes))


# -- embeddings ----------------------------------------------------------------------------

@layer("keras", "ReversibleEmbedding")
def reversible_embedding(input_dim, output_dim, tie_weights=True,
                         embeddings_initializer="uniform", embeddings_regularizer=None,
                         embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                         logit_soft_cap=None, **kwargs):
    """The table input_dim x output_dim, and with tie_weights=False a second, reversed one.
    Called with reverse=True it maps (..., output_dim) to logits (..., input_dim); the call's
    keywords do not reach this rule, so its output shape is left unknown."""
    n = _positive_int(input_dim, "input_dim", "ReversibleEmbedding")
    d = _positive_int(output_dim, "output_dim", "ReversibleEmbedding")
    tables = 1 if flag(tie_weights, "tie_weights") else 2

    def output(x):
        raise NotKnown("ReversibleEmbedding's output depends on its call's reverse= argument")
    return Rule(output=output, params=lambda x: tables * n * d)


# -- wrappers ----------------------------------------------------------------------------------

def _kernel_columns(inner) -> int:
    """kernel.shape[-1] of the wrapped layer, for the layers whose kernel is known."""
    args = getattr(inner, "arguments", None) or {}
    name = getattr(inner, "type_name", "")
    key = {"Dense": "units", "Conv1D": "filters", "Conv2D": "filters", "Conv3D": "filters",
           "Embedding": "output_dim"}.get(name)
    if key is None or getattr(inner, "rule", None) is None:
        raise NotKnown(f"the kernel of the {name or 'layer'} in SpectralNormalization is not "
                       "known")
    return known_int(args.get(key), key)


@layer("keras", "SpectralNormalization")
def spectral_normalization(layer, power_iterations=1, **kwargs):
    """The wrapped layer's weights, plus a non-trainable vector_u of kernel.shape[-1]."""
    if is_known(power_iterations) and power_iterations <= 0:
        raise LayerFault(SHP105, "SpectralNormalization: power_iterations must be positive")
    rule = getattr(layer, "rule", None)
    if rule is None or rule.multi_input:
        raise NotKnown("the layer wrapped by SpectralNormalization is not known")
    columns = _kernel_columns(layer)
    return Rule(output=rule.output, params=rule.params,
                frozen=lambda x: rule.frozen(x) + columns, min_ndim=1)


@layer("keras", "TorchModuleWrapper")
def torch_module_wrapper(module, name=None, output_shape=None, **kwargs):
    """A torch module's parameters become trainable Keras weights (buffers do not count).
    Keras cannot trace most modules symbolically: without output_shape the shape is unknown;
    with it, the output is exactly output_shape (batch axis included, as given)."""
    rule = getattr(module, "rule", None)
    if rule is None or rule.multi_input or getattr(module, "fault", None) is not None:
        raise NotKnown("the torch module inside TorchModuleWrapper is not known")

    def output(x):
        if output_shape is None:
            raise NotKnown("TorchModuleWrapper without output_shape is not traced")
        if not isinstance(output_shape, (tuple, list)):
            raise NotKnown("output_shape is not known")
        return Shape(tuple(Unknown("None in output_shape") if d is None else d
                           for d in output_shape))
    return Rule(output=output, params=rule.params, frozen=lambda x: 0)
