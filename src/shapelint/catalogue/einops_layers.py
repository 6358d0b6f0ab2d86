"""The einops layers as catalogue entries: Rearrange, Reduce and EinMix of einops.layers.torch
and einops.layers.keras (einops/layers/__init__.py, _einmix.py).

Rearrange and Reduce build no weights; their constructors prepare the pattern for every rank
they will accept (the pattern's own, or with an ellipsis that rank plus 0..7 dims), so pattern
errors are raised when the layer is built and a rank it did not prepare fails when it is called
(a KeyError in einops). EinMix creates a weight of the weight_shape axes and, with bias_shape,
a bias over the output axes (1 for those it does not name); its forward is a Rearrange to the
flat input axes, an einsum with the weight, the bias added, and a Rearrange to the output.
These entries live apart from the torch.nn and keras.layers catalogues, since neither holds
them; frameworks/einops_api.py builds layer objects from them.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass

from ..domain.codes import SHP103, SHP106, SHP107
from ..domain.dims import NotKnown, is_known
from ..domain.shapes import Shape, product
from . import Entry, LayerFault, Rule
from .einops_einsum import einsum
from .einops_patterns import (ELLIPSIS, check_pattern, minimal_rank, names, parse,
                              pattern_error, split, transform)

_PREPARED_ELLIPSIS_DIMS = 8  # einops' _prepare_recipes_for_all_dims: range(8)


def shown(type_name: str, pattern, extra: dict) -> str:
    """A layer as einops' __repr__ shows it: Rearrange('b (h p) -> b h p', p=2)."""
    return f"{type_name}(" + ", ".join([repr(pattern)] + [
        repr(v) if k == "reduction" else f"{k}={v}" for k, v in extra.items()]) + ")"


def _prefix(type_name: str, pattern, extra: dict, fault: LayerFault) -> LayerFault:
    return LayerFault(fault.code, f"Error while preparing {shown(type_name, pattern, extra)}: "
                      f"{fault.message}", **fault.data)


def layer_output(type_name: str, x: Shape, pattern, operation, axes_lengths: dict) -> Shape:
    """What a Rearrange/Reduce layer returns for an input of shape x."""
    extra = axes_lengths if type_name != "Reduce" else {"reduction": operation, **axes_lengths}
    layer = shown(type_name, pattern, extra)
    if not x.known_rank:
        raise NotKnown(f"{type_name} on a tensor of unknown rank")
    lowest = minimal_rank(pattern)
    highest = lowest + (_PREPARED_ELLIPSIS_DIMS - 1 if parse(split(pattern)[0]).has_ellipsis
                        else 0)
    rank = len(x.dims)
    if not lowest <= rank <= highest:
        expected = f"{lowest}" if lowest == highest else f"{lowest} to {highest}"
        raise LayerFault(SHP103, f"{layer} prepared recipes for {expected}-dim "
                         f"inputs only; on the {rank}-dim input {x} einops raises KeyError: "
                         f"{rank}", expected=expected, received=rank)
    try:
        return Shape(transform(x.dims, pattern, operation, axes_lengths))
    except LayerFault as fault:
        raise LayerFault(fault.code, f"{layer} on {x}: {fault.message}",
                         **fault.data) from None


def rearrange_layer(pattern, **axes_lengths):
    """einops.layers.*.Rearrange: no weights."""
    try:
        check_pattern(pattern, "rearrange", tuple(axes_lengths))
    except LayerFault as fault:
        raise _prefix("Rearrange", pattern, axes_lengths, fault) from None
    return Rule(output=lambda x: layer_output("Rearrange", x, pattern, "rearrange",
                                              axes_lengths))


def reduce_layer(pattern, reduction, **axes_lengths):
    """einops.layers.*.Reduce: no weights."""
    if not isinstance(reduction, str):
        raise NotKnown("the reduction is not a known name")
    try:
        check_pattern(pattern, reduction, tuple(axes_lengths))
    except LayerFault as fault:
        raise _prefix("Reduce", pattern, {"reduction": reduction, **axes_lengths},
                      fault) from None
    return Rule(output=lambda x: layer_output("Reduce", x, pattern, reduction, axes_lengths))


