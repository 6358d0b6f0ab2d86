"""argparse as research scripts use it: the arguments a parser declares, the namespace
`parse_args()` returns when the script runs without arguments (every default, with `type=`
applied to string defaults as argparse does), and `parse_args([...])` of a literal list.

A value the script takes from a default rests on that default: it is tagged (assumed.py) with
`--option=value`, so a summary can say which defaults a count rests on."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.dims import Unknown
from ..domain.assumed import note, tag
from .values import PLAIN, Builtin, Class, Function, Ref, is_indefinite

_STORE = (None, "store")
_NO_VALUE = ("store_true", "store_false", "store_const", "append_const", "count", "help",
             "version")


@dataclass(eq=False)
class Argument:
    flags: tuple  # ("-l", "--lr") or ("name",) for a positional
    dest: str
    action: object = None
    default: object = None
    const: object = None
    type: object = None
    nargs: object = None
    required: bool = False
    choices: object = None

    @property
    def positional(self) -> bool:
        return not self.flags[0].startswith("-")

    @property
    def label(self) -> str:
        """How the user would set it: the first long option (or the first, or the name)."""
        longs = [f for f in self.flags if f.startswith("--")]
        return (longs or list(self.flags))[0]


@dataclass(eq=False)
class Namespace:
    """argparse.Namespace / types.SimpleNamespace: attributes in a dict."""
    values: dict = field(default_factory=dict)
    kind: str = "Namespace"
    # defaults that cannot carry a label (bools, None): reading one notes it (assumed.note)
    untagged: dict = field(default_factory=dict)

    def shapelint_attribute(self, interp, name):
        if name in self.values:
            if name in self.untagged and self.values[name] is self.untagged[name][1]:
                note(interp, (self.untagged[name][0],))
            return self.values[name]
        if name == "__dict__":
            return self.values
        return Unknown(f"the {self.kind} has no attribute '{name}'")

    def shapelint_setattr(self, interp, name, value):
        self.values[name] = value

    def shapelint_has(self, name) -> bool:
        return name in self.values


class Parser:
    """argparse.ArgumentParser (and its argument groups, which add to the same parser)."""

    def __init__(self):
        self.arguments: list[Argument] = []
        self.defaults: dict = {}
        self.broken = ""  # why parsing cannot be followed (a custom action, subcommands)

    def shapelint_attribute(self, interp, name):
        methods = {"add_argument": self._add_argument, "set_defaults": self._set_defaults,
                   "parse_args": self._parse_args, "parse_known_args": self._parse_known,
                   "parse_intermixed_args": self._parse_args,
                   "parse_known_intermixed_args": self._parse_known,
                   "get_default": self._get_default,
                   "add_argument_group": lambda i, a, k, n: self,
                   "add_mutually_exclusive_group": lambda i, a, k, n: self}
        if name in methods:
            return Builtin(f"ArgumentParser.{name}", methods[name])
        if name in ("print_help", "print_usage", "format_help", "format_usage", "error",
                    "exit", "register"):
            return Builtin(f"ArgumentParser.{name}", lambda i, a, k, n: None)
        if name == "add_subparsers":
            self.broken = "the parser has subcommands"
        return Unknown(f"ArgumentParser.{name} is outside the analysis")

    # -- declaring --
    def _add_argument(self, interp, args, kwargs, node):
        if not args or not all(isinstance(a, str) and a for a in args):
            self.broken = "an argument with unknown names"
            return None
        action = kwargs.get("action")
        if isinstance(action, Ref) and action.qualname.endswith("BooleanOptionalAction"):
            action = "boolean_optional"
        elif not (action is None or isinstance(action, str)):
            self.broken = f"a custom action for {args[0]}"
            action = "custom"
        argument = Argument(tuple(args), _dest(args, kwargs.get("dest")), action,
                            kwargs.get("default", _implicit_default(action)),
                            kwargs.get("const"), kwargs.get("type"), kwargs.get("nargs"),
                            kwargs.get("required") is True, kwargs.get("choices"))
        if argument.positional and argument.nargs in (None, "+") or \
                (argument.positional and isinstance(argument.nargs, int)):
            argument.required = True
        if action not in ("help", "version"):
            self.arguments.append(argument)
        return None

    def _set_defaults(self, interp, args, kwargs, node):
        self.defaults.update(kwargs)
        return None

    def _get_default(self, interp, args, kwargs, node):
        dest = args[0] if args else None
        if dest in self.defaults:
            return self.defaults[dest]
        for argument in self.arguments:
            if argument.dest == dest:
                return argument.default
        return None

    # -- parsing --
    def _parse_args(self, interp, args, kwargs, node):
        parsed = self._parse(interp, args, kwargs, node, known=False)
        return parsed[0] if isinstance(parsed, tuple) else parsed

    def _parse_known(self, interp, args, kwargs, node):
        return self._parse(interp, args, kwargs, node, known=True)

    def _parse(self, interp, args, kwargs, node, known: bool):
        if self.broken:
            return Unknown(f"parse_args(): {self.broken}")
        given = args[0] if args else kwargs.get("args")
        if given is not None and (not isinstance(given, (list, tuple)) or
                                  not all(isinstance(t, str) for t in given)):
            return Unknown("parse_args() of a list shapelint cannot read")
        # Without a list, the script reads sys.argv: read as run without arguments, every
        # value is its default and rests on it.
        tokens = list(given) if given is not None else []
        values, extras, seen, untagged = {}, [], set(), {}
        failed = _Reader(self, interp, node).read(tokens, values, extras, seen)
        if failed or (extras and not known):
            why = failed or f"unrecognised {extras}"
            return Unknown(f"parse_args({tokens!r}) exits: {why}")
        for argument in self.arguments:
            if argument.dest in seen:
                continue
            if argument.required:
                values[argument.dest] = Unknown(
                    f"{argument.label} is required: the script needs it on its command line")
                continue
            default = self.defaults.get(argument.dest, argument.default)
            if isinstance(default, str) and argument.action in _STORE + ("append",):
                default = _convert(interp, argument, default, node)
            if argument.positional and argument.nargs == "*" and default is None:
                default = []
            values.setdefault(argument.dest, _assumed(argument, default))
            if isinstance(default, (bool, type(None))):
                flag = argument.action in _NO_VALUE or argument.action == "boolean_optional"
                said = f"{argument.label} not given" if flag else f"{argument.label}={default}"
                untagged[argument.dest] = (said, default)
        for dest, value in self.defaults.items():
            values.setdefault(dest, value)
        namespace = Namespace(values, untagged=untagged)
        return (namespace, extras) if known else namespace


def _assumed(argument: Argument, value):
    if isinstance(value, Unknown) or is_indefinite(value):
        return value
    if argument.action in _NO_VALUE:  # `-v` counted zero times
        return tag(value, (f"{argument.label} not given",))
    shown = " ".join(map(str, value)) if isinstance(value, (list, tuple)) else value
    return tag(value, (f"{argument.label}={shown}",))


def _dest(flags, dest):
    if isinstance(dest, str):
        return dest
    longs = [f for f in flags if f.startswith("--")]
    first = (longs or list(flags))[0]
    return first.lstrip("-").replace("-", "_") if first.startswith("-") else first


def _implicit_default(action):
    return {"store_true": False, "store_false": True}.get(action)


def _convert(interp, argument: Argument, text: str, node):
    """argparse's type conversion of a string (a default or a token)."""
    kind = argument.type
    if kind is None:
        return text
    if isinstance(kind, Builtin) and kind.name in ("int", "float", "str", "bool"):
        try:
            return {"int": int, "float": float, "str": str, "bool": bool}[kind.name](text)
        except ValueError:
            return Unknown(f"{argument.label}: {text!r} is not a valid {kind.name}")
    if isinstance(kind, (Function, Class)) or hasattr(kind, "shapelint_call"):
        return interp.call(kind, (text,), {}, node)
    return Unknown(f"{argument.label} is converted by a type shapelint does not read")


