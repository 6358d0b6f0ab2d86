"""Keras 3 layers that keep their input's shape: Activation, ReLU, PReLU (the only one with
weights), the other activations, dropout and noise, masking. Argument checks follow each layer's
__init__ in keras/src/layers/ (Keras 3.15). Cross-checked against real Keras 3 (torch backend)
in tests/test_keras_catalogue.py and test_keras_catalogue_more.py.
"""
from __future__ import annotations

import inspect

from ...domain.codes import SHP105
from ...domain.dims import is_known
from ...domain.shapes import product
from .. import LayerFault, Rule, layer
from ._common import _activation, _axes


@layer("keras", "Dropout")
def dropout(rate, noise_shape=None, seed=None, **kwargs):
    """Identity on shapes; __init__ checks 0 <= rate <= 1 and noise_shape's entries."""
    if rate is None or isinstance(rate, (str, tuple, list)):
        raise LayerFault(SHP105, f"Dropout: rate must be a number, got {rate!r}")
    if isinstance(rate, (int, float)) and not isinstance(rate, bool) and not 0 <= rate <= 1:
        raise LayerFault(SHP105, f"Dropout: rate must be between 0 and 1, got {rate}")
    if isinstance(noise_shape, str):
        raise LayerFault(SHP105, f"Dropout: noise_shape must be a tuple, got {noise_shape!r}")
    if isinstance(noise_shape, (tuple, list)):
        for d in noise_shape:
            if isinstance(d, (float, str)) or (is_known(d) and d <= 0):
                raise LayerFault(SHP105, f"Dropout: noise_shape entries must be positive "
                                 f"integers or None, got {tuple(noise_shape)}")
    return Rule(output=lambda x: x)


@layer("keras", "Activation")
def activation(activation, **kwargs):
    _activation(activation, "Activation")
    return Rule(output=lambda x: x, tags=frozenset({"elementwise"}))


@layer("keras", "ReLU")
def relu(max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
    """Elementwise; __init__ rejects a negative max_value and a None or negative slope or
    threshold, and a string or sequence for any of them."""
    for what, value, none_ok in (("max_value", max_value, True),
                                 ("negative_slope", negative_slope, False),
                                 ("threshold", threshold, False)):
        if (value is None and not none_ok) or isinstance(value, (str, tuple, list)) or (
                isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0):
            raise LayerFault(SHP105, f"ReLU: {what} must be a number >= 0, got {value!r}")
    return Rule(output=lambda x: x, tags=frozenset({"elementwise"}))


# -- activations, noise, masking: shape-preserving -----------------------------------------

# Keras 3 checks these layers' argument in [0, 1]; Keras 2 (tf.keras before TensorFlow 2.16)
# takes any value (GaussianNoise(15.) in ageron/handson-ml3), so a tf.keras model is left alone
# (frameworks/layers.make_layer_object). Keras 2's Dropout and SpatialDropout checked it too.
_KERAS2_TAKES_ANY = frozenset({"GaussianNoise", "GaussianDropout", "AlphaDropout"})


def _same_entry(type_name, required=None):
    """required: the name of the one argument the constructor cannot do without (rate,
    stddev); leaving it out is a TypeError in Keras."""
    def entry(*args, **kwargs):
        value = args[0] if required and args else 0
        rule = Rule(output=lambda x: x, tags=frozenset({"elementwise"}))
        if value is None or isinstance(value, (str, tuple, list)) or (
                isinstance(value, (int, float)) and not 0 <= value <= 1):
            fault = LayerFault(SHP105, f"{type_name}: {required} must be a number between 0 "
                               f"and 1, got {value!r}")
            raise fault.in_keras2(rule) if type_name in _KERAS2_TAKES_ANY else fault
        return rule
    entry.__doc__ = f"keras.layers.{type_name}: output shape equals input shape; no weights."
    if required:
        kinds = inspect.Parameter
        entry.__signature__ = inspect.Signature([
            kinds(required, kinds.POSITIONAL_OR_KEYWORD), kinds("args", kinds.VAR_POSITIONAL),
            kinds("kwargs", kinds.VAR_KEYWORD)])
    return entry


for _name in ("LeakyReLU", "ELU", "Softmax", "Masking", "Identity", "ActivityRegularization"):
    layer("keras", _name)(_same_entry(_name))
for _name, _required in (("GaussianNoise", "stddev"), ("GaussianDropout", "rate"),
                         ("AlphaDropout", "rate")):
    layer("keras", _name)(_same_entry(_name, _required))
for _rank in (1, 2, 3):
    layer("keras", f"SpatialDropout{_rank}D")(_same_entry(f"SpatialDropout{_rank}D", "rate"))


@layer("keras", "PReLU")
def prelu(alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
          shared_axes=None, **kwargs):
    """alpha has the input's shape (batch excluded) with shared axes set to 1: Keras's build
    sets param_shape[i - 1] = 1, plain Python indexing, so axis 0 shares the last axis."""
    shared = () if shared_axes is None else _axes(shared_axes)

    def alpha_shape(x):
        shape = list(x[1:])
        for i in shared:
            if not -len(shape) <= i - 1 < len(shape):
                raise LayerFault(SHP105, f"PReLU: shared axis {i} is outside the input {x} "
                                 "(Keras raises IndexError)")
            shape[i - 1] = 1
        return shape

    def output(x):
        alpha_shape(x)
        return x
    return Rule(output=output, params=lambda x: product(alpha_shape(x)))
