"""torch.nn activations: the elementwise ones (shape unchanged, no weights except PReLU's
slopes), GLU, which halves a dim, and the softmax family. Argument checks are the ones torch
2.13 makes in __init__ or forward. Cross-checked against torch in tests/test_torch_catalogue.py.
"""
from __future__ import annotations

from ...domain.codes import SHP103, SHP106
from ...domain.dims import same
from .. import LayerFault, Rule, layer
from ._common import _axis, _bad, _divides, _nonneg, _numbers, _rank


# -- activations -----------------------------------------------------------------------------

def _same_shape():
    return Rule(output=lambda x: x, tags=frozenset({"elementwise"}))


def _inplace_only(inplace=False):
    """An elementwise activation: shape unchanged, no weights."""
    return _same_shape()


def _no_args():
    """An elementwise activation that takes no arguments (torch raises TypeError for any):
    shape unchanged, no weights."""
    return _same_shape()


for _name in ("ReLU", "ReLU6", "SELU", "SiLU", "Mish", "Hardswish", "Hardsigmoid"):
    layer("torch", _name)(_inplace_only)
for _name in ("Sigmoid", "Tanh", "Softsign", "Tanhshrink", "LogSigmoid"):
    layer("torch", _name)(_no_args)


@layer("torch", "LeakyReLU")
def leaky_relu(negative_slope=0.01, inplace=False):
    """max(0, x) + negative_slope * min(0, x)."""
    _numbers("LeakyReLU", negative_slope=negative_slope)
    return _same_shape()


@layer("torch", "ELU")
def elu(alpha=1.0, inplace=False):
    """Exponential linear unit."""
    _numbers("ELU", alpha=alpha)
    return _same_shape()


@layer("torch", "CELU")
def celu(alpha=1.0, inplace=False):
    """Continuously differentiable ELU."""
    _numbers("CELU", alpha=alpha)
    return _same_shape()


@layer("torch", "GELU")
def gelu(approximate="none"):
    """Gaussian error linear unit; approximate 'none' or 'tanh' (checked in forward)."""
    if approximate is None or isinstance(approximate, (int, float, tuple, list)) or (
            isinstance(approximate, str) and approximate not in ("none", "tanh")):
        raise _bad(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
    return _same_shape()


@layer("torch", "Hardtanh")
def hardtanh(min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
    """clamp(x, min_val, max_val); max_val must exceed min_val."""
    low = min_val if min_value is None else min_value
    high = max_val if max_value is None else max_value
    _numbers("Hardtanh", min_val=low, max_val=high)
    if all(isinstance(v, (int, float)) for v in (low, high)) and high <= low:
        raise _bad(f"Hardtanh: max_val ({high}) must be greater than min_val ({low})")
    return _same_shape()


@layer("torch", "Softplus")
def softplus(beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta."""
    _numbers("Softplus", beta=beta, threshold=threshold)
    return _same_shape()


@layer("torch", "Softshrink")
def softshrink(lambd=0.5):
    """Soft shrinkage by lambd."""
    _numbers("Softshrink", lambd=lambd)
    if isinstance(lambd, (int, float)) and lambd < 0:
        raise _bad(f"Softshrink: lambd must be at least 0, got {lambd}")
    return _same_shape()


@layer("torch", "Hardshrink")
def hardshrink(lambd=0.5):
    """Hard shrinkage by lambd."""
    _numbers("Hardshrink", lambd=lambd)
    return _same_shape()


@layer("torch", "Threshold")
def threshold(threshold, value, inplace=False):
    """x if x > threshold else value."""
    _numbers("Threshold", threshold=threshold, value=value)
    return _same_shape()


@layer("torch", "RReLU")
def rrelu(lower=0.125, upper=1.0 / 3.0, inplace=False):
    """Randomised leaky ReLU."""
    _numbers("RReLU", lower=lower, upper=upper)
    if all(isinstance(v, (int, float)) for v in (lower, upper)) and lower > upper:
        raise _bad(f"RReLU: lower ({lower}) must not exceed upper ({upper})")
    return _same_shape()


@layer("torch", "PReLU")
def prelu(num_parameters=1, init=0.25, device=None, dtype=None):
    """Leaky ReLU with a learnt slope: one per channel (dim 1) or a single shared one."""
    k = _nonneg(num_parameters, "num_parameters")

    def output(x):
        if k != 1:
            r = x.rank
            if r == 0:
                raise LayerFault(SHP103, f"PReLU({k}) does not take a scalar input",
                                 input_shape=x.to_json())
            channels = x[1] if r >= 2 else 1
            if same(k, channels) is False:
                raise LayerFault(SHP106, f"PReLU(num_parameters={k}) receives {x}, whose "
                                 f"channel count is {channels}", input_shape=x.to_json(),
                                 expected=k, actual=channels)
        return x
    return Rule(output=output, params=lambda x: k, tags=frozenset({"elementwise"}))


@layer("torch", "GLU")
def glu(dim=-1):
    """Splits dim in halves a, b and returns a * sigmoid(b): dim is halved."""
    def output(x):
        if x.rank == 0:
            raise LayerFault(SHP103, "GLU does not take a scalar input", input_shape=[])
        axis = _axis("GLU", x, dim)
        _divides("GLU", x, axis, x[axis], 2, "2 (GLU halves it)")
        return x.replace(axis, x[axis] // 2)
    return Rule(output=output)


def _softmax_entry(name):
    def entry(dim=None):
        def output(x):
            if dim is not None:  # None picks a legacy dim (with a warning); always valid
                _axis(name, x, dim)
            return x
        return Rule(output=output)
    entry.__doc__ = f"torch.nn.{name}: normalises along dim; shape unchanged."
    return entry


for _name in ("Softmax", "LogSoftmax", "Softmin"):
    layer("torch", _name)(_softmax_entry(_name))


@layer("torch", "Softmax2d")
def softmax2d():
    """Softmax over channels (dim -3) of a 3-D or 4-D input; takes no arguments."""
    def output(x):
        _rank("Softmax2d", x, 3, 4)
        return x
    return Rule(output=output)
