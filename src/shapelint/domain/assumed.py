"""Values that rest on an assumption: a command-line default the script was not given
(`--hidden=100`) or a key of a config read by name. They behave exactly as the plain value
(an int is an int), and carry the labels of what they rest on, so a summary can say which
assumptions a count rests on."""
from __future__ import annotations


class _Assumed:
    """Mixin: the labels (a tuple of strings, in the order met) a plain value rests on."""
    assumptions: tuple = ()

    def __reduce__(self):  # copies and pickles are the plain value
        return (_PLAIN_OF[type(self)], (_PLAIN_OF[type(self)](self),))


class AssumedInt(_Assumed, int):
    pass


class AssumedFloat(_Assumed, float):
    pass


class AssumedStr(_Assumed, str):
    pass


_KINDS = {int: AssumedInt, float: AssumedFloat, str: AssumedStr}
_PLAIN_OF = {AssumedInt: int, AssumedFloat: float, AssumedStr: str}


def labels(value, depth: int = 0) -> tuple:
    """The assumptions a value, or any plain value inside a small container, rests on."""
    found = getattr(value, "assumptions", None)
    if isinstance(found, tuple) and isinstance(value, _Assumed):
        return found
    if depth < 3 and isinstance(value, (tuple, list)):
        return merge(*(labels(v, depth + 1) for v in list(value)[:64]))
    if depth < 3 and isinstance(value, dict):
        return merge(*(labels(v, depth + 1) for v in list(value.values())[:64]))
    return ()


def merge(*groups) -> tuple:
    return tuple(dict.fromkeys(label for group in groups for label in group))


def tag(value, found: tuple, depth: int = 0):
    """value resting on the assumptions found (plain values inside lists and tuples too);
    bools, None and anything else are returned as they are (they cannot carry labels)."""
    if not found:
        return value
    kind = type(value)
    if isinstance(value, _Assumed):
        kind = _PLAIN_OF[kind]
        found = merge(value.assumptions, found)
    maker = _KINDS.get(kind)
    if maker is not None:
        out = maker(value)
        out.assumptions = found
        return out
    if depth < 3 and isinstance(value, (tuple, list)) and len(value) <= 64:
        items = [tag(v, found, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    return value


def carry(result, *inputs):
    """The result of a pure operation on inputs: it rests on what they rest on."""
    found = merge(*(labels(i) for i in inputs))
    return tag(result, found) if found else result


def plain(value):
    """The plain value behind an assumed one."""
    return _PLAIN_OF[type(value)](value) if isinstance(value, _Assumed) else value


def carry_entry(found, key):
    """A table's entry selected by an assumed key (SIZES[opt.size]): its plain values, and
    those of a dict or list of them (copied one level), rest on the key."""
    if isinstance(found, dict):
        return {k: tag(v, labels(key)) for k, v in found.items()}
    return tag(found, labels(key))


# A model's structure can rest on a default without any of its layers' arguments holding it:
# `for _ in range(opt.depth)`, `if opt.arch == "wide"`, `if opt.norm:` (a bool, which cannot
# carry a label). Such decisions, made while a user function or class runs, are noted in each
# frame under way; a layer made later in those frames rests on them too.

def note(interp, found: tuple) -> None:
    for frame in interp.assumed_frames:
        frame.update(dict.fromkeys(found))


def noted(interp) -> tuple:
    return merge(*interp.assumed_frames) if interp.assumed_frames else ()
