"""`a @ b` of data arrays, by numpy.matmul's rule (numpy.org, numpy.matmul): a 1-D operand is
a vector (an axis of 1 put before it on the left, after it on the right, then removed); the
last axis of a meets the second-to-last of b; the axes before those two broadcast. A
contracted pair of known, different sizes is numpy's ValueError, not judged here: unknown."""
from __future__ import annotations

from ..domain.dims import Unknown, is_known
from ..domain.shapes import Shape


def matmul(a, b, broadcast):
    """The array a @ b of two arrays (`broadcast`: numpy's rule for the axes before the last
    two, given by arrays.py, which imports this module), or an unknown one when a shape or the
    pairing is not known."""
    made = type(a)

    def unknown_array(reason):
        return made(Shape.unknown(reason))
    if not (a.shape.known_rank and b.shape.known_rank) or not a.dims or not b.dims:
        return unknown_array("a product of arrays shapelint cannot read")
    left, right = tuple(a.dims), tuple(b.dims)
    vector_left, vector_right = len(left) == 1, len(right) == 1
    if vector_left:
        left = (1,) + left
    if vector_right:
        right = right + (1,)
    inner_a, inner_b = left[-1], right[-2]
    if not (is_known(inner_a) and is_known(inner_b)) or inner_a != inner_b:
        return unknown_array("a product whose inner sizes are not known to match")
    batch = broadcast(Shape(left[:-2]), Shape(right[:-2]))
    if not batch.known_rank:
        return unknown_array("a product of unknown batch axes")
    dims = tuple(batch.dims) + (() if vector_left else (left[-2],)) + \
        (() if vector_right else (right[-1],))
    if any(isinstance(d, Unknown) for d in batch.dims):
        return made(Shape(dims))
    dtype = a.dtype if a.dtype == b.dtype else None
    return made(Shape(dims), dtype)
