"""Keras 3 dense layers and lookup tables: Dense, EinsumDense, Embedding, ReversibleEmbedding,
and Lambda. Weights follow each layer's build() in keras/src/layers/core/ (Keras 3.15).
Cross-checked against real Keras 3 (torch backend) in tests/test_keras_catalogue.py,
test_keras_catalogue_more.py and test_keras_catalogue_extra.py.
"""
from __future__ import annotations

from ...domain.codes import SHP105
from ...domain.dims import NotKnown, Unknown, is_known
from ...domain.shapes import Shape, product
from .. import LayerFault, Rule, flag, layer, size
from ._common import _activation, _lora_rank, _positive_int


# -- core ---------------------------------------------------------------------------------

# Keras 2 made int(units) of a float; Keras 3 refuses it. Under tf.keras, which one runs is
# not known (jeffheaton/t81_558_deep_learning's layer sizes shrunk by a float factor).
_FLOAT_SIZE_KERAS2 = "a float size: Keras 2 (tf.keras before TensorFlow 2.16) takes it, " \
    "Keras 3 refuses it"


@layer("keras", "Dense")
def dense(units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
          bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
    """Acts on the last axis only: kernel (input[-1], units) plus bias (units,)."""
    if isinstance(units, float):
        raise LayerFault(SHP105, f"Dense: units must be a positive integer, got {units!r}"
                         ).in_keras2(_FLOAT_SIZE_KERAS2)
    units = size(units, "units")  # may stay unknown: the rank is still known
    bias = flag(use_bias, "use_bias")
    _activation(activation, "Dense")
    lora = _lora_rank(lora_rank, kernel_constraint, "Dense")
    if lora:
        return Rule(output=lambda x: x.with_last(units),
                    params=lambda x: x[-1] * lora + lora * units + units * bias,
                    frozen=lambda x: x[-1] * units, min_ndim=2, tags=frozenset({"dense"}))
    return Rule(output=lambda x: x.with_last(units),
                params=lambda x: x[-1] * units + units * bias,
                min_ndim=2, tags=frozenset({"dense"}))


@layer("keras", "EinsumDense")
def einsum_dense(equation, output_shape, activation=None, bias_axes=None, **kwargs):
    """equation "in,kernel->out" (no ellipsis): kernel sizes come from the input or from
    output_shape (batch excluded); the bias spans bias_axes (einsum_dense.py)."""
    if not isinstance(equation, str) or "..." in equation or "->" not in equation:
        raise NotKnown("this einsum equation is not modelled")
    left, out_spec = equation.replace(" ", "").split("->")
    if left.count(",") != 1:
        raise NotKnown("this einsum equation is not modelled")
    in_spec, kernel_spec = left.split(",")
    wanted = (output_shape,) if is_known(output_shape) or output_shape is None else output_shape
    if not isinstance(wanted, (tuple, list)) or len(wanted) != len(out_spec) - 1:
        raise NotKnown("output_shape is not known")
    bias = bias_axes or ""
    if not isinstance(bias, str):
        raise NotKnown("bias_axes is not known")

    def shapes(x):
        if x.rank != len(in_spec):
            raise LayerFault(SHP105, f"EinsumDense equation {equation!r} needs a rank-"
                             f"{len(in_spec)} input, got {x}", input_shape=x.to_json())
        # Keras prints output_shape as given (a None stays None even where the input knows)
        out = [x[0]] + [Unknown("EinsumDense output") if d is None else d for d in wanted]
        sizes = {c: x[i] for i, c in enumerate(in_spec)}
        sizes.update({c: out[i] for i, c in enumerate(out_spec) if c not in sizes})
        return Shape(tuple(out)), sizes

    def params(x):
        _, sizes = shapes(x)
        if any(c not in sizes for c in kernel_spec + bias):
            raise NotKnown("an einsum axis is neither in the input nor in the output")
        return product(sizes[c] for c in kernel_spec) + (product(sizes[c] for c in bias)
                                                         if bias else 0)
    return Rule(output=lambda x: shapes(x)[0], params=params)


@layer("keras", "Embedding")
def embedding(input_dim, output_dim, embeddings_initializer="uniform",
              embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
              weights=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
    """(batch, ...) integer ids -> (batch, ..., output_dim); table input_dim x output_dim."""
    n = _positive_int(input_dim, "input_dim", "Embedding")
    d = _positive_int(output_dim, "output_dim", "Embedding")
    lora = _lora_rank(lora_rank, embeddings_constraint, "Embedding")
    if lora:
        return Rule(output=lambda x: Shape(x[:] + (d,)), params=lambda x: n * lora + lora * d,
                    frozen=lambda x: n * d)
    return Rule(output=lambda x: Shape(x[:] + (d,)), params=lambda x: n * d)


@layer("keras", "ReversibleEmbedding")
def reversible_embedding(input_dim, output_dim, tie_weights=True,
                         embeddings_initializer="uniform", embeddings_regularizer=None,
                         embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                         logit_soft_cap=None, **kwargs):
    """The table input_dim x output_dim, and with tie_weights=False a second, reversed one.
    call(inputs, reverse=False) embeds (...) to (..., output_dim); reverse=True maps
    (..., output_dim) to logits (..., input_dim)."""
    n = _positive_int(input_dim, "input_dim", "ReversibleEmbedding")
    d = _positive_int(output_dim, "output_dim", "ReversibleEmbedding")
    tables = 1 if flag(tie_weights, "tie_weights") else 2

    def output(x):
        raise NotKnown("ReversibleEmbedding's output depends on its call's reverse= argument")

    def call_output(x, args, kwargs):
        reverse = args[0] if args else kwargs.get("reverse", False)
        if flag(reverse, "reverse"):
            return Shape(tuple(x[:-1]) + (n,))
        return Shape(tuple(x[:]) + (d,))
    return Rule(output=output, params=lambda x: tables * n * d, call_output=call_output)


@layer("keras", "Lambda")
def lambda_layer(function, output_shape=None, mask=None, arguments=None, **kwargs):
    """No weights; the output shape is known only when output_shape is given as a tuple."""
    if isinstance(output_shape, (tuple, list)) and all(
            is_known(d) or d is None for d in output_shape):
        dims = tuple(Unknown("Lambda output") if d is None else d for d in output_shape)
        return Rule(output=lambda x: Shape((x[0],) + dims))

    def output(x):
        raise NotKnown("a Lambda layer's output shape is not inferred")
    return Rule(output=output)
