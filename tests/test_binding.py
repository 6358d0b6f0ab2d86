"""The catalogue's binding (catalogue/binding.py) is inspect's: the same arguments in the same
order, the same default objects, the same TypeError, for every shape of call, planned or not;
and the positional and keyword arguments a rule is called with (call_arguments) are inspect's
BoundArguments.args and .kwargs."""
from __future__ import annotations

import inspect

import pytest

from shapelint.catalogue import CATALOGUES, _load
from shapelint.catalogue.binding import bind, call_arguments


def _every(a, b=2, /, c=[], *rest, d, e={}, **extra):  # noqa: B006 - defaults kept by identity
    pass


def _keywords(x, y=1, *, z=3):
    pass


def inspect_bind(signature, args, kwargs):
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as error:
        return "TypeError", str(error)
    bound.apply_defaults()
    return bound


def same(mine, theirs) -> bool:
    if isinstance(theirs, tuple):  # inspect's error
        return mine == theirs
    positional, keywords = call_arguments(mine)
    return (list(mine.arguments) == list(theirs.arguments) and
            all(a is b or type(a) in (tuple, dict) and a == b
                for a, b in zip(mine.arguments.values(), theirs.arguments.values())) and
            mine.args == theirs.args and mine.kwargs == theirs.kwargs and
            positional == theirs.args and list(keywords.items()) == list(theirs.kwargs.items()))


@pytest.mark.parametrize("function", [_every, _keywords])
def test_every_shape_of_call_binds_as_inspect_does(function):
    signature = inspect.signature(function)
    for count in range(5):
        for keywords in [(), ("d",), ("d", "e"), ("c", "d"), ("b", "d", "q"), ("z",), ("y",),
                         ("x",), ("y", "z", "w")]:
            for _ in range(2):  # planned, then from the plan
                args = tuple(object() for _ in range(count))
                kwargs = {k: object() for k in keywords}
                try:
                    mine = bind(signature, args, kwargs)
                except TypeError as error:
                    mine = ("TypeError", str(error))
                assert same(mine, inspect_bind(signature, args, kwargs)), (count, keywords)


@pytest.mark.parametrize("framework", ["torch", "keras"])
def test_catalogue_entries_bind_as_inspect_does(framework):
    _load(framework)
    for name, entry in CATALOGUES[framework].items():
        params = list(entry.signature.parameters)
        for count in range(min(len(params), 3) + 1):
            args = tuple(object() for _ in range(count))
            kwargs = {p: object() for p in params[count + 1:count + 3]
                      if entry.signature.parameters[p].kind is not
                      inspect.Parameter.VAR_KEYWORD}
            try:
                mine = entry.bind(args, kwargs)
            except TypeError as error:
                mine = ("TypeError", str(error))
            assert same(mine, inspect_bind(entry.signature, args, kwargs)), name
