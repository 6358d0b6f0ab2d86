"""torch.nn dropout modules: Dropout, AlphaDropout, Dropout1d/2d/3d, FeatureAlphaDropout. The
shape is unchanged and there are no weights; the rank checks and the p check are the ones torch
2.13 makes in __init__ and forward. Cross-checked against torch in
tests/test_torch_catalogue.py.
"""
from __future__ import annotations

from .. import Rule, layer
from ._common import _bad, _numbers, _rank, _rank_at_least


def _dropout(name, p, min_rank=0, ranks=None):
    _numbers(name, p=p)  # torch compares p with 0 and 1 in __init__
    if isinstance(p, (int, float)) and not isinstance(p, bool) and not 0 <= p <= 1:
        raise _bad(f"{name}: dropout probability has to be between 0 and 1, got {p}")

    def output(x):
        if ranks:
            _rank(name, x, *ranks)
        _rank_at_least(name, x, min_rank)
        return x
    return Rule(output=output)


@layer("torch", "Dropout")
def dropout(p=0.5, inplace=False):
    """Zeroes elements at random while training; shape unchanged."""
    return _dropout("Dropout", p)


@layer("torch", "AlphaDropout")
def alpha_dropout(p=0.5, inplace=False):
    """Dropout that keeps SELU's self-normalising mean and variance; shape unchanged."""
    return _dropout("AlphaDropout", p)


@layer("torch", "Dropout1d")
def dropout1d(p=0.5, inplace=False):
    """Zeroes whole channels of (N, C, L) or (C, L)."""
    return _dropout("Dropout1d", p, ranks=(2, 3))


@layer("torch", "Dropout2d")
def dropout2d(p=0.5, inplace=False):
    """Zeroes whole channels; meant for (N, C, H, W), accepts any input of rank 2 or more."""
    return _dropout("Dropout2d", p, min_rank=2)


@layer("torch", "Dropout3d")
def dropout3d(p=0.5, inplace=False):
    """Zeroes whole channels; non-5-D inputs get a batch dim added first."""
    return _dropout("Dropout3d", p, min_rank=1)


@layer("torch", "FeatureAlphaDropout")
def feature_alpha_dropout(p=0.5, inplace=False):
    """AlphaDropout of whole channels; needs rank 2 or more."""
    return _dropout("FeatureAlphaDropout", p, min_rank=2)
