"""Where a data array's shape was written (issue 16): the numpy call, array method or dataset
loader that made it (ArrayValue.built_at, (path, line, col)), and the shape tuple read from it
(ArrayShape: `x.shape`, `x.shape[1:]`) that remembers that place. A layer whose input_shape=
is read from the data then points at the data line: when the model rejects that shape, the
line to change is the one that built the array (rules/keras_places.py)."""
from __future__ import annotations

import re

from .arrays import ArrayValue


class ArrayShape(tuple):
    """A data array's shape as a tuple (`x.shape`), with the place that built the array;
    a slice of it (`x.shape[1:]`) keeps that place, anything else made from it does not."""
    built_at = None

    def __new__(cls, dims, built_at=None):
        made = super().__new__(cls, dims)
        made.built_at = built_at
        return made

    def __getitem__(self, key):
        part = super().__getitem__(key)
        return ArrayShape(part, self.built_at) if isinstance(key, slice) else part

    def __reduce__(self):  # pickles as a plain tuple subclass with its place
        return ArrayShape, (tuple(self), self.built_at)


def shape_of(array: ArrayValue) -> ArrayShape:
    return ArrayShape(array.dims, array.built_at)


def stamp(result, interp, node, sources=()):
    """Give each array `result` holds (itself, or the items of a tuple or list, one level
    deep, as load_data's ((x, y), (x, y)) two) the place that made it: a source array of the
    same shape keeps its own (astype, np.asarray change no shape, so they wrote none), else
    the call's place. Returns result."""
    if interp is None or node is None:
        return result
    for array in _arrays(result):
        if array.built_at is not None:
            continue
        same = next((s for s in sources if isinstance(s, ArrayValue) and s.built_at is not None
                     and s.shape.known_rank and array.shape.known_rank
                     and tuple(s.dims) == tuple(array.dims)), None)
        array.built_at = same.built_at if same is not None else interp.position(node)
    return result


def _arrays(value, depth=0):
    if isinstance(value, ArrayValue):
        yield value
    elif isinstance(value, (tuple, list)) and depth < 2 and len(value) <= 16:
        for item in value:
            yield from _arrays(item, depth + 1)


# -- labels the file meant to convert ---------------------------------------------------------

_IMPORT = re.compile(r"^\s*(?:from\s+\S+\s+)?import\b.*\b(?:to_categorical|np_utils)\b")
_APPLIED = re.compile(r"\bto_categorical\s*\(")


def one_hot_planned(lines) -> bool:
    """The file imports keras's to_categorical (or np_utils) and applies it nowhere: the
    one-hot step its author planned for the labels is missing."""
    imported = applied = False
    for line in lines or ():
        code = line.split("#", 1)[0]
        if _IMPORT.match(code):
            imported = True
        elif _APPLIED.search(code):
            applied = True
    return imported and not applied
