"""Shapes: a tuple of dims (batch first), or a shape of unknown rank; window arithmetic."""
from __future__ import annotations

from dataclasses import dataclass
from math import prod

from .dims import Dim, NotKnown, SymDim, Unknown, fmt, is_known, to_json

# The reason a shape after a faulted layer or op is unknown: it is not reported again downstream.
AFTER_ERROR = "after an error upstream"


class Rest:
    """The unknown middle of a partial shape: its length and sizes are not known, but two
    shapes holding the same Rest hold the same dims there (a Linear keeps its input's)."""

    __slots__ = ()

    def __repr__(self):
        return f"Rest#{id(self) & 0xffff:x}"


@dataclass(frozen=True)
class Shape:
    dims: tuple | None  # None: the rank itself is unknown
    reason: str = ""
    # With dims None, what is still known (a partial shape): the dims that lead it, the dims
    # that end it, and between them `rest`, any number of dims nobody has learned yet.
    head: tuple = ()
    tail: tuple = ()
    rest: Rest | None = None

    @classmethod
    def unknown(cls, reason: str) -> "Shape":
        return cls(None, reason)

    @classmethod
    def partial(cls, head: tuple, tail: tuple, rest: Rest, reason: str) -> "Shape":
        """head + (any number of unknown dims) + tail, e.g. (N, ..., 256)."""
        return cls(None, reason, tuple(head), tuple(tail), rest)

    @property
    def is_partial(self) -> bool:
        return self.dims is None and self.rest is not None

    @property
    def known_rank(self) -> bool:
        return self.dims is not None

    @property
    def rank(self) -> int:
        if self.dims is None:
            raise NotKnown(self.reason or "unknown rank")
        return len(self.dims)

    def __getitem__(self, index):
        if self.dims is None:
            if self.rest is not None and isinstance(index, int):
                if 0 <= index < len(self.head):
                    return self.head[index]
                if 0 < -index <= len(self.tail):
                    return self.tail[index]
            raise NotKnown(self.reason or "unknown rank")
        if isinstance(index, slice):
            return self.dims[index]
        return self.dims[index]

    def __len__(self):
        return self.rank

    def with_last(self, d: Dim) -> "Shape":
        if self.dims is None and self.rest is not None and self.tail:
            return Shape.partial(self.head, self.tail[:-1] + (d,), self.rest, self.reason)
        return Shape(self[:-1] + (d,))

    def replace(self, index: int, d: Dim) -> "Shape":
        dims = list(self[:])
        dims[index] = d
        return Shape(tuple(dims))

    def features(self) -> Dim:
        """Product of every dim after the batch axis (what Flatten produces)."""
        return product(self[1:])

    def is_exact(self) -> bool:
        """Every non-batch dim is a known int."""
        return self.dims is not None and all(is_known(d) for d in self.dims[1:])

    def __str__(self):
        if self.dims is None:
            if self.rest is None:
                return "(?)"
            return "(" + ", ".join([fmt(d) for d in self.head] + ["..."] +
                                   [fmt(d) for d in self.tail]) + ")"
        inner = ", ".join(fmt(d) for d in self.dims)
        return f"({inner},)" if len(self.dims) == 1 else f"({inner})"

    def to_json(self):
        return None if self.dims is None else [to_json(d) for d in self.dims]


def product(dims) -> Dim:
    out: Dim = 1
    for d in dims:
        out = out * d
    return out


def window_out(n: Dim, k: int, stride: int, pad_total: int = 0, dilation: int = 1) -> Dim:
    """Output length of a strided window: floor((n + pad - d*(k-1) - 1) / s) + 1.

    The shared formula behind torch's Conv/Pool docs ("Shape" section) and Keras's
    compute_conv_output_shape / compute_pooling_output_shape for padding="valid".
    """
    shrink = dilation * (k - 1) + 1 - pad_total
    return (n - shrink) // stride + 1


def same_out(n: Dim, stride: int) -> Dim:
    """Keras padding="same" (and "causal"): ceil(n / s) = floor((n - 1) / s) + 1."""
    return (n - 1) // stride + 1


def definitely_nonpositive(d: Dim) -> bool:
    return is_known(d) and d <= 0


def is_symbolic(d: Dim) -> bool:
    return isinstance(d, SymDim)


def known_product(dims) -> int | None:
    return prod(dims) if all(is_known(d) for d in dims) else None


__all__ = ["Shape", "product", "window_out", "same_out", "definitely_nonpositive", "Unknown"]
