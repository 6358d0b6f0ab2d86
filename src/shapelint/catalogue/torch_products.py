"""Shape rules of torch's products: matmul (`@`), mm, bmm, dot, mv and einsum.

Each rule follows the path ATen takes for the operands' ranks (aten/src/ATen/native/
LinearAlgebra.cpp `_matmul_impl`, Linear.cpp `einsum`), so that a call torch rejects is reported
with the words torch raises it with. A size the analysis does not know never makes a fault:
only sizes that differ for every input do (dims.same() is False).
"""
from __future__ import annotations

import string

from ..domain.codes import SHP103, SHP105, SHP106
from ..domain.dims import NotKnown, Unknown, fmt, is_known, same
from ..domain.shapes import Shape, product
from . import LayerFault
from .torch_ops import broadcast, op


def _sizes(*dims) -> str:
    """torch's "3x4" spelling of a matrix's sizes."""
    return "x".join(fmt(d) for d in dims)


def _rank_fault(message: str, *shapes: Shape):
    return LayerFault(SHP103, message, shapes=[s.to_json() for s in shapes])


def _size_fault(message: str, *shapes: Shape):
    return LayerFault(SHP106, message, shapes=[s.to_json() for s in shapes])


def _differ(a, b) -> bool:
    return same(a, b) is False


@op("dot", "vdot")
def dot(a: Shape, b: Shape):
    """torch.dot: two 1-D tensors of the same length -> a scalar."""
    if a.rank != 1 or b.rank != 1:
        raise _rank_fault(f"1D tensors expected, but got {a.rank}D and {b.rank}D tensors", a, b)
    if _differ(a[0], b[0]):
        raise _size_fault(f"inconsistent tensor size, expected tensor [{fmt(a[0])}] and src "
                          f"[{fmt(b[0])}] to have the same number of elements, but got "
                          f"{fmt(a[0])} and {fmt(b[0])} elements respectively", a, b)
    return Shape(())


@op("mv")
def mv(a: Shape, b: Shape):
    """torch.mv: (n, m) @ (m,) -> (n,)."""
    if a.rank == 0:  # torch reads self.size(0) first
        raise _rank_fault("Dimension specified as 0 but tensor has no dimensions", a, b)
    if a.rank != 2 or b.rank != 1:
        raise _rank_fault(f"vector + matrix @ vector expected, got 1, {a.rank}, {b.rank}", a, b)
    if _differ(a[1], b[0]):
        raise _size_fault(f"size mismatch, got input ({fmt(a[0])}), mat ({_sizes(*a[:])}), "
                          f"vec ({fmt(b[0])})", a, b)
    return Shape((a[0],))


@op("mm")
def mm(a: Shape, b: Shape):
    """torch.mm: (n, m) @ (m, p) -> (n, p)."""
    if a.rank != 2:
        raise _rank_fault("self must be a matrix", a, b)
    if b.rank != 2:
        raise _rank_fault("mat2 must be a matrix", a, b)
    if _differ(a[1], b[0]):
        raise _size_fault(f"mat1 and mat2 shapes cannot be multiplied ({_sizes(*a[:])} and "
                          f"{_sizes(*b[:])})", a, b)
    return Shape((a[0], b[1]))


@op("bmm")
def bmm(a: Shape, b: Shape):
    """torch.bmm: (B, n, m) @ (B, m, p) -> (B, n, p); the batch does not broadcast."""
    if a.rank != 3:
        raise _rank_fault("batch1 must be a 3D tensor", a, b)
    if b.rank != 3:
        raise _rank_fault("batch2 must be a 3D tensor", a, b)
    if _differ(a[0], b[0]) or _differ(a[2], b[1]):
        raise _size_fault("Expected size for first two dimensions of batch2 tensor to be: "
                          f"[{fmt(a[0])}, {fmt(a[2])}] but got: [{fmt(b[0])}, {fmt(b[1])}].",
                          a, b)
    return Shape((a[0], a[1], b[2]))


@op("matmul")
def matmul(a: Shape, b: Shape):
    """torch.matmul / `@` (docs: torch.matmul), by the path ATen's _matmul_impl takes."""
    ra, rb = a.rank, b.rank
    if ra == 0 or rb == 0:
        raise _rank_fault("both arguments to matmul need to be at least 1D, but they are "
                          f"{ra}D and {rb}D", a, b)
    if ra == 1 and rb == 1:
        return dot(a, b)
    if ra == 2 and rb == 1:
        return mv(a, b)
    if ra == 1 and rb == 2:
        return Shape(mm(Shape((1, a[0])), b)[1:])
    if ra == 2 and rb == 2:
        return mm(a, b)
    if ra >= 3 and rb in (1, 2):  # folded: the batch dims of a join its rows
        rows = product(a[:-1])
        folded = (mv if rb == 1 else mm)(Shape((rows, a[-1])), b)
        return Shape(a[:-1] + folded[1:])
    return _batched(a, b)


def _batched(a: Shape, b: Shape) -> Shape:
    """matmul of broadcast batches, computed by torch as one bmm."""
    ra, rb = a.rank, b.rank
    n, m1 = (a[-2] if ra > 1 else 1), a[-1]
    m2, p = (b[-2], b[-1]) if rb > 1 else (b[0], 1)
    batch = broadcast(Shape(a[:max(ra - 2, 0)]), Shape(b[:max(rb - 2, 0)]))
    if _differ(m1, m2):
        total = product(batch[:])
        raise _size_fault("Expected size for first two dimensions of batch2 tensor to be: "
                          f"[{fmt(total)}, {fmt(m1)}] but got: [{fmt(total)}, {fmt(m2)}].",
                          a, b)
    return Shape(batch[:] + ((n,) if ra > 1 else ()) + ((p,) if rb > 1 else ()))


