"""The layer catalogue: one declarative entry per framework layer.

An entry is a function with the layer constructor's own signature (names, order, defaults as in
the real API). Called with the user's arguments it returns a Rule: how the layer maps an input
shape to an output shape, and how many trainable and non-trainable parameters it builds for that
input. Preconditions raise LayerFault (a definite error the framework would raise too);
needing a value that is unknown raises dims.NotKnown.
"""
from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import import_module
from typing import Any, Callable

from ..domain.codes import Code
from ..domain.dims import Dim, NotKnown, SymDim, Unknown, is_known
from ..domain.shapes import Shape
from .binding import bind, call_arguments


class LayerFault(Exception):
    """The framework would reject this layer or this input: a definite error."""

    def __init__(self, code: Code, message: str, **data: Any):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data
        # What Keras 2 does instead, for a check only Keras 3 makes: the Rule it builds, or
        # why the layer is unknown there. A layer spelled tf.keras.* gets it rather than the
        # fault, since which Keras tf.keras is depends on the TensorFlow installed
        # (frameworks/layers.make_layer_object).
        self.keras2: "Rule | str | None" = None

    def in_keras2(self, outcome) -> "LayerFault":
        self.keras2 = outcome
        return self


def _zero(_x) -> int:
    return 0


@dataclass(frozen=True)
class Rule:
    output: Callable[[Any], Shape]
    params: Callable[[Any], Dim] = _zero  # trainable
    frozen: Callable[[Any], Dim] = _zero  # non-trainable (Keras BatchNorm's moving statistics)
    ndim: int | None = None  # the exact input rank the layer accepts
    min_ndim: int | None = None
    tags: frozenset = frozenset()  # facts for checks: "dense", "flattens", "spatial", ...
    multi_input: bool = False  # output/params take a list of shapes
    # recurrent layers: the initial states a call may pass for an input, as groups (one per
    # wrapped layer: Bidirectional splits initial_state in halves); None when not recurrent
    states: Callable[[Any], tuple] | None = None
    # a layer whose output depends on its call's further arguments (ReversibleEmbedding's
    # reverse=): (input shape, the call's args after the input, its kwargs) -> output shape
    call_output: Callable[..., Shape] | None = None


@dataclass(frozen=True)
class Entry:
    framework: str  # "keras" or "torch"
    type_name: str  # the class name, e.g. "Conv2D"
    factory: Callable[..., Rule]
    given_signature: inspect.Signature | None = field(default=None, compare=False, repr=False)

    @property
    def signature(self) -> inspect.Signature:
        """The factory's signature, unless given read on first use (a catalogue has hundreds
        of entries, a file uses a few)."""
        return self.given_signature or _signature(self.factory)

    def bind(self, args: tuple, kwargs: dict) -> inspect.BoundArguments:
        return bind(self.signature, args, kwargs)  # inspect's, planned once per call shape

    def rule(self, args: tuple, kwargs: dict) -> Rule:
        bound = self.bind(args, kwargs)
        positional, keywords = call_arguments(bound)
        rule = self.factory(*positional, **keywords)
        if self.framework == "keras":
            # the base Layer's options, whether an entry declares them or takes **kwargs
            rule = keras_base_options(rule, {**bound.arguments, **keywords})
        return rule


CATALOGUES: dict[str, dict[str, Entry]] = {"keras": {}, "torch": {}}
# name -> the module that registers it, relative to this package ("keras.conv"): index.py keeps
# it in a file, so that a lookup imports that module alone
REGISTERED_IN: dict[str, dict[str, str]] = {"keras": {}, "torch": {}}
_WHOLE: set = set()  # the frameworks whose every catalogue module is imported


def layer(framework: str, *type_names: str):
    """Register a catalogue entry under one or more class names (aliases included)."""
    module = sys._getframe(1).f_globals.get("__name__", "")[len(__name__) + 1:]

    def register(factory):
        for name in type_names:
            CATALOGUES[framework][name] = Entry(framework, type_names[0], factory)
            REGISTERED_IN[framework][name] = module
        return factory
    return register


@lru_cache(maxsize=None)
def _signature(factory) -> inspect.Signature:
    return inspect.signature(factory)


