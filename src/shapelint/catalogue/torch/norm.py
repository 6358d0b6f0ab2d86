"""torch.nn normalization: BatchNorm, InstanceNorm (and their lazy forms), LayerNorm, RMSNorm,
GroupNorm, LocalResponseNorm. Parameters follow each module's __init__ (torch 2.13): running
statistics are buffers, not parameters; rank and size faults are the ones forward raises.
Cross-checked against torch in tests/test_torch_catalogue.py.
"""
from __future__ import annotations

from ...domain.codes import SHP102, SHP103, SHP106
from ...domain.dims import NotKnown, is_known
from ...domain.shapes import product
from .. import LayerFault, Rule, flag, known_int, layer
from ._common import _bad, _expect, _numbers, _rank, _rank_at_least, _width


def _norm_params(affine: bool, bias: bool, features):
    return affine * (1 + bias) * features


def _batch_norm(name, ranks, num_features, affine, track_running_stats, bias):
    """BatchNorm: weight and bias (num_features,) when affine; running stats are buffers.
    Training on one value per channel also fails, but only in train mode: not a fault here."""
    c = None if num_features is None else _width(num_features, "num_features")
    affine, track = flag(affine, "affine"), flag(track_running_stats, "track_running_stats")
    use_bias = flag(bias, "bias")

    def output(x):
        _rank(name, x, *ranks)
        if c is not None and (affine or track):
            _expect(SHP106, name, "num_features", c, x, 1)
        values = product([x[0]] + list(x[2:]))
        if not track and is_known(values) and values == 1:  # batch statistics, in eval too
            raise LayerFault(SHP102, f"{name} without running stats needs more than 1 value "
                             f"per channel, but {x} has 1", input_shape=x.to_json())
        return x

    def params(x):
        return _norm_params(affine, use_bias, x[1] if c is None else c)
    return Rule(output=output, params=params, ndim=ranks[0] if len(ranks) == 1 else None)


def _instance_norm(n, name, num_features, affine, track_running_stats, bias):
    """InstanceNorm: (N, C, *spatial) or unbatched (C, *spatial); with track_running_stats off
    (the default) it always normalises over the spatial elements, so there must be more than
    one of them. The Lazy forms take num_features from dim 1, even of an unbatched input."""
    c = None if num_features is None else _width(num_features, "num_features")
    affine, track = flag(affine, "affine"), flag(track_running_stats, "track_running_stats")
    use_bias = flag(bias, "bias")

    def output(x):
        _rank(name, x, n + 1, n + 2)
        if affine or track:
            _expect(SHP106, name, "num_features", x[1] if c is None else c, x, -(n + 1))
        spatial = product(x[-n:])
        if not track and is_known(spatial) and spatial == 1:
            raise LayerFault(SHP102, f"{name} needs more than 1 spatial element, but {x} has "
                             f"1 per channel", input_shape=x.to_json())
        return x

    def params(x):
        return _norm_params(affine, use_bias, x[1] if c is None else c)
    return Rule(output=output, params=params)


def _explicit_features(name, num_features, affine, track_running_stats):
    """num_features=None is not the lazy form: torch allocates (None,) weights or running
    statistics in __init__ and raises TypeError, unless it keeps neither."""
    if num_features is None and (flag(affine, "affine")
                                 or flag(track_running_stats, "track_running_stats")):
        raise _bad(f"{name}(num_features=None) cannot allocate its weights or running stats")


def _norm_numbers(name, eps, momentum):
    """eps is a number; momentum a number or None (None: a cumulative average)."""
    _numbers(name, eps=eps)
    if momentum is not None:
        _numbers(name, momentum=momentum)


def _norm_entries(n):
    def batch_norm(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True,
                   device=None, dtype=None, *, bias=True):
        _explicit_features(f"BatchNorm{n}d", num_features, affine, track_running_stats)
        _norm_numbers(f"BatchNorm{n}d", eps, momentum)
        return _batch_norm(f"BatchNorm{n}d", (2, 3) if n == 1 else (n + 2,), num_features,
                           affine, track_running_stats, bias)

    def lazy_batch_norm(eps=1e-05, momentum=0.1, affine=True, track_running_stats=True,
                        device=None, dtype=None, *, bias=True):
        _norm_numbers(f"LazyBatchNorm{n}d", eps, momentum)
        return _batch_norm(f"LazyBatchNorm{n}d", (2, 3) if n == 1 else (n + 2,), None,
                           affine, track_running_stats, bias)

    def instance_norm(num_features, eps=1e-05, momentum=0.1, affine=False,
                      track_running_stats=False, device=None, dtype=None, *, bias=True):
        _explicit_features(f"InstanceNorm{n}d", num_features, affine, track_running_stats)
        _norm_numbers(f"InstanceNorm{n}d", eps, momentum)
        return _instance_norm(n, f"InstanceNorm{n}d", num_features, affine,
                              track_running_stats, bias)

    def lazy_instance_norm(eps=1e-05, momentum=0.1, affine=True, track_running_stats=True,
                           device=None, dtype=None, *, bias=True):
        _norm_numbers(f"LazyInstanceNorm{n}d", eps, momentum)
        return _instance_norm(n, f"LazyInstanceNorm{n}d", None, affine, track_running_stats,
                              bias)

    for entry, prefix in ((batch_norm, "BatchNorm"), (lazy_batch_norm, "LazyBatchNorm"),
                          (instance_norm, "InstanceNorm"),
                          (lazy_instance_norm, "LazyInstanceNorm")):
        entry.__doc__ = f"torch.nn.{prefix}{n}d: (1 + bias) * C params when affine."
        layer("torch", f"{prefix}{n}d")(entry)


