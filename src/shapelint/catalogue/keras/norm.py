"""Keras 3 normalization layers: BatchNormalization (its moving statistics are non-trainable
weights), LayerNormalization, GroupNormalization, UnitNormalization and RMSNormalization.
Weights follow each layer's build() in keras/src/layers/normalization/ (Keras 3.15).
Cross-checked against real Keras 3 (torch backend) in tests/test_keras_catalogue.py,
test_keras_catalogue_more.py and test_keras_catalogue_extra.py.
"""
from __future__ import annotations

from ...domain.codes import SHP103, SHP105
from ...domain.dims import NotKnown, is_known
from ...domain.shapes import product
from .. import LayerFault, Rule, flag, known_int, layer
from ._common import _axes, _is_keras_batch


@layer("keras", "BatchNormalization")
def batch_normalization(axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True,
                        beta_initializer="zeros", gamma_initializer="ones",
                        moving_mean_initializer="zeros", moving_variance_initializer="ones",
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, renorm=False, renorm_clipping=None,
                        renorm_momentum=0.99, synchronized=False, **kwargs):
    """gamma and beta are trainable; moving mean and variance are non-trainable params (with
    renorm, also moving_stddev, renorm_mean and renorm_stddev). Keras 3 takes one int axis."""
    if isinstance(axis, (tuple, list)):
        raise LayerFault(SHP105, f"BatchNormalization: axis must be one int in Keras 3 "
                         f"(it calls int(axis)), got {axis!r}")
    axis = known_int(int(axis) if isinstance(axis, float) else axis, "axis")
    trainable = flag(center, "center") + flag(scale, "scale")
    statistics = 5 if flag(renorm, "renorm") else 2

    def features(x):
        if not -x.rank <= axis < x.rank:
            raise LayerFault(SHP103, f"BatchNormalization: axis {axis} is out of range for its "
                             f"input {x}, of rank {x.rank}", input_shape=x.to_json())
        d = x[axis]
        if _is_keras_batch(d):
            raise LayerFault(SHP105, f"BatchNormalization: axis {axis} is the batch axis, of "
                             f"unknown size, of its input {x}", input_shape=x.to_json())
        return d

    def output(x):
        features(x)
        return x
    return Rule(output=output, params=lambda x: trainable * features(x),
                frozen=lambda x: statistics * features(x))


@layer("keras", "LayerNormalization")
def layer_normalization(axis=-1, epsilon=1e-3, center=True, scale=True, *, rms_scaling=False,
                        **kwargs):
    """gamma and beta over the normalized axes."""
    axes = _axes(axis)
    if flag(rms_scaling, "rms_scaling"):
        raise NotKnown("rms_scaling is not modelled")
    n = flag(center, "center") + flag(scale, "scale")
    return Rule(output=lambda x: x, params=lambda x: n * product(x[a] for a in axes))


@layer("keras", "GroupNormalization")
def group_normalization(groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, **kwargs):
    groups = known_int(groups, "groups")
    axis = known_int(axis, "axis")
    n = flag(center, "center") + flag(scale, "scale")

    def output(x):
        c = x[axis]
        if is_known(c) and (c < groups or c % groups):
            raise LayerFault(SHP105, f"GroupNormalization: {c} channels cannot form {groups} "
                             "groups", input_shape=x.to_json())
        return x
    return Rule(output=output, params=lambda x: n * x[axis])


@layer("keras", "UnitNormalization")
def unit_normalization(axis=-1, **kwargs):
    """Divides by the L2 norm over axis; its call() refuses an axis outside the input."""
    axes = _axes(axis)

    def output(x):
        for a in axes:
            if x.known_rank and not -x.rank <= a < x.rank:
                raise LayerFault(SHP105, f"UnitNormalization: axis {a} is out of range for a "
                                 f"rank-{x.rank} input {x}")
        return x
    return Rule(output=output)


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