def lookup(framework: str, type_name: str) -> Entry | None:
    """The entry of a layer class name; None when the catalogue has none. Only the module
    that registers it is imported (catalogue/index.py), unless the index cannot be read."""
    entry = CATALOGUES[framework].get(type_name)
    if entry is not None or framework in _WHOLE:
        return entry
    from .index import modules
    try:
        known = modules().get(framework, {})
    except Exception:  # noqa: BLE001 - without the index, every module is imported
        known = None
    if known is None:
        _load(framework)
    elif type_name in known:
        import_module(f"{__name__}.{known[type_name]}")
    return CATALOGUES[framework].get(type_name)


def keras_base_options(rule: Rule, options: dict) -> Rule:
    """Options of every Keras layer that move weights between the two counts (keras/src/layers/
    layer.py): trainable=False freezes them all; a quantized dtype policy such as
    "int8_from_float32" rebuilds them (Dense, Embedding), so the counts are then not known."""
    trainable = options.get("trainable", True)
    if not isinstance(trainable, bool) and (
            is_known(trainable) or isinstance(trainable, (str, float)) or trainable is None):
        raise LayerFault(_args_code(), f"trainable must be a bool in Keras 3, got {trainable!r}")
    name = options.get("name")
    if isinstance(name, (int, float, tuple, list)) or (isinstance(name, str) and "/" in name):
        raise LayerFault(_args_code(), f"name must be a string without '/' in Keras 3, got "
                         f"{name!r}")
    if rule.params is _zero and rule.frozen is _zero:
        return rule
    dtype = options.get("dtype")
    if dtype is not None and not (isinstance(dtype, str) and "_from_" not in dtype):
        return _counts_unknown(rule, f"dtype={dtype!r} may quantize the weights")
    if trainable is True:
        return rule
    if trainable is False:
        params, frozen = rule.params, rule.frozen
        return replace(rule, params=_zero, frozen=lambda x: params(x) + frozen(x))
    return _counts_unknown(rule, "trainable= is not known")


def _counts_unknown(rule: Rule, reason: str) -> Rule:
    def unknown(_x):
        raise NotKnown(reason)
    return replace(rule, params=unknown, frozen=unknown)


def _load(framework: str) -> None:
    """Import every catalogue module of a framework (a listing of all its entries)."""
    if framework == "keras":
        from .keras import load
    elif framework == "torch":
        from .torch import load
    else:
        return
    load()
    _WHOLE.add(framework)


# -- argument helpers shared by entries ------------------------------------------------------

def int_tuple(value, n: int, what: str, allow_zero: bool = False) -> tuple[int, ...]:
    """An int or an n-tuple of ints, as Keras's standardize_tuple and torch's _ntuple accept."""
    if isinstance(value, bool):
        raise NotKnown(f"{what} is a bool")
    if is_known(value):
        value = (value,) * n
    if not isinstance(value, (tuple, list)):
        raise NotKnown(f"{what} is not known")
    if len(value) != n:
        raise LayerFault(_args_code(), f"{what} must have {n} elements, got {tuple(value)}")
    out = []
    for v in value:
        if not is_known(v):
            raise NotKnown(f"{what} is not known")
        if v < 0 or (v == 0 and not allow_zero):
            raise LayerFault(_args_code(), f"{what} must be positive, got {tuple(value)}")
        out.append(v)
    return tuple(out)


def known_int(value, what: str) -> int:
    if not is_known(value):
        raise NotKnown(f"{what} is not known")
    return value


def size(value, what: str):
    """A positive size that may be Unknown or symbolic (it then flows on as such)."""
    if is_known(value):
        if value <= 0:
            raise LayerFault(_args_code(), f"{what} must be positive, got {value}")
        return value
    if isinstance(value, (Unknown, SymDim)):
        return value
    raise NotKnown(f"{what} is not known")


def choice(value, options: tuple[str, ...], what: str) -> str:
    if not isinstance(value, str):
        raise NotKnown(f"{what} is not known")
    low = value.lower()
    if low not in options:
        raise LayerFault(_args_code(), f"{what} must be one of {', '.join(options)}, got {value!r}")
    return low


def flag(value, what: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None or is_known(value):
        return bool(value)
    raise NotKnown(f"{what} is not known")


def _args_code() -> Code:
    from ..domain.codes import SHP105
    return SHP105