for _n in (1, 2, 3):
    _norm_entries(_n)


def _normalized_shape(value) -> tuple[int, ...]:
    if is_known(value):
        return (value,)
    if isinstance(value, (tuple, list)) and not value:  # builds, then forward refuses it
        raise _bad("normalized_shape must have at least one dimension, got []")
    if isinstance(value, (tuple, list)) and all(is_known(v) for v in value):
        return tuple(value)
    raise NotKnown("normalized_shape is not known")


def _trailing(name, x, shape):
    """LayerNorm / RMSNorm: the input's last dims must equal normalized_shape."""
    k = len(shape)
    if x.rank < k:
        raise LayerFault(SHP103, f"{name}(normalized_shape={list(shape)}) needs an input of "
                         f"rank {k} or more, got {x}", input_shape=x.to_json())
    for i in range(k):
        _expect(SHP106, name, f"normalized_shape={list(shape)}, i.e. size", shape[i], x,
                x.rank - k + i)
    return x


@layer("torch", "LayerNorm")
def layer_norm(normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, device=None,
               dtype=None):
    """Normalises the trailing dims; weight (and bias) of normalized_shape."""
    _numbers("LayerNorm", eps=eps)
    shape = _normalized_shape(normalized_shape)
    count = product(shape) * flag(elementwise_affine, "elementwise_affine") * \
        (1 + flag(bias, "bias"))
    return Rule(output=lambda x: _trailing("LayerNorm", x, shape), params=lambda x: count)


@layer("torch", "RMSNorm")
def rms_norm(normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
    """Normalises the trailing dims; a weight of normalized_shape when elementwise_affine."""
    shape = _normalized_shape(normalized_shape)
    count = product(shape) * flag(elementwise_affine, "elementwise_affine")
    return Rule(output=lambda x: _trailing("RMSNorm", x, shape), params=lambda x: count)


@layer("torch", "GroupNorm")
def group_norm(num_groups, num_channels, eps=1e-05, affine=True, device=None, dtype=None, *,
               bias=True):
    """(N, C, *) with C == num_channels; weight and bias (C,) when affine."""
    _numbers("GroupNorm", eps=eps)
    groups, c = known_int(num_groups, "num_groups"), known_int(num_channels, "num_channels")
    if groups <= 0 or c % groups:
        raise _bad(f"GroupNorm: num_channels ({c}) must be divisible by num_groups ({groups})")

    use_affine = flag(affine, "affine")

    def output(x):
        _rank_at_least("GroupNorm", x, 2)
        if use_affine:
            _expect(SHP106, "GroupNorm", "num_channels", c, x, 1)
        elif is_known(x[1]) and x[1] % groups:
            raise LayerFault(SHP106, f"GroupNorm({groups}, {c}): channels of {x} ({x[1]}) are "
                             f"not divisible by num_groups ({groups})", input_shape=x.to_json())
        per_group = x[0] * c // groups * product(x[2:])
        if is_known(per_group) and per_group == 1:
            raise LayerFault(SHP102, f"GroupNorm({groups}, {c}) on {x} normalises single "
                             f"values: expected more than 1 value per group",
                             input_shape=x.to_json())
        return x
    return Rule(output=output, params=lambda x: _norm_params(use_affine, flag(bias, "bias"), c))


@layer("torch", "LocalResponseNorm")
def local_response_norm(size, alpha=0.0001, beta=0.75, k=1.0):
    """Normalises across channels; needs (N, C, *) with at least one spatial dim."""
    _numbers("LocalResponseNorm", size=size, alpha=alpha, beta=beta, k=k)
    if isinstance(size, float) or (isinstance(size, int) and size <= 0):
        raise _bad(f"LocalResponseNorm: size must be a positive int, got {size!r}")

    def output(x):
        _rank_at_least("LocalResponseNorm", x, 3)
        return x
    return Rule(output=output)
