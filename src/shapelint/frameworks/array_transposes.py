"""Where an array's axes were put in another order (`x.transpose((2, 0, 1))`, `np.transpose`,
`.T`): the statement, and the dims before and after, kept by the arrays made from it that keep
those axes (a batch axis added in front, a scalar applied). rules/keras_transposed.py reads it
when data a model refuses was in the model's layout before that transpose."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Transposed:
    before: tuple  # the dims the transpose was given
    after: tuple  # the dims it made
    at: tuple | None = None  # (path, line, col) of the statement, set when stamped
    in_function: bool = False  # made inside a function the file calls (not where it is fixed)
    # the calls under way then, outermost first ((path, line, col), passes arguments): the
    # call of the helper is where a fix drops the transpose (array_callers.caller_place)
    calls: tuple | None = None

    def kept_by(self, array) -> bool:
        """array keeps the transposed axes: the same dims at its end."""
        dims = array.dims if array.shape.known_rank else None
        n = len(self.after)
        return dims is not None and len(dims) >= n and tuple(dims[-n:]) == self.after

    def undone(self, dims: tuple) -> tuple:
        """dims (an array that keeps the transposed axes) with them in the order before."""
        return tuple(dims[:len(dims) - len(self.after)]) + self.before


def stamped(array, sources, interp, node) -> None:
    """Sets array.transposed: its own transpose placed at this statement, else a source's
    that it keeps."""
    own = array.transposed
    if own is not None and own.at is None:
        sites = tuple(getattr(interp, "call_sites", ())) if interp.frames else None
        array.transposed = Transposed(own.before, own.after, interp.position(node),
                                      bool(interp.frames), sites)
        return
    if own is None:
        array.transposed = next((s.transposed for s in sources
                                 if getattr(s, "transposed", None) is not None
                                 and s.transposed.at is not None
                                 and s.transposed.kept_by(array)), None)
