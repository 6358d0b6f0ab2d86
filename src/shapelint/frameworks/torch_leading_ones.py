"""An elementwise loss (MSELoss, L1Loss, ...) whose input and target differ only by leading axes
of size 1, (10, 1) against (1, 10, 1): torch broadcasts them with its UserWarning, and since
no axis is repeated each element meets its own, so the value is the one meant. The finding
(SHP206) says so, rather than "every pair", and gives the fix that holds for these shapes:
view_as either way (squeezing a trailing 1 would make a (10, 10) broadcast of them)."""
from __future__ import annotations

from ..domain.dims import is_known
from ..domain.shapes import Shape


def only_leading_ones(a: Shape, b: Shape) -> bool:
    """The longer shape is the shorter one with leading axes of size 1 put before it."""
    if not (a.known_rank and b.known_rank) or a.rank == b.rank:
        return False
    short, long = (a, b) if a.rank < b.rank else (b, a)
    extra = long.rank - short.rank
    return all(is_known(d) and d == 1 for d in long.dims[:extra]) and \
        tuple(long.dims[extra:]) == tuple(short.dims)


def sentence(name: str, a: Shape, b: Shape, joint: Shape) -> str:
    return (f"{name} gets input {a} and target {b}, which differ only by leading axes of "
            f"size 1: torch broadcasts them to {joint} with a UserWarning that they differ; "
            f"no value is repeated, so each element meets its own, but the two shapes are not "
            f"one. Give them one shape: output.view_as(target) (or target.view_as(output)).")
