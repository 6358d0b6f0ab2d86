"""Shared test helpers: the static answer for one layer, and the real framework's answer."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")  # must precede any `import keras`


def static_keras_layer(type_name: str, args: tuple, kwargs: dict, input_shape: tuple):
    """What shapelint says one Keras layer does to a (None, *input_shape) input.

    Returns (output_shape as JSON list, trainable, non_trainable, fault code or None)."""
    from shapelint.frameworks.keras import build_layer, apply, input_shape as make_shape
    from shapelint.graph import LayerNode
    layer = build_layer(type_name, args, kwargs)
    if layer.fault is not None:
        return None, None, None, layer.fault.code.code
    node = LayerNode(layer, "layer", type_name, "", 0, 0)
    apply(node, [make_shape(input_shape)], True)
    if node.fault is not None:
        return None, None, None, node.fault.code.code
    return node.output_shape.to_json(), node.params, node.frozen, None


def real_keras_layer(type_name: str, args: tuple, kwargs: dict, input_shape: tuple):
    """What Keras 3 (torch backend) builds: same tuple as static_keras_layer; on a Keras error
    the fault slot holds the exception's class name."""
    keras = pytest.importorskip("keras")
    try:
        layer = getattr(keras.layers, type_name)(*args, **kwargs)
        out = layer(keras.Input(shape=input_shape))
    except (ValueError, TypeError) as error:
        return None, None, None, type(error).__name__
    trainable = sum(_size(w) for w in layer.trainable_weights)
    frozen = sum(_size(w) for w in layer.non_trainable_weights)
    return list(out.shape), trainable, frozen, None


def _size(weight) -> int:
    size = 1
    for d in weight.shape:
        size *= d
    return size
