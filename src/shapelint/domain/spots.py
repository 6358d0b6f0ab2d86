"""Positions resolved only when read. libcst gives a node's line and column only through a
codegen of the code around it, and discovery makes hundreds of layers whose positions nobody
prints (a file that reports nothing used to spend a third of its check resolving them). So
Interpreter.position hands out a Spot's line and column as LazyInts: they keep the node and
what was running when it was met, and run the resolution the first time something reads them
as a number. The model graph and the diagnostics hold plain ints once read (settled, below), so
what the reporters and the JSON see is always an int.
"""
from __future__ import annotations

from collections.abc import Mapping


class Spot:
    """Where a node is; resolve() gives (line, column), computed once."""
    __slots__ = ("_resolve", "_args", "_where")

    def __init__(self, resolve, *args):
        self._resolve, self._args, self._where = resolve, args, None

    def where(self) -> tuple[int, int]:
        if self._where is None:
            self._where = self._resolve(*self._args)
            self._resolve = self._args = None  # the nodes and frames are no longer needed
        return self._where


class LazyInt:
    """An int that a Spot computes on first use; it compares, hashes, formats and computes as
    that int does (hash included, so `(path, line)` keys meet plain ones)."""
    __slots__ = ("_spot", "_index")

    def __init__(self, spot: Spot, index: int):
        self._spot, self._index = spot, index

    def __int__(self) -> int:
        return self._spot.where()[self._index]

    __index__ = __int__

    def __hash__(self):
        return hash(int(self))

    def __eq__(self, other):
        return int(self) == other

    def __ne__(self, other):
        return int(self) != other

    def __lt__(self, other):
        return int(self) < other

    def __le__(self, other):
        return int(self) <= other

    def __gt__(self, other):
        return int(self) > other

    def __ge__(self, other):
        return int(self) >= other

    def __bool__(self):
        return bool(int(self))

    def __add__(self, other):
        return int(self) + other

    def __radd__(self, other):
        return other + int(self)

    def __sub__(self, other):
        return int(self) - other

    def __rsub__(self, other):
        return other - int(self)

    def __mul__(self, other):
        return int(self) * other

    __rmul__ = __mul__

    def __neg__(self):
        return -int(self)

    def __str__(self):
        return str(int(self))

    def __repr__(self):
        return repr(int(self))

    def __format__(self, spec):
        return format(int(self), spec)


def settle(value):
    """A plain int for a LazyInt (its resolution runs now); anything else as it is."""
    return int(value) if type(value) is LazyInt else value


def unread(obj, name: str):
    """A Settled field's value as stored, without resolving it."""
    return obj.__dict__[name]


class Settled:
    """A data descriptor for a line or column field of a dataclass (LayerNode, ModelGraph,
    Diagnostic): it stores what it is given, LazyInt included, and reads back a plain int,
    so a position is resolved only when a reporter, a check or a test reads it."""

    def __set_name__(self, owner, name):
        self.name = name

    def __init__(self, name: str = ""):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name]
        if type(value) is LazyInt:
            value = obj.__dict__[self.name] = int(value)
        return value

    def __set__(self, obj, value):
        obj.__dict__[self.name] = value


class PairsDict(Mapping):
    """A dict of (key, value) pairs built when first read, later pairs winning as in dict():
    keys holding LazyInts (a line per statement forward() ran) are hashed only if asked for."""

    def __init__(self, pairs):
        self._pairs, self._dict = pairs, None

    def _built(self) -> dict:
        if self._dict is None:
            self._dict = {tuple(map(settle, key)) if type(key) is tuple else settle(key): value
                          for key, value in self._pairs}
            self._pairs = None
        return self._dict

    def __getitem__(self, key):
        return self._built()[key]

    def __iter__(self):
        return iter(self._built())

    def __len__(self):
        return len(self._built())

    def __repr__(self):
        return repr(self._built())
