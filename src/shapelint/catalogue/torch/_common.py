"""Helpers the torch.nn entries share: torch's rank and dim checks, the faults its forward
raises for a size that does not fit, and the argument checks its constructors make (counts that
must not be negative, positive factors, numbers where forward takes a number). Messages and
codes follow what torch 2.13 raises; no entry is registered here.
"""
from __future__ import annotations

from ...domain.codes import SHP102, SHP103, SHP104, SHP105
from ...domain.dims import NotKnown, SymDim, Unknown, is_known, same
from ...domain.shapes import Shape
from .. import LayerFault, int_tuple, known_int


SPATIAL = frozenset({"spatial"})
DENSE = frozenset({"dense"})


def _rank(name: str, x: Shape, *ranks: int) -> int:
    """torch's rank check in forward: x must have one of `ranks` dims."""
    r = x.rank
    if r not in ranks:
        want = " or ".join(f"{k}-D" for k in ranks)
        raise LayerFault(SHP103, f"{name} expects a {want} input but receives {x}, of rank {r}",
                         input_shape=x.to_json(), rank=r, expected=list(ranks))
    return r


def _rank_at_least(name: str, x: Shape, k: int) -> int:
    r = x.rank
    if r < k:
        raise LayerFault(SHP103, f"{name} expects an input of rank {k} or more but receives "
                         f"{x}, of rank {r}", input_shape=x.to_json(), rank=r, expected=k)
    return r


def _bad(message: str, **data) -> LayerFault:
    return LayerFault(SHP105, message, **data)


def _expect(code, name: str, what: str, declared, x: Shape, axis: int):
    """A definite contradiction between a declared size and the input's size at `axis`."""
    actual = x[axis]
    if same(declared, actual) is False:
        raise LayerFault(code, f"{name} expects {what}={declared} but receives {x}, whose "
                         f"dim {axis % x.rank} is {actual}", input_shape=x.to_json(),
                         expected=declared, actual=actual)
    return actual


def _shrinks(name: str, x: Shape, axis: int, out, detail: str = "", **extra) -> LayerFault:
    """SHP102: the output size at axis would be `out` (too small for torch); extra: more
    facts for the data (a pooling's `least` input size along that axis)."""
    axis %= x.rank
    return LayerFault(SHP102, f"{name} shrinks dim {axis} of input {x} from {x[axis]} to "
                      f"{out}{detail}", input_shape=x.to_json(), axis=axis, size=out, **extra)


def _small_input(name: str, x: Shape, axis: int, why: str) -> LayerFault:
    """SHP102: the input's size at axis is itself too small for this module."""
    axis %= x.rank
    return LayerFault(SHP102, f"{name}: dim {axis} of input {x} is {x[axis]}, {why}",
                      input_shape=x.to_json(), axis=axis, size=x[axis])


def _tuple(value, n: int, what: str, allow_zero=False, broadcast=False) -> tuple[int, ...]:
    """int_tuple, plus the 1-tuples that torch's functional ops expand to n values."""
    if broadcast and isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    return int_tuple(value, n, what, allow_zero)


def _axis(name: str, x: Shape, dim, what: str = "dim") -> int:
    """Normalise a dim argument as torch's maybe_wrap_dim does (a scalar wraps like rank 1)."""
    dim = known_int(dim, what)
    r = max(x.rank, 1)
    if not -r <= dim < r:
        raise LayerFault(SHP103, f"{name}({what}={dim}) is out of range for {x}, of rank "
                         f"{x.rank}", input_shape=x.to_json(), dim=dim)
    return dim % r


def _same_dims(name: str, a: Shape, b: Shape, axes, what: str) -> None:
    """Inputs that must agree on `axes` (batch, sequence): SHP104 when they certainly don't."""
    for axis in axes:
        if same(a[axis], b[axis]) is False:
            raise LayerFault(SHP104, f"{name}: {what} disagree at dim {axis % a.rank}: {a} "
                             f"vs {b}", shapes=[a.to_json(), b.to_json()], axis=axis % a.rank)


def _inputs(name: str, xs, count: int) -> list:
    if len(xs) < count:
        raise NotKnown(f"{name} needs {count} tensor inputs, got {len(xs)}")
    return list(xs[:count])


def _nonneg(value, what: str) -> int:
    value = known_int(value, what)
    if value < 0:
        raise _bad(f"{what} must be non-negative, got {value}")
    return value


def _width(value, what: str):
    """A feature or channel count that may stay Unknown or symbolic (it then flows on)."""
    if isinstance(value, (Unknown, SymDim)):
        return value
    return _nonneg(value, what)


def _factor(value, what, name):
    r = known_int(value, what)
    if r <= 0:
        raise _bad(f"{name}: {what} must be positive, got {r}")
    return r


def _divides(name, x, axis, size, by, what):
    if is_known(size) and size % by:
        raise LayerFault(SHP104, f"{name}: dim {axis % x.rank} of {x} ({size}) is not "
                         f"divisible by {what} ({by})", input_shape=x.to_json())


def _numbers(name: str, **values):
    """An activation's scalar arguments: torch's forward takes only numbers there, and raises
    TypeError for None, a string or a sequence (checked against torch 2.13)."""
    for key, value in values.items():
        if value is None or isinstance(value, (str, tuple, list, dict)):
            raise _bad(f"{name}: {key} must be a number, got {value!r}")
