"""The einops pattern language, read as einops 0.8 reads it, and the shapes its rearrange,
repeat, reduce and parse_shape make (einops/parsing.py, einops/einops.py).

A pattern is two sides, `left -> right`; each side a list of axes or parenthesised groups of
axes: a name, an anonymous length (`2`; `1` and `()` are an empty group, of length 1), or one
ellipsis `...`. Errors are the ones einops raises, in einops' order and words, sorted by what
they say: the pattern itself (SHP105), the input's rank (SHP103), a length (SHP104). A length
check is made only between two known ints, as einops itself does (`isinstance(length, int)`):
a symbolic size that might fit is no finding, and the size it yields is symbolic (`h w` from
`(h w)`, `H // 16` from `(H p)` with p=16). Nothing here imports einops.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.codes import SHP103, SHP104, SHP105
from ..domain.dims import Expr, NotKnown, SymDim, Unknown, is_known
from ..domain.shapes import product
from . import LayerFault

ELLIPSIS = "\u2026"  # einops writes `...` as this one character while parsing
REDUCTIONS = ("min", "max", "sum", "mean", "prod", "any", "all")


class Anonymous:
    """An axis of a given length > 1 written as a number; each is its own axis, equal to no
    other (einops' AnonymousAxis)."""

    __slots__ = ("value",)

    def __init__(self, value: int):
        self.value = value

    def __repr__(self):
        return f"{self.value}-axis"


def pattern_error(message: str, **data) -> LayerFault:
    return LayerFault(SHP105, message, **data)


@dataclass(frozen=True)
class Side:
    """One side of a pattern: its groups (tuples of axes) and the ellipsis (ELLIPSIS itself
    when it stands alone, inside a group when parenthesised)."""
    composition: tuple
    identifiers: frozenset
    has_ellipsis: bool = False
    ellipsis_parenthesized: bool | None = None
    anonymous: bool = False  # an anonymous axis of length > 1

    def composed(self) -> bool:
        return any(group != ELLIPSIS and len(group) > 1 for group in self.composition)


def valid_name(name: str, allow_underscore: bool = False) -> str:
    """Why name is not an axis name ("" when it is)."""
    if not name.isidentifier():
        return "not a valid python identifier"
    if name[0] == "_" or name[-1] == "_":
        if name == "_" and allow_underscore:
            return ""
        return "axis name should should not start or end with underscore"
    return ""


def parse(expression: str, allow_underscore=False, allow_duplicates=False) -> Side:
    """One side of a pattern, or the LayerFault einops' ParsedExpression raises."""
    has_ellipsis = False
    if "." in expression:
        if "..." not in expression:
            raise pattern_error("Expression may contain dots only inside ellipsis (...)")
        if expression.count("...") != 1 or expression.count(".") != 3:
            raise pattern_error("Expression may contain dots only inside ellipsis (...); only "
                                "one ellipsis for tensor ")
        expression = expression.replace("...", ELLIPSIS)
        has_ellipsis = True
    identifiers: set = set()
    composition: list = []
    group: list | None = None
    state = {"parenthesized": None, "anonymous": False}

    def add(name: str):
        if name in identifiers and not (allow_underscore and name == "_") and \
                not allow_duplicates:
            raise pattern_error(f'Indexing expression contains duplicate dimension "{name}"')
        if name == ELLIPSIS:
            identifiers.add(ELLIPSIS)
            (composition if group is None else group).append(ELLIPSIS)
            state["parenthesized"] = group is not None
            return
        number = name.isdecimal()
        if number and int(name) == 1:
            if group is None:
                composition.append(())
            return
        reason = "" if number else valid_name(name, allow_underscore)
        if reason:
            raise pattern_error(f"Invalid axis identifier: {name}\n{reason}")
        axis = name
        if number:
            if int(name) < 1:
                raise pattern_error(f"Anonymous axis should have positive length, not "
                                    f"{int(name)}")
            axis = Anonymous(int(name))
            state["anonymous"] = True
        identifiers.add(axis)
        if group is None:
            composition.append((axis,))
        else:
            group.append(axis)

    current = None
    for char in expression:
        if char in "() ":
            if current is not None:
                add(current)
            current = None
            if char == "(":
                if group is not None:
                    raise pattern_error("Axis composition is one-level (brackets inside "
                                        "brackets not allowed)")
                group = []
            elif char == ")":
                if group is None:
                    raise pattern_error("Brackets are not balanced")
                composition.append(tuple(group))
                group = None
        elif char.isalnum() or char in ("_", ELLIPSIS):
            current = char if current is None else current + char
        else:
            raise pattern_error(f"Unknown character '{char}'")
    if group is not None:
        raise pattern_error(f'Imbalanced parentheses in expression: "{expression}"')
    if current is not None:
        add(current)
    return Side(tuple(composition), frozenset(identifiers), has_ellipsis,
                state["parenthesized"], state["anonymous"])


def names(axes) -> str:
    """A set of axes as einops prints it (sorted, so that messages are stable)."""
    return "{" + ", ".join(sorted(repr(a) for a in axes)) + "}"


def split(pattern) -> tuple[str, str]:
    if not isinstance(pattern, str):
        raise NotKnown("the pattern is not a known string")
    parts = pattern.split("->")
    if len(parts) != 2:  # einops unpacks pattern.split("->") into two: a ValueError
        raise pattern_error(f'the pattern "{pattern}" must contain "->" exactly once (einops '
                            f"raises ValueError here)")
    return parts[0], parts[1]


@dataclass(frozen=True)
class Recipe:
    """A pattern prepared for one input rank: the left groups after the ellipsis is expanded
    into its axes, the right groups, and the axes whose lengths come from keywords."""
    left: tuple
    right: tuple
    keywords: tuple
    kept: frozenset  # axes of the left that reach the output


def prepare(pattern, operation, axes_names: tuple, ndim: int) -> Recipe:
    """einops' _prepare_transformation_recipe: every error it raises, in its order."""
    left_text, right_text = split(pattern)
    left, right = parse(left_text), parse(right_text)
    if not left.has_ellipsis and right.has_ellipsis:
        raise pattern_error(f"Ellipsis found in right side, but not left side of a pattern "
                            f"{pattern}")
    if left.has_ellipsis and left.ellipsis_parenthesized:
        raise pattern_error(f"Ellipsis inside parenthesis in the left side is not allowed: "
                            f"{pattern}")
    if operation == "rearrange":
        if left.anonymous or right.anonymous:
            raise pattern_error("Non-unitary anonymous axes are not supported in rearrange "
                                "(exception is length 1)")
        difference = left.identifiers ^ right.identifiers
        if difference:
            raise pattern_error(f"Identifiers only on one side of expression (should be on "
                                f"both): {names(difference)}")
    elif operation == "repeat":
        difference = left.identifiers - right.identifiers
        if difference:
            raise pattern_error(f"Unexpected identifiers on the left side of repeat: "
                                f"{names(difference)}")
        missing = {a for a in right.identifiers if not isinstance(a, Anonymous)} - \
            left.identifiers - set(axes_names)
        if missing:
            raise pattern_error(f"Specify sizes for new axes in repeat: {names(missing)}")
    elif operation in REDUCTIONS:
        difference = right.identifiers - left.identifiers
        if difference:
            raise pattern_error(f"Unexpected identifiers on the right side of reduce "
                                f"{operation}: {names(difference)}")
    elif isinstance(operation, str):
        raise pattern_error(f"Unknown reduction {operation}. Expect one of {REDUCTIONS}.")
    else:
        raise NotKnown("the reduction is not a known name")
    left_groups, right_groups = _expand(left, right, ndim, pattern)
    known = {a for group in left_groups for a in group if isinstance(a, Anonymous)}
    on_left = {a for group in left_groups for a in group}
    every = on_left | right.identifiers - {ELLIPSIS}
    for name in axes_names:
        if valid_name(name):
            raise pattern_error(f"Invalid name for an axis {name!r}")
        if name not in every:
            raise pattern_error(f"Axis {name} is not used in transform")
    known |= set(axes_names)
    for group in left_groups:
        unknown = [a for a in group if a not in known]
        if len(unknown) > 1:
            raise pattern_error(f"Could not infer sizes for {names(unknown)}")
    kept = frozenset(a for a in on_left if a in {x for g in right_groups for x in g})
    return Recipe(left_groups, right_groups, tuple(axes_names), kept)


def _expand(left: Side, right: Side, ndim: int, pattern) -> tuple[tuple, tuple]:
    """The groups of both sides with the ellipsis replaced by one axis per dim it covers."""
    if not left.has_ellipsis:
        if ndim != len(left.composition):
            raise LayerFault(SHP103, f"Wrong shape: expected {len(left.composition)} dims. "
                             f"Received {ndim}-dim tensor.", expected=len(left.composition),
                             received=ndim)
        return left.composition, right.composition
    others = len(left.composition) - 1
    if ndim < others:
        raise LayerFault(SHP103, f"Wrong shape: expected >={others} dims. Received {ndim}-dim "
                         f"tensor.", expected=others, received=ndim)
    covered = tuple(f"{ELLIPSIS}{i}" for i in range(ndim - others))
    lefts = []
    for group in left.composition:
        lefts.extend([(a,) for a in covered] if group == ELLIPSIS else [group])
    rights = []
    for group in right.composition:
        if group == ELLIPSIS:
            rights.extend((a,) for a in covered)
        else:
            rights.append(tuple(x for a in group for x in (covered if a == ELLIPSIS else (a,))))
    return tuple(lefts), tuple(rights)


def minimal_rank(pattern) -> int:
    """The rank a layer prepares its recipe for first (the ellipsis covering nothing)."""
    left = parse(split(pattern)[0])
    return len(left.composition) - (1 if left.has_ellipsis else 0)


def axis_length(name: str, value):
    """A keyword length: an int, a symbolic or unknown size; any other value is not known."""
    if isinstance(value, (SymDim, Unknown)) or is_known(value) and value > 0:
        return value
    raise NotKnown(f"the length of axis {name} is not a known positive size")


def apply(recipe: Recipe, dims: tuple, axes_lengths: dict) -> tuple:
    """einops' _reconstruct_from_shape, then the output: the result's dims."""
    lengths: dict = {}
    for name, value in axes_lengths.items():
        lengths[name] = axis_length(name, value)
    for group in recipe.left + recipe.right:
        for a in group:
            if isinstance(a, Anonymous):
                lengths[a] = a.value
    for group, length in zip(recipe.left, dims):
        known = [a for a in group if a in lengths]
        unknown = [a for a in group if a not in lengths]
        if not known and len(unknown) == 1:
            lengths[unknown[0]] = length
            continue
        chunk = product(lengths[a] for a in known)
        if not unknown:
            if is_known(length) and is_known(chunk) and length != chunk:
                raise LayerFault(SHP104, f"Shape mismatch, {length} != {chunk}",
                                 length=length, expected=chunk)
            if len(known) == 1 and not is_known(chunk):
                lengths[known[0]] = length  # the tensor keeps its own size when it runs
        else:
            if is_known(length) and is_known(chunk) and length % chunk:
                raise LayerFault(SHP104, f"Shape mismatch, can't divide axis of length "
                                 f"{length} in chunks of {chunk}", length=length, chunk=chunk)
            lengths[unknown[0]] = divide(length, chunk)
    return tuple(product(lengths[a] for a in group) for group in recipe.right)


def transform(dims, pattern, operation, axes_lengths: dict) -> tuple:
    """The output dims of rearrange/repeat/reduce on an input of these dims."""
    if dims is None:
        raise NotKnown("einops on a tensor of unknown rank")
    recipe = prepare(pattern, operation, tuple(axes_lengths), len(dims))
    return apply(recipe, tuple(dims), axes_lengths)


def check_pattern(pattern, operation, axes_names: tuple) -> None:
    """The errors a pattern raises whatever the input's rank (what a Rearrange/Reduce layer
    raises in its constructor, and what a call on an input of unknown rank certainly
    raises)."""
    prepare(pattern, operation, axes_names, minimal_rank(pattern))


def _factors(d) -> list:
    if isinstance(d, Expr) and d.op == "*":
        return _factors(d.left) + _factors(d.right)
    return [d]


def divide(length, chunk):
    """length // chunk as einops computes it, cancelling factors the two share symbolically:
    (h * d) // h is d; an exact floor division of positive sizes."""
    if isinstance(length, Unknown) or isinstance(chunk, Unknown):
        return Unknown("einops axis length")
    if is_known(length) and is_known(chunk):
        return length // chunk
    top, bottom = _factors(length), _factors(chunk)
    for f in list(bottom):
        if not is_known(f) and f in top:
            top.remove(f)
            bottom.remove(f)
    top_int = product(f for f in top if is_known(f))
    bottom_int = product(f for f in bottom if is_known(f))
    if top_int % bottom_int == 0:
        top_int, bottom_int = top_int // bottom_int, 1
    numerator = product([top_int] + [f for f in top if not is_known(f)])
    denominator = product([bottom_int] + [f for f in bottom if not is_known(f)])
    return numerator if denominator == 1 else numerator // denominator


def parse_shape(dims, pattern) -> dict:
    """einops.parse_shape: axis name -> length; `_` skips an axis (its RuntimeErrors as
    SHP103/SHP104)."""
    if not isinstance(pattern, str):
        raise NotKnown("the pattern is not a known string")
    side = parse(pattern, allow_underscore=True)
    if dims is None:
        raise NotKnown("parse_shape of a tensor of unknown rank")
    shape = tuple(dims)
    if side.composed():
        raise pattern_error(f"Can't parse shape with composite axes: {pattern} {shape}")
    groups = list(side.composition)
    if len(shape) != len(groups):
        if not side.has_ellipsis:
            raise LayerFault(SHP103, f"Can't parse shape with different number of dimensions: "
                             f"{pattern} {shape}")
        if len(shape) < len(groups) - 1:
            raise LayerFault(SHP103, f"Can't parse shape with this number of dimensions: "
                             f"{pattern} {shape}")
    if side.has_ellipsis:
        at = groups.index(ELLIPSIS)
        groups[at:at + 1] = [("_",)] * (len(shape) - len(groups) + 1)
    result = {}
    for group, length in zip(groups, shape):
        if not group:
            if is_known(length) and length != 1:
                raise LayerFault(SHP104, f"Length of axis is not 1: {pattern} {shape}")
            continue
        axis = group[0]
        if isinstance(axis, Anonymous):
            if is_known(length) and axis.value != length:
                raise LayerFault(SHP104, f"Length of anonymous axis does not match: "
                                 f"{pattern} {shape}")
        elif axis != "_":
            result[axis] = length
    return result


def keyword_names_ok(axes_lengths: dict) -> None:
    """Keyword lengths must be plain names; `**kw` of unknown keys leaves the call unknown."""
    for name in axes_lengths:
        if not isinstance(name, str):
            raise NotKnown("axis lengths given by unknown keywords")
