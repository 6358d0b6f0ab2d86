"""FLOPs of the torch ops forward() runs itself (`x @ w`, torch.matmul, F.linear, bmm, einsum,
addmm/baddbmm, F.conv{1,2,3}d, F.scaled_dot_product_attention), as FlopCounterMode counts the
aten ops they run on the meta device: 2 * M * N * K for every mm/bmm/addmm/baddbmm, the
convolution's multiply-accumulates times 2, attention's two batched products. matmul with a
vector on the right runs aten.mv or aten.dot, which FlopCounterMode does not count (0); einsum
with no contracted label runs aten.mul (0). Figures checked in tests/test_cost_functional.py.
"""
from __future__ import annotations

from ..domain.dims import NotKnown, same
from ..domain.shapes import Shape, product


def op_flops(call):
    """FLOPs of one recorded op (a Dim, possibly symbolic); NotKnown when unknown."""
    if call.uncertain:
        raise NotKnown("it runs under a condition or loop the analysis cannot decide")
    formula = FORMULAS.get(call.name)
    if call.name in CONV:
        formula = lambda *a, **k: conv_flops(call)  # noqa: E731
    if formula is None:
        raise NotKnown("shapelint has no FLOP formula for it")
    if call.shape is None or not call.shape.known_rank:
        raise NotKnown("its result is not known")
    try:
        return formula(*call.args, **call.kwargs)
    except (TypeError, IndexError, ValueError, AttributeError):
        raise NotKnown("its arguments are not understood") from None


def _shapes(*values) -> None:
    for v in values:
        if not isinstance(v, Shape) or not v.known_rank:
            raise NotKnown("an operand's shape is not known")


def matmul(a, b, **_):
    """aten.matmul by the path _matmul_impl takes: a vector and a matrix run mv or dot (0) or
    one mm; otherwise one mm or bmm over the broadcast batch (the same count either way). A
    vector beside a batch of matrices runs mv (0) or bmm, by the strides and requires_grad
    of the operands (should_fold): not known here."""
    _shapes(a, b)
    if min(a.rank, b.rank) == 1 and max(a.rank, b.rank) >= 3:
        raise NotKnown("a vector times a batch of matrices runs mv or bmm by its strides")
    if b.rank == 1:
        return 0
    n = a[-2] if a.rank >= 2 else 1
    batch = product(_broadcast(a[:-2], b[:-2]))
    return 2 * batch * n * a[-1] * b[-1]


def _broadcast(a: tuple, b: tuple) -> tuple:
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if same(x, 1) is True:
            out.append(y)
        elif same(y, 1) is True or same(x, y) is True:
            out.append(x)
        else:
            raise NotKnown("the batch dims may not broadcast")
    return tuple(reversed(out))


def mm(a, b, **_):
    _shapes(a, b)
    return 2 * a[0] * a[1] * b[1]


def bmm(a, b, **_):
    _shapes(a, b)
    return 2 * a[0] * a[1] * a[2] * b[2]


def addmm(input, a, b, *rest, **_):
    return mm(a, b)


def baddbmm(input, a, b, *rest, **_):
    return bmm(a, b)


def no_flops(*args, **kwargs):
    return 0


def linear(x, weight, bias=None, **_):
    """aten.linear: addmm/mm (or matmul) of x (*, in) and weightᵀ (in, out)."""
    _shapes(x, weight)
    if weight.rank != 2:
        raise NotKnown("a weight that is not a matrix")
    return 2 * product(x[:-1]) * x[-1] * weight[0]


def conv_flops(call):
    """FlopCounterMode's conv_flop_count: 2 * N * prod(out positions) * prod(kernel) *
    C_in / groups * C_out; the output positions are read from the result (call.shape)."""
    x, weight = call.args[0], call.args[1]
    _shapes(x, weight)
    n = weight.rank - 2
    batch = 1 if x.rank == n + 1 else x[0]
    return 2 * batch * product(call.shape[-n:]) * product(weight[2:]) * weight[1] * weight[0]


def attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
              enable_gqa=False):
    """FlopCounterMode's sdpa_flop_count: Q·Kᵀ and A·V over every leading (batch, head) dim;
    a causal mask or attn_mask does not change it (the full products are run)."""
    _shapes(query, key, value)
    if not query.rank == key.rank == value.rank or query.rank not in (3, 4):
        raise NotKnown("attention operands that are not all rank 3 or all rank 4")
    if enable_gqa is not False:
        raise NotKnown("grouped-query attention")
    lead = product(query[:-2])
    return 2 * lead * query[-2] * key[-2] * (query[-1] + value[-1])


def einsum(equation, *operands):
    """Two operands: one bmm over every label left after labels only one operand holds and the
    output drops are summed away; no contracted label: a mul (0). One operand: 0. Three or
    more: the contraction order is torch's or opt_einsum's, so not known here."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise NotKnown("the equation is not known")
    _shapes(*operands)
    if len(operands) == 1:
        return 0
    if len(operands) != 2:
        raise NotKnown("more than two operands: the contraction order is not known")
    text = equation.replace(" ", "")
    left, arrow, right = text.partition("->")
    terms = left.split(",")
    sizes: dict = {}
    labels = [_labels(term, shape, sizes) for term, shape in zip(terms, operands)]
    if arrow:
        out = set(_labels(right, None, None))
    else:
        counts = {}
        for lab in labels[0] + labels[1]:
            counts[lab] = counts.get(lab, 0) + 1
        out = {lab for lab, c in counts.items() if c == 1 or lab.startswith(".")}
    a, b = set(labels[0]), set(labels[1])
    contracted = (a & b) - out
    if not contracted:
        return 0
    kept = (a & b) | ((a | b) & out)
    return 2 * product(tuple(sizes[lab] for lab in sorted(kept)))


def _labels(term: str, shape, sizes):
    """The labels of one term ("..." as .0, .1, ... counted from the right)."""
    head, dots, tail = term.partition("...")
    if any(not c.isalpha() for c in head + tail):
        raise NotKnown(f"subscript {term!r}")
    if shape is None:
        return list(head) + ([f".{i}" for i in range(8)] if dots else []) + list(tail)
    covered = shape.rank - len(head) - len(tail)
    if covered < 0 or (covered and not dots):
        raise NotKnown("subscripts that do not fit the operand")
    names = list(head) + [f".{covered - i - 1}" for i in range(covered)] + list(tail)
    if len(set(names)) != len(names):
        raise NotKnown("a repeated subscript (a diagonal)")
    for name, size in zip(names, shape[:]):
        if name in sizes and same(sizes[name], size) is not True:
            raise NotKnown(f"subscript {name} has sizes that may differ")
        sizes[name] = size
    return names


FORMULAS = {"matmul": matmul, "mm": mm, "bmm": bmm, "addmm": addmm, "baddbmm": baddbmm,
            "linear": linear, "einsum": einsum, "scaled_dot_product_attention": attention,
            "mv": no_flops, "dot": no_flops, "vdot": no_flops}
CONV = frozenset(f"conv{_n}d" for _n in (1, 2, 3))  # read the call itself (its result)