class _Reader:
    """argparse's reading of a literal argument list, for the plain cases scripts write in
    notebooks (`parse_args(["--lr", "0.1", "--cuda"])`); anything else is not followed."""

    def __init__(self, parser: Parser, interp, node):
        self.parser, self.interp, self.node = parser, interp, node

    def find(self, flag: str):
        for argument in self.parser.arguments:
            if flag in argument.flags or argument.action == "boolean_optional" and \
                    flag.startswith("--no-") and "--" + flag[5:] in argument.flags:
                return argument
        if flag.startswith("--"):  # allow_abbrev: a unique prefix of a long option
            hits = [a for a in self.parser.arguments
                    if any(f.startswith(flag) for f in a.flags if f.startswith("--"))]
            if len(hits) == 1:
                return hits[0]
        return None

    def read(self, tokens, values, extras, seen) -> str:
        positionals = [a for a in self.parser.arguments if a.positional]
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if not token.startswith("-") or token == "-" or _is_number(token):
                if not positionals:
                    extras.append(token)
                    i += 1
                    continue
                argument = positionals.pop(0)
                many = argument.nargs in ("*", "+")
                taken = _until_option(tokens, i) if many else [token]
                failed = self.store(argument, taken if many else taken[0], values, seen)
                if failed:
                    return failed
                i += len(taken)
                continue
            flag, equals, inline = token.partition("=")
            argument = self.find(flag)
            if argument is None:
                extras.append(token)
                i += 1
                continue
            action = argument.action
            if action in _NO_VALUE or action == "boolean_optional":
                if equals:
                    return f"{flag} takes no value"
                values[argument.dest] = _flag_value(argument, flag, values)
                seen.add(argument.dest)
                i += 1
                continue
            if equals:
                taken, i = [inline], i + 1
            elif argument.nargs in ("*", "+") or isinstance(argument.nargs, int):
                taken = _until_option(tokens, i + 1)
                if isinstance(argument.nargs, int):
                    taken = taken[:argument.nargs]
                i += 1 + len(taken)
            elif argument.nargs == "?" and (i + 1 >= len(tokens) or
                                            tokens[i + 1].startswith("-")):
                values[argument.dest] = argument.const
                seen.add(argument.dest)
                i += 1
                continue
            else:
                if i + 1 >= len(tokens):
                    return f"{flag} expects a value"
                taken, i = [tokens[i + 1]], i + 2
            single = argument.nargs in (None, "?")
            failed = self.store(argument, taken[0] if single else taken, values, seen)
            if failed:
                return failed
        return ""

    def store(self, argument: Argument, raw, values, seen) -> str:
        items = raw if isinstance(raw, list) else [raw]
        converted = [_convert(self.interp, argument, t, self.node) for t in items]
        if any(isinstance(v, Unknown) for v in converted):
            return next(v.reason for v in converted if isinstance(v, Unknown))
        if argument.choices is not None and isinstance(argument.choices, (list, tuple, set)):
            if any(v not in argument.choices for v in converted
                   if isinstance(v, PLAIN)):
                return f"{argument.label}: invalid choice"
        value = converted if isinstance(raw, list) else converted[0]
        if argument.action == "append":
            previous = values.get(argument.dest)
            value = (list(previous) if isinstance(previous, list) else []) + [value]
        elif argument.action == "extend":
            previous = values.get(argument.dest)
            value = (list(previous) if isinstance(previous, list) else []) + list(converted)
        values[argument.dest] = value
        seen.add(argument.dest)
        return ""


def _flag_value(argument: Argument, flag: str, values):
    action = argument.action
    if action == "store_true":
        return True
    if action == "store_false":
        return False
    if action == "store_const":
        return argument.const
    if action == "count":
        previous = values.get(argument.dest, argument.default)
        return (previous if isinstance(previous, int) else 0) + 1
    if action == "append_const":
        previous = values.get(argument.dest)
        return (list(previous) if isinstance(previous, list) else []) + [argument.const]
    if action == "boolean_optional":
        return not flag.startswith("--no-")
    return Unknown(f"{flag}: action {action}")


def _until_option(tokens, start) -> list:
    out = []
    for token in tokens[start:]:
        if token.startswith("-") and not _is_number(token):
            break
        out.append(token)
    return out


def _is_number(token: str) -> bool:
    try:
        float(token)
        return True
    except ValueError:
        return False
