"""einops.einsum(*tensors, pattern): einops' own checks of the pattern (einops/einops.py,
_compactify_pattern_for_einsum), then the shapes torch.einsum gives and the errors it raises
(checked against torch: a subscript's sizes must agree or be 1; a subscript repeated within
one operand must agree exactly; ellipsis dims broadcast, and are summed when the output has no
ellipsis)."""
from __future__ import annotations

from ..domain.codes import SHP103, SHP107
from ..domain.dims import NotKnown, Unknown, is_known, same
from ..domain.shapes import Shape
from . import LayerFault
from .einops_patterns import ELLIPSIS, Anonymous, Side, parse, pattern_error
from .torch_functional import broadcast


def _axis(group) -> str:
    """An einsum axis: one plain name (einops raises NotImplementedError otherwise)."""
    if len(group) == 0:
        raise pattern_error("Singleton () axes are not yet supported in einsum.")
    if len(group) > 1:
        raise pattern_error("Shape rearrangement is not yet supported in einsum.")
    if isinstance(group[0], Anonymous):
        raise pattern_error("Anonymous axes are not yet supported in einsum.")
    return group[0]


def parse_einsum(pattern) -> tuple[list[Side], Side]:
    if not isinstance(pattern, str):
        raise NotKnown("the einsum pattern is not a known string")
    if "->" not in pattern:
        raise pattern_error("Einsum pattern must contain '->'.")
    parts = pattern.split("->")
    if len(parts) != 2:
        raise pattern_error(f'the einsum pattern "{pattern}" has more than one "->" (einops '
                            f"raises ValueError here)")
    lefts = [parse(text, allow_underscore=True, allow_duplicates=True)
             for text in parts[0].split(",")]
    right = parse(parts[1], allow_underscore=True)
    seen = set()
    for side in lefts:
        for group in side.composition:
            if group != ELLIPSIS:
                seen.add(_axis(group))
    if len(seen) > 52:
        raise pattern_error("Too many axes in einsum.")
    for group in right.composition:
        if group != ELLIPSIS and _axis(group) not in seen:
            raise pattern_error(f"Unknown axis {_axis(group)} on right side of einsum "
                                f"{pattern}.")
    return lefts, right


def _merge(size, d, label, operand):
    """A subscript's size so far and one more operand's: they must agree or be 1."""
    if size is None or is_known(size) and size == 1:
        return d
    if is_known(d) and d == 1:
        return size
    verdict = same(size, d)
    if verdict is False:
        raise LayerFault(SHP107, f"einsum(): subscript {label} has size {d} for operand "
                         f"{operand} which does not broadcast with previously seen size {size}",
                         subscript=label, size=d, seen=size)
    if verdict is None:
        return size if is_known(size) else d if is_known(d) else Unknown("einsum size")
    return size


def einsum(shapes: list, pattern) -> Shape:
    """The output shape of einops.einsum on operands of these shapes."""
    lefts, right = parse_einsum(pattern)
    if len(shapes) > len(lefts):
        raise pattern_error("einsum(): more operands were provided than specified in the "
                            "equation")
    if len(shapes) < len(lefts):
        raise pattern_error("einsum(): fewer operands were provided than specified in the "
                            "equation")
    if any(not s.known_rank for s in shapes):
        raise NotKnown("einsum of a tensor of unknown rank")
    sizes: dict = {}
    ellipses = []
    for operand, (side, shape) in enumerate(zip(lefts, shapes)):
        groups = side.composition
        count = sum(1 for g in groups if g != ELLIPSIS)
        dims = list(shape.dims)
        if side.has_ellipsis:
            if count > len(dims):
                raise LayerFault(SHP103, f"einsum(): the number of subscripts in the equation "
                                 f"({count}) is more than the number of dimensions "
                                 f"({len(dims)}) for operand {operand}")
            at = groups.index(ELLIPSIS)
            covered = len(dims) - count
            ellipses.append(Shape(tuple(dims[at:at + covered])))
            dims = dims[:at] + dims[at + covered:]
            groups = groups[:at] + groups[at + 1:]
        elif count != len(dims):
            raise LayerFault(SHP103, f"einsum(): the number of subscripts in the equation "
                             f"({count}) does not match the number of dimensions "
                             f"({len(dims)}) for operand {operand} and no ellipsis was given")
        own: dict = {}
        for group, d in zip(groups, dims):
            label = group[0]
            if label in own:
                if same(own[label], d) is False:
                    raise LayerFault(SHP107, f"einsum(): subscript {label} is repeated for "
                                     f"operand {operand} but the sizes don't match, {d} != "
                                     f"{own[label]}")
                continue
            own[label] = d
        for label, d in own.items():
            sizes[label] = _merge(sizes.get(label), d, label, operand)
    try:
        covered = broadcast(*ellipses).dims if ellipses else ()
    except LayerFault:
        raise LayerFault(SHP107, "einsum(): dimensions covered by ellipsis do not broadcast: "
                         + ", ".join(str(e) for e in ellipses)) from None
    out = []
    for group in right.composition:
        out.extend(covered if group == ELLIPSIS else [sizes[group[0]]])
    return Shape(tuple(out))
