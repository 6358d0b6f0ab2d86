"""torch.nn's dense layers and lookup tables: Linear, LazyLinear, Bilinear, Embedding and
EmbeddingBag. Shapes and weights follow each module's __init__ and the "Shape" section of its
torch.nn docs (torch 2.13). Cross-checked against torch in tests/test_torch_catalogue.py.
"""
from __future__ import annotations

from ...domain.codes import SHP101, SHP103
from ...domain.dims import NotKnown, is_known, same
from ...domain.shapes import Shape
from .. import LayerFault, Rule, flag, known_int, layer
from ._common import DENSE, _bad, _inputs, _nonneg, _rank, _same_dims, _width


# -- linear ----------------------------------------------------------------------------------

def _linear_rule(in_features, out_features: int, bias: bool, name: str) -> Rule:
    def output(x):
        if x.rank == 0:
            raise LayerFault(SHP103, f"{name} needs an input of rank 1 or more, got a scalar",
                             input_shape=x.to_json())
        if in_features is not None and same(in_features, x[-1]) is False:
            raise LayerFault(SHP101, f"{name}(in_features={in_features}) receives {x}, whose "
                             f"last dim is {x[-1]}", input_shape=x.to_json(),
                             in_features=in_features, actual=x[-1])
        return x.with_last(out_features)

    def params(x):
        fan_in = x[-1] if in_features is None else in_features
        return fan_in * out_features + out_features * bias
    return Rule(output=output, params=params, tags=DENSE)


@layer("torch", "Linear")
def linear(in_features, out_features, bias=True, device=None, dtype=None):
    """(*, in_features) -> (*, out_features); weight (out, in) plus bias (out,)."""
    return _linear_rule(_width(in_features, "in_features"), _width(out_features, "out_features"),
                        flag(bias, "bias"), "Linear")


@layer("torch", "LazyLinear")
def lazy_linear(out_features, bias=True, device=None, dtype=None):
    """Linear whose in_features is the first input's last dim."""
    return _linear_rule(None, _width(out_features, "out_features"), flag(bias, "bias"),
                        "LazyLinear")


@layer("torch", "Bilinear")
def bilinear(in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
    """(x1 (*, in1), x2 (*, in2)) -> (*, out); weight (out, in1, in2) plus bias (out,)."""
    n1, n2 = _nonneg(in1_features, "in1_features"), _nonneg(in2_features, "in2_features")
    out = _nonneg(out_features, "out_features")
    use_bias = flag(bias, "bias")

    def output(xs):
        a, b = _inputs("Bilinear", xs, 2)
        if a.rank != b.rank or a.rank == 0:
            raise LayerFault(SHP103, f"Bilinear inputs must have the same rank (1 or more), "
                             f"got {a} and {b}", shapes=[a.to_json(), b.to_json()])
        for k, (declared, x) in enumerate(((n1, a), (n2, b)), 1):
            if same(declared, x[-1]) is False:
                raise LayerFault(SHP101, f"Bilinear(in{k}_features={declared}) receives {x}, "
                                 f"whose last dim is {x[-1]}", input_shape=x.to_json(),
                                 in_features=declared, actual=x[-1])
        _same_dims("Bilinear", a, b, range(a.rank - 1), "the inputs' leading dims")
        return a.with_last(out)
    return Rule(output=output, params=lambda xs: n1 * n2 * out + out * use_bias,
                multi_input=True)


# -- embeddings ------------------------------------------------------------------------------

def _table(num_embeddings, embedding_dim, padding_idx, name):
    n, d = _width(num_embeddings, "num_embeddings"), _width(embedding_dim, "embedding_dim")
    if padding_idx is not None and is_known(n):
        p = known_int(padding_idx, "padding_idx")
        if not -n <= p < n:
            raise _bad(f"{name}: padding_idx ({p}) must be within num_embeddings ({n})")
    return n, d


@layer("torch", "Embedding")
def embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None,
              dtype=None):
    """(*) integer ids -> (*, embedding_dim); weight (num_embeddings, embedding_dim)."""
    n, d = _table(num_embeddings, embedding_dim, padding_idx, "Embedding")
    return Rule(output=lambda x: Shape(x[:] + (d,)), params=lambda x: n * d)


@layer("torch", "EmbeddingBag")
def embedding_bag(num_embeddings, embedding_dim, max_norm=None, norm_type=2.0,
                  scale_grad_by_freq=False, mode="mean", sparse=False, _weight=None,
                  include_last_offset=False, padding_idx=None, device=None, dtype=None):
    """(B, N) ids -> (B, embedding_dim); 1-D ids need offsets (B or B + 1 of them)."""
    n, d = _table(num_embeddings, embedding_dim, padding_idx, "EmbeddingBag")
    if not isinstance(mode, str):
        raise NotKnown("mode is not known")
    if mode not in ("sum", "mean", "max"):
        raise _bad(f"EmbeddingBag: mode has to be one of sum, mean or max, got {mode!r}")
    if mode == "max" and (flag(scale_grad_by_freq, "scale_grad_by_freq") or
                          flag(sparse, "sparse")):
        raise _bad("EmbeddingBag: mode='max' supports neither scale_grad_by_freq nor sparse")
    last = flag(include_last_offset, "include_last_offset")

    def output(xs):
        x, offsets = xs[0], (xs[1] if len(xs) > 1 else None)
        r = _rank("EmbeddingBag", x, 1, 2)
        if r == 2:
            if offsets is not None:
                raise LayerFault(SHP103, f"EmbeddingBag takes no offsets with 2-D input {x}",
                                 input_shape=x.to_json())
            return Shape((x[0], d))
        if offsets is None:  # torch raises unless offsets came as a keyword we did not see
            raise NotKnown(f"EmbeddingBag on 1-D input {x}: the bags come from offsets")
        _rank("EmbeddingBag offsets", offsets, 1)
        return Shape((offsets[0] - last, d))
    return Rule(output=output, params=lambda xs: n * d, multi_input=True)