# -- einsum ----------------------------------------------------------------------------------

_LETTERS = frozenset(string.ascii_letters)


def _terms(equation: str, count: int):
    """The operands' subscripts (lists of letters and "..."), and the output's or None."""
    text = equation.replace(" ", "")
    left, arrow, right = text.partition("->")
    inputs = [_subscripts(term, equation) for term in left.split(",")]
    if len(inputs) < count:
        raise _fault_text("einsum(): more operands were provided than specified in the "
                          "equation")
    if len(inputs) > count:
        raise _fault_text("einsum(): fewer operands were provided than specified in the "
                          "equation")
    return inputs, (_subscripts(right, equation) if arrow else None)


def _fault_text(message: str):
    return LayerFault(SHP105, message)


def _subscripts(term: str, equation: str) -> list:
    out, i = [], 0
    while i < len(term):
        if term.startswith("...", i):
            if "..." in out:
                raise _fault_text("einsum(): found '.' for operand that is not part of any "
                                  "ellipsis")
            out.append("...")
            i += 3
            continue
        if term[i] not in _LETTERS:
            raise NotKnown(f"einsum subscript {term[i]!r} not understood")
        out.append(term[i])
        i += 1
    return out


@op("einsum")
def einsum(equation, *operands):
    """torch.einsum(equation, *operands) (operands may come as one list)."""
    if not isinstance(equation, str):
        raise NotKnown("einsum without a known equation")
    if len(operands) == 1 and isinstance(operands[0], list):
        operands = tuple(operands[0])
    if not operands or not all(isinstance(s, Shape) for s in operands):
        raise NotKnown("einsum operands not understood")
    inputs, output = _terms(equation, len(operands))
    sizes: dict = {}  # label -> its size so far (broadcast over the operands)
    ellipses = []
    for index, (subs, shape) in enumerate(zip(inputs, operands)):
        named = [s for s in subs if s != "..."]
        if "..." not in subs and len(named) != shape.rank:
            raise _rank_fault(f"einsum(): the number of subscripts in the equation "
                              f"({len(named)}) does not match the number of dimensions "
                              f"({shape.rank}) for operand {index} and no ellipsis was given",
                              *operands)
        if "..." in subs and len(named) > shape.rank:
            raise _rank_fault(f"einsum(): the number of subscripts in the equation "
                              f"({len(named)}) is more than the number of dimensions "
                              f"({shape.rank}) for operand {index}", *operands)
        at = subs.index("...") if "..." in subs else len(subs)
        covered = shape.rank - len(named)
        dims = list(shape[:at]) + list(shape[at + covered:])
        ellipses.append(Shape(tuple(shape[at:at + covered])))
        seen: dict = {}
        for label, size in zip(named, dims):
            if label in seen:
                if _differ(seen[label], size):
                    raise _size_fault(f"einsum(): subscript {label} is repeated for operand "
                                      f"{index} but the sizes don't match, {fmt(size)} != "
                                      f"{fmt(seen[label])}", *operands)
                continue
            seen[label] = size
            sizes[label] = _meet(label, sizes.get(label), size, index, operands)
    middle = _ellipsis_dims(ellipses, operands)
    labels = [s for subs in inputs for s in subs if s != "..."]
    if output is None:  # implicit form: the labels seen once, in order, after the ellipsis
        output = ["..."] + sorted((s for s in set(labels) if labels.count(s) == 1),
                                  key=lambda s: (s.islower(), s))
    for label in output:
        if label != "..." and label not in sizes:
            raise _fault_text(f"einsum(): output subscript {label} does not appear in the "
                              "equation for any input operand")
        if label != "..." and output.count(label) > 1:
            raise _fault_text(f"einsum(): output subscript {label} appears more than once in "
                              "the output")
    out = []
    for label in output:
        out.extend(middle if label == "..." else (sizes[label],))
    return Shape(tuple(out))


def _meet(label, before, size, index, operands):
    """A label's size over the operands: sizes of 1 broadcast, other sizes must agree."""
    if before is None or (is_known(size) and size == 1):
        return size if before is None else before
    if is_known(before) and before == 1:
        return size
    verdict = same(before, size)
    if verdict is False:
        raise _size_fault(f"einsum(): subscript {label} has size {fmt(size)} for operand "
                          f"{index} which does not broadcast with previously seen size "
                          f"{fmt(before)}", *operands)
    if verdict is None:
        return before if is_known(before) else size if is_known(size) else Unknown(
            "einsum of symbolic sizes")
    return before


def _ellipsis_dims(ellipses: list, operands) -> tuple:
    """The dims the operands' ellipses cover, broadcast together (right-aligned)."""
    width = max((e.rank for e in ellipses), default=0)
    out = []
    for i in range(width):
        size = None
        for index, e in enumerate(ellipses):
            at = i - (width - e.rank)
            if at < 0:
                continue
            d = e[at]
            if size is None or (is_known(size) and size == 1):
                size = d
            elif not (is_known(d) and d == 1) and _differ(size, d):
                raise _size_fault(f"einsum(): dimension {i} covered by ellipsis in operand "
                                  f"{index} has size {fmt(d)} which does not broadcast with "
                                  f"previously seen ellipsis with size {fmt(size)} for the "
                                  "respective dimension", *operands)
            elif not is_known(size) and is_known(d) and d != 1:
                size = d
        out.append(size)
    return tuple(out)
