"""Shape rules of the functional ops that carry a model's FLOPs outside its modules:
torch.addmm / baddbmm, F.conv1d/2d/3d and F.scaled_dot_product_attention.

These rules only say what the output is when the operands agree; operands that do not (or
whose sizes are not known) make the result unknown, never a finding: torch's own messages for
these faults are not reproduced here.
"""
from __future__ import annotations

from ..domain.dims import NotKnown, is_known, same
from ..domain.shapes import Shape
from .torch_ops import broadcast, op
from .torch_products import bmm, mm


def _agree(a, b, what: str) -> None:
    if same(a, b) is not True:
        raise NotKnown(f"{what} may differ")


@op("addmm")
def addmm(input: Shape, mat1: Shape, mat2: Shape, *rest, **kwargs):
    """torch.addmm(input, mat1, mat2): input broadcast to mat1 @ mat2, (n, m) @ (m, p)."""
    return _added(input, mm(mat1, mat2))


@op("baddbmm")
def baddbmm(input: Shape, batch1: Shape, batch2: Shape, *rest, **kwargs):
    """torch.baddbmm(input, batch1, batch2): input broadcast to bmm(batch1, batch2)."""
    return _added(input, bmm(batch1, batch2))


def _added(input, product: Shape) -> Shape:
    if not isinstance(input, Shape):
        raise NotKnown("the added tensor is not known")
    if input.rank > product.rank or broadcast(input, product) != product:
        raise NotKnown("the added tensor may not broadcast to the product")
    return product


def _ints(value, n: int, what: str) -> tuple:
    if isinstance(value, bool):
        raise NotKnown(f"{what} is a bool")
    if is_known(value):
        value = (value,) * n
    if not isinstance(value, (tuple, list)) or len(value) not in (1, n):
        raise NotKnown(f"{what} is not known")
    value = tuple(value) * (n if len(value) == 1 else 1)
    if not all(is_known(v) and not isinstance(v, bool) for v in value):
        raise NotKnown(f"{what} is not known")
    return value


def _conv(n: int):
    def conv(input: Shape, weight: Shape, bias=None, stride=1, padding=0, dilation=1,
             groups=1):
        """F.conv{n}d: (N, C, *L) or (C, *L) with weight (O, C / groups, *k) -> (N, O, *L');
        L' = floor((L + 2p - d (k - 1) - 1) / s) + 1 (torch.nn.functional.conv2d docs)."""
        if not isinstance(weight, Shape) or weight.rank != n + 2 or \
                input.rank not in (n + 1, n + 2):
            raise NotKnown("the operands' ranks do not fit a convolution")
        if not is_known(groups) or isinstance(groups, bool) or groups <= 0:
            raise NotKnown("groups is not known")
        _agree(input[-n - 1], weight[1] * groups, "the input channels and the weight's")
        kernel, strides = weight[2:], _ints(stride, n, "stride")
        dil = _ints(dilation, n, "dilation")
        if isinstance(padding, str):
            if padding == "valid":
                pads = (0,) * n
            elif padding == "same" and all(s == 1 for s in strides):
                return Shape(input[:-n - 1] + (weight[0],) + input[-n:])
            else:
                raise NotKnown(f"padding={padding!r}")
        else:
            pads = _ints(padding, n, "padding")
        spatial = []
        for size, k, s, p, d in zip(input[-n:], kernel, strides, pads, dil):
            span = size + 2 * p - d * (k - 1) - 1
            if is_known(span) and span < 0:
                raise NotKnown("the input is smaller than the kernel")
            spatial.append(span // s + 1)
        return Shape(input[:-n - 1] + (weight[0],) + tuple(spatial))
    return conv


for _n in (1, 2, 3):
    op(f"conv{_n}d")(_conv(_n))


@op("scaled_dot_product_attention")
def scaled_dot_product_attention(query: Shape, key: Shape, value: Shape, attn_mask=None,
                                 dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    """(*, L, E) x (*, S, E) x (*, S, Ev) -> (*, L, Ev) (torch.nn.functional docs)."""
    if not all(isinstance(s, Shape) and s.rank >= 2 for s in (query, key, value)):
        raise NotKnown("the operands' ranks do not fit attention")
    if not (query.rank == key.rank == value.rank):
        raise NotKnown("the operands' ranks differ")
    _agree(query[-1], key[-1], "the query's and the key's embedding sizes")
    _agree(key[-2], value[-2], "the key's and the value's lengths")
    if enable_gqa is not False:
        raise NotKnown("grouped-query attention")
    for i in range(query.rank - 2):
        _agree(query[i], key[i], "the leading dims of query and key")
        _agree(key[i], value[i], "the leading dims of key and value")
    return Shape(query[:-1] + (value[-1],))
