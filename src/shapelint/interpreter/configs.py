"""The standard-library and config-file objects scripts configure models with: argparse,
argparse.Namespace / types.SimpleNamespace, dataclasses.field / asdict / replace, and YAML or
JSON read from a literal string. `call` answers for the qualified names it knows and
NotImplemented for the rest."""
from __future__ import annotations

import json
import sys

from ..domain.dims import Unknown
from .values import MISSING, Builtin, Class, Instance, Ref, is_indefinite

_YAML_LOADS = ("yaml.safe_load", "yaml.load", "yaml.full_load", "yaml.unsafe_load")


class FieldSpec:
    """dataclasses.field(...): what a dataclass's __init__ does for a field."""

    def __init__(self, default=MISSING, factory=None, init=True):
        self.default, self.factory, self.init = default, factory, init

    def value(self, interp, node):
        """The value a new instance gets when the field is not given; MISSING if required."""
        if self.factory is not None:
            return interp.call(self.factory, (), {}, node)
        return self.default

    def shapelint_attribute(self, interp, name):
        return Unknown(f"Field.{name} is outside the analysis")


def call(interp, name: str, args, kwargs, node):
    # argparse's and YAML's models are loaded by the first file that calls them
    if name == "argparse.ArgumentParser":
        from .argparse_model import Parser
        return Parser()
    if name in ("argparse.Namespace", "types.SimpleNamespace"):
        from .argparse_model import Namespace
        if args:
            return Unknown(f"{name}() takes keyword arguments only")
        return Namespace(dict(kwargs), name.rsplit(".", 1)[-1])
    if name == "dataclasses.field":
        return FieldSpec(kwargs.get("default", MISSING), kwargs.get("default_factory"),
                         kwargs.get("init", True) is not False)
    if name == "dataclasses.dataclass":
        if args:  # dataclass(cls) called by hand
            return interp.make_dataclass(args[0], kwargs.get("kw_only") is True)
        return Builtin("dataclass", _no_op)  # @dataclass(frozen=True): decorate() reads it
    if name == "dataclasses.fields":
        return _field_views(args[0]) if len(args) == 1 else Unknown("fields() of nothing")
    if name in ("dataclasses.asdict", "dataclasses.astuple"):
        return _asdict(args[0], name.endswith("astuple")) if args else Unknown(name)
    if name == "dataclasses.replace":
        return _replace(interp, args, kwargs, node)
    if name in _YAML_LOADS or name == "json.loads":
        text = args[0] if args else kwargs.get("stream", kwargs.get("s"))
        if not isinstance(text, str) or is_indefinite(text):
            return Unknown(f"{name}() of text shapelint cannot read (a file, or unknown)")
        if name == "json.loads":
            try:
                return json.loads(text)
            except ValueError:
                return Unknown("json.loads() fails on this text")
        from . import yaml_subset
        loaded = yaml_subset.load(text)
        return Unknown(f"{name}() of YAML outside the subset shapelint reads") \
            if loaded is None else loaded
    return NotImplemented


class FieldView:
    """An item of dataclasses.fields(): a field's name, default and default_factory, with
    dataclasses.MISSING where there is none."""

    def __init__(self, name: str, spec):
        self.name, self.spec = name, spec

    def shapelint_attribute(self, interp, attr):
        spec = self.spec
        missing = Ref("dataclasses.MISSING")
        if attr == "name":
            return self.name
        if attr == "default":
            default = spec.default if isinstance(spec, FieldSpec) else spec
            return missing if default is MISSING else default
        if attr == "default_factory":
            factory = spec.factory if isinstance(spec, FieldSpec) else None
            return missing if factory is None else factory
        if attr == "init":
            return spec.init if isinstance(spec, FieldSpec) else True
        return Unknown(f"Field.{attr} is outside the analysis")


def _field_views(value):
    cls = value.cls if isinstance(value, Instance) else value
    if not isinstance(cls, Class) or cls.dataclass_fields is None:
        return Unknown("fields() of a value that is not a dataclass shapelint read")
    return tuple(FieldView(name, spec) for name, spec in cls.dataclass_fields)


def _no_op(interp, args, kwargs, node):
    return args[0] if args else None


def vars_of(value):
    """vars(x) for what the interpreter models; None when it cannot say."""
    argparse_model = sys.modules.get(f"{__package__}.argparse_model")  # none made unless loaded
    if argparse_model is not None and isinstance(value, argparse_model.Namespace):
        return value.values
    if isinstance(value, Instance) and value.payload is None:
        return value.attrs
    return None


def _fields(value) -> list | None:
    if isinstance(value, Instance) and isinstance(value.cls, Class) and \
            value.cls.dataclass_fields is not None:
        return [name for name, _ in value.cls.dataclass_fields]
    return None


def _asdict(value, as_tuple: bool):
    names = _fields(value)
    if names is None:
        return Unknown("asdict() of a value that is not a dataclass shapelint read")
    out = {}
    for name in names:
        inner = value.attrs.get(name, Unknown(f"field '{name}' not set"))
        out[name] = _asdict(inner, False) if _fields(inner) is not None else inner
    return tuple(out.values()) if as_tuple else out


def _replace(interp, args, kwargs, node):
    """dataclasses.replace(obj, **changes): __init__ runs again on the fields and changes."""
    names = _fields(args[0]) if args else None
    if names is None:
        return Unknown("replace() of a value that is not a dataclass shapelint read")
    given = {n: args[0].attrs[n] for n in names if n in args[0].attrs and
             _field_init(args[0].cls, n)}
    given.update(kwargs)
    return interp.call(args[0].cls, (), given, node)


def _field_init(cls: Class, name: str) -> bool:
    for c in cls.mro():
        spec = c.namespace.get(name)
        if isinstance(spec, FieldSpec):
            return spec.init
    return True
