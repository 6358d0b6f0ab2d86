"""Keras 3 wrappers: TimeDistributed, SpectralNormalization and TorchModuleWrapper, whose shapes
and weights are those of the layer or module they wrap (keras/src/layers/core/wrapper.py,
rnn/time_distributed.py, normalization/ spectral_normalization.py, utils/torch_utils.py; Keras
3.15). Bidirectional is in recurrent.py. Cross-checked against real Keras 3 (torch backend) in
tests/test_keras_catalogue_more.py and test_keras_catalogue_extra.py.
"""
from __future__ import annotations

from ...domain.codes import SHP105
from ...domain.dims import NotKnown, Unknown, is_known
from ...domain.shapes import Shape
from .. import LayerFault, Rule, known_int, layer
from ._common import _inner_rule


@layer("keras", "TimeDistributed")
def time_distributed(layer, **kwargs):
    """Applies the wrapped layer to every step: (batch, steps, ...) -> (batch, steps, ...')."""
    inner = _inner_rule(layer, "TimeDistributed")

    def step(x):
        return Shape((x[0],) + tuple(x[2:]))

    def output(x):
        out = inner.output(step(x))
        if isinstance(out, list):
            raise NotKnown("TimeDistributed of a layer with several outputs")
        return Shape((x[0], x[1]) + tuple(out[1:]))
    return Rule(output=output, params=lambda x: inner.params(step(x)),
                frozen=lambda x: inner.frozen(step(x)), min_ndim=3)


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
