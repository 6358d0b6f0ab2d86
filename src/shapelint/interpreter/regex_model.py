"""The `re` module on known strings, as Python computes it (transformers decides which weights
it ties with `re.compile(...).match(name)`).

Patterns run with Python's own engine, so a pattern that may backtrack without bound (a
quantified group, `(a+)+`) or a long subject is not run: the result is unknown, never a hang."""
from __future__ import annotations

import re

from ..domain.dims import Unknown
from .values import Builtin

_MAX_SUBJECT = 10_000
_QUANTIFIED_GROUP = re.compile(r"\)[*+{]")


def _safe(pattern, subject=None) -> str | None:
    """Why pattern (on subject) is not run, or None."""
    if not isinstance(pattern, (str, bytes)) or _QUANTIFIED_GROUP.search(str(pattern)):
        return "a pattern the analysis does not run"
    if subject is not None and (not isinstance(subject, type(pattern)) or
                                len(subject) > _MAX_SUBJECT):
        return "a subject the analysis does not match"
    return None


class Pattern:
    def __init__(self, compiled: re.Pattern):
        self.compiled = compiled

    def shapelint_attribute(self, interp, name):
        if name == "pattern":
            return self.compiled.pattern
        if name in _SUBJECT_METHODS:
            return Builtin(f"Pattern.{name}", lambda i, a, k, n: _run(
                self.compiled, name, a, k))
        return Unknown(f"Pattern.{name} is outside the analysis")


class Match:
    def __init__(self, match: re.Match):
        self.match = match

    def shapelint_attribute(self, interp, name):
        if name in ("group", "groups", "groupdict", "start", "end", "span"):
            method = getattr(self.match, name)

            def call(i, a, k, n):
                try:
                    return method(*a, **k)
                except (IndexError, TypeError, re.error):
                    return Unknown(f"Match.{name}() failed")
            return Builtin(f"Match.{name}", call)
        if name == "string":
            return self.match.string
        return Unknown(f"Match.{name} is outside the analysis")


_SUBJECT_METHODS = ("match", "search", "fullmatch", "findall", "sub", "split")


def _wrap(value):
    if isinstance(value, re.Match):
        return Match(value)
    return value


def _run(compiled: re.Pattern, method: str, args, kwargs):
    subject_at = 1 if method == "sub" else 0
    if len(args) <= subject_at or kwargs:
        return Unknown(f"re {method}() with arguments the analysis does not read")
    subject = args[subject_at]
    refused = _safe(compiled.pattern, subject)
    if refused or (method == "sub" and not isinstance(args[0], type(subject))):
        return Unknown(f"re {method}(): {refused or 'a replacement that is not a string'}")
    return _wrap(getattr(compiled, method)(*args))


def _compile(pattern, flags=0):
    refused = _safe(pattern)
    if refused or not isinstance(flags, int):
        return Unknown(f"re.compile(): {refused or 'unknown flags'}")
    try:
        return Pattern(re.compile(pattern, flags))
    except re.error:
        return Unknown("re.compile() of a pattern Python refuses")


def _module_function(method: str):
    def run(interp, args, kwargs, node):
        if not args:
            return Unknown(f"re.{method}() without a pattern")
        flags = kwargs.get("flags", args[3] if method == "sub" and len(args) > 3 else 0)
        compiled = _compile(args[0], flags)
        if isinstance(compiled, Unknown):
            return compiled
        rest = args[1:4] if method == "sub" else args[1:2]
        return _run(compiled.compiled, method, rest, {})
    return run


def regex_refs() -> dict:
    """qualified name -> Builtin, for the interpreter's external references."""
    refs = {f"re.{m}": Builtin(f"re.{m}", _module_function(m)) for m in _SUBJECT_METHODS}
    refs["re.compile"] = Builtin("re.compile", lambda i, a, k, n: _compile(*a, **k) if a and set(
        k) <= {"flags"} else Unknown("re.compile() with unknown arguments"))
    refs["re.escape"] = Builtin("re.escape", lambda i, a, k, n: re.escape(a[0]) if (
        len(a) == 1 and isinstance(a[0], str)) else Unknown("re.escape() of an unknown value"))
    return refs