# -- EinMix ------------------------------------------------------------------------------------

def _flat(groups) -> list:
    out = []
    for group in groups:
        out.extend("..." if a == ELLIPSIS else a for a in
                   ((ELLIPSIS,) if group == ELLIPSIS else group))
    return out


@dataclass(frozen=True)
class EinMixPlan:
    pattern: str
    pre: tuple | None  # (pattern, lengths) of the Rearrange before the einsum
    einsum: str  # in einops' syntax, over the user's axis names
    post: str | None
    weight: tuple  # the weight's dims
    bias: tuple | None
    in_place: bool  # torch adds the bias in place (result += bias), Keras does not

    def params(self) -> int:
        dims = self.weight + (self.bias or ())
        if not all(is_known(d) and d >= 0 for d in dims):
            raise NotKnown("an EinMix axis length is not known")
        return product(self.weight) + (product(self.bias) if self.bias is not None else 0)

    def output(self, x: Shape) -> Shape:
        if not x.known_rank:
            raise NotKnown("EinMix on a tensor of unknown rank")
        if self.pre is not None:
            x = layer_output("Rearrange", x, self.pre[0], "rearrange", self.pre[1])
        try:
            out = einsum([x, Shape(self.weight)], self.einsum)
        except LayerFault as fault:
            code = SHP106 if fault.code is SHP107 else fault.code
            raise LayerFault(code, f"EinMix({self.pattern!r}) on {x}: {fault.message}",
                             **fault.data) from None
        if self.bias is not None:
            out = self._add_bias(out)
        if self.post is not None:
            out = layer_output("Rearrange", out, self.post, "rearrange", {})
        return out

    def _add_bias(self, out: Shape) -> Shape:
        dims = list(out.dims)
        if len(self.bias) > len(dims):
            raise LayerFault(SHP106, f"EinMix({self.pattern!r}): the bias {self.bias} has more "
                             f"dims than the output {out}")
        for i, b in enumerate(self.bias, len(dims) - len(self.bias)):
            r = dims[i]
            if is_known(b) and b != 1 and is_known(r) and r != b:
                if r != 1 or self.in_place:
                    raise LayerFault(SHP106, f"EinMix({self.pattern!r}): the bias of shape "
                                     f"{self.bias} does not fit the output {out}")
                dims[i] = b
        return Shape(tuple(dims))


