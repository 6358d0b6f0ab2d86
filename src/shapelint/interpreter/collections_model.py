"""collections.defaultdict and collections.deque as values the interpreter computes with.

Registries filled at import time are often `defaultdict(list)` or hold deques (a priority
queue of tags); both behave as a dict and a list do, plus the few methods of their own.
A defaultdict's missing key calls its factory through the interpreter, so the factory may be
a user class or function; anything it cannot decide is Unknown, never a guess."""
from __future__ import annotations

from ..domain.dims import Unknown
from .values import Iterator, is_indefinite


class DefaultDict(dict):
    """A dict whose missing keys are made by `factory` (an interpreter callable) on read."""

    def __init__(self, factory, *args):
        super().__init__(*args)
        self.factory = factory

    def shapelint_getitem(self, interp, key):
        if is_indefinite(key):
            return Unknown("subscript of a defaultdict by an unknown key")
        try:
            if key in self:
                return self[key]
        except TypeError:
            return Unknown("subscript of a defaultdict by an unhashable key")
        if self.factory is None:
            return Unknown("a defaultdict without a factory has no such key")
        value = interp.call(self.factory, (), {}, interp.operator_node)
        interp.note_mutation(self)
        self[key] = value
        return value

    def copy(self):
        return DefaultDict(self.factory, self)


class Deque(list):
    """collections.deque without maxlen: a list with its left-hand methods."""

    def appendleft(self, item):
        self.insert(0, item)

    def popleft(self):
        return self.pop(0)

    def extendleft(self, items):
        for item in items:
            self.insert(0, item)

    def rotate(self, n=1):
        if self:
            n %= len(self)
            self[:] = self[-n:] + self[:-n]

    def copy(self):
        return Deque(self)


DEQUE_MUTATING = {"appendleft", "popleft", "extendleft", "rotate"}


def make_defaultdict(interp, args, kwargs, node):
    """collections.defaultdict(factory=None, [mapping or pairs], **items)."""
    factory = args[0] if args else None
    if isinstance(factory, Unknown):
        return Unknown(f"a defaultdict of an unknown factory ({factory.reason})")
    initial = interp.builtins["dict"].fn(interp, args[1:], kwargs, node)
    if not isinstance(initial, dict):
        return initial  # Unknown, with its reason
    return DefaultDict(factory, initial)


def make_deque(interp, args, kwargs, node):
    """collections.deque(iterable=(), maxlen=None)."""
    maxlen = kwargs.get("maxlen", args[1] if len(args) > 1 else None)
    if maxlen is not None:
        return Unknown("a deque with a maxlen")
    source = kwargs.get("iterable", args[0] if args else ())
    items = interp.iterate(source)
    if items is None:
        return Unknown("a deque of an unknown iterable")
    return Deque(items)


def make_repeat(interp, args, kwargs, node):
    """itertools.repeat(x, n): n copies of x; without n it never ends."""
    times = kwargs.get("times", args[1] if len(args) > 1 else None)
    if not args or not isinstance(times, int) or isinstance(times, bool) or \
            is_indefinite(times):
        return Unknown("itertools.repeat() without a known count")
    if times > interp.budget.limits.collection_size:
        return Unknown("itertools.repeat() of a huge count")
    return Iterator([args[0]] * max(times, 0))


def reduce_items(interp, args, kwargs, node):
    """functools.reduce(function, iterable[, initial]): the function folded over the items, as
    functools runs it (TypeError on an empty iterable with no initial value)."""
    if len(args) not in (2, 3) or kwargs:
        return Unknown("functools.reduce() arguments")
    items = interp.iterate(args[1])
    if items is None:
        return Unknown("functools.reduce() of an unknown iterable")
    items = list(items)
    if len(args) == 3:
        items.insert(0, args[2])
    if not items:
        return Unknown("functools.reduce() of an empty iterable raises TypeError", opaque=True)
    value = items[0]
    for item in items[1:]:
        value = interp.call(args[0], (value, item), {}, node)
    return value