def einmix_plan(pattern, weight_shape, bias_shape, axes_lengths: dict,
                in_place: bool) -> EinMixPlan:
    """_EinmixMixin.initialize_einmix: its errors in its order, the shapes it creates."""
    if not isinstance(weight_shape, str) or not (bias_shape is None or
                                                 isinstance(bias_shape, str)):
        raise NotKnown("the EinMix weight or bias shape is not a known string")
    left_text, right_text = split(pattern)
    left, right, weight = parse(left_text), parse(right_text), parse(weight_shape)
    unrecognized = right.identifiers - left.identifiers - weight.identifiers
    if unrecognized:
        raise pattern_error(f"Unrecognized identifiers on the right side of EinMix "
                            f"{names(unrecognized)}")
    if weight.has_ellipsis:
        raise pattern_error("Ellipsis is not supported in weight, as its shape should be "
                            "fully specified")
    if left.has_ellipsis or right.has_ellipsis:
        if not (left.has_ellipsis and right.has_ellipsis):
            raise pattern_error(f"Ellipsis in EinMix should be on both sides, {pattern}")
        if left.ellipsis_parenthesized:
            raise pattern_error(f"Ellipsis on left side can't be in parenthesis, got {pattern}")
    if left.anonymous or right.anonymous or weight.anonymous:
        raise pattern_error("Anonymous axes (numbers) are not allowed in EinMix")
    if "(" in weight_shape or ")" in weight_shape:
        raise pattern_error(f"Parenthesis is not allowed in weight shape: {weight_shape}")
    pre = post = None
    flat_left, flat_right = _flat(left.composition), _flat(right.composition)
    if any(g != ELLIPSIS and len(g) != 1 for g in left.composition):
        lengths = {k: v for k, v in axes_lengths.items() if k in flat_left}
        pre = (f"{left_text}-> {' '.join(flat_left)}", lengths)
        check_pattern(pre[0], "rearrange", tuple(lengths))
    if any(g != ELLIPSIS and len(g) != 1 for g in right.composition) or \
            right.ellipsis_parenthesized:
        post = f"{' '.join(flat_right)} ->{right_text}"
        check_pattern(post, "rearrange", ())
    for axis in sorted(weight.identifiers):
        if axis not in axes_lengths:
            raise pattern_error(f"Dimension {axis} of weight should be specified")
    unused = set(axes_lengths) - left.identifiers - weight.identifiers
    if unused:
        raise pattern_error(f"Axes {names(unused)} are not used in pattern")
    redundant = weight.identifiers - left.identifiers - right.identifiers
    if redundant:
        raise pattern_error(f"Weight axes {names(redundant)} are redundant")
    if any(len(g) != 1 for g in weight.composition):
        raise NotKnown("a weight shape with an empty axis")  # einops fails unpacking it
    weight_dims = tuple(axes_lengths[g[0]] for g in weight.composition)
    bias_dims = None
    if bias_shape is not None:
        bias_dims = _bias(parse(bias_shape), right, axes_lengths)
    formula = f"{' '.join(flat_left)}, {weight_shape} -> {' '.join(flat_right)}"
    return EinMixPlan(pattern, pre, formula, post, weight_dims, bias_dims, in_place)


def _bias(bias, right, axes_lengths: dict) -> tuple:
    outside = bias.identifiers - right.identifiers
    if outside:
        raise pattern_error(f"Bias axes {names(outside)} not present in output")
    unsized = bias.identifiers - set(axes_lengths)
    if unsized:
        raise pattern_error(f"Sizes not provided for bias axes {names(unsized)}")
    dims, nontrivial = [], False
    for group in right.composition:
        for axis in (ELLIPSIS,) if group == ELLIPSIS else group:
            if axis == ELLIPSIS:
                if nontrivial:
                    raise pattern_error("all bias dimensions should go after ellipsis in the "
                                        "output")
            elif axis in bias.identifiers:
                dims.append(axes_lengths[axis])
                nontrivial = True
            else:
                dims.append(1)
    return tuple(dims)


def _einmix(in_place: bool):
    def einmix(pattern, weight_shape, bias_shape=None, **axes_lengths):
        """einops.layers.*.EinMix: weight (and bias) as einops creates them."""
        try:
            plan = einmix_plan(pattern, weight_shape, bias_shape, axes_lengths, in_place)
        except LayerFault as fault:
            raise LayerFault(fault.code, f"EinMix({pattern!r}, {weight_shape!r}): "
                             f"{fault.message}", **fault.data) from None
        return Rule(output=plan.output, params=lambda x: plan.params(), tags=frozenset())
    return einmix


def _entry(framework: str, type_name: str, factory) -> Entry:
    return Entry(framework, type_name, factory, inspect.signature(factory))


ENTRIES = {
    "torch": {"Rearrange": _entry("torch", "Rearrange", rearrange_layer),
              "Reduce": _entry("torch", "Reduce", reduce_layer),
              "EinMix": _entry("torch", "EinMix", _einmix(in_place=True))},
    "keras": {"Rearrange": _entry("keras", "Rearrange", rearrange_layer),
              "Reduce": _entry("keras", "Reduce", reduce_layer),
              "EinMix": _entry("keras", "EinMix", _einmix(in_place=False))},
}
