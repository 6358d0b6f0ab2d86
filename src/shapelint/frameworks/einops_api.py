"""einops as the interpreter sees it: its functions (rearrange, repeat, reduce, einsum, pack,
unpack, parse_shape) on torch tensors and Keras tensors, and its layers (einops.layers.torch
and einops.layers.keras Rearrange, Reduce, EinMix) as layer objects of either framework.

einops is never imported: the shapes come from catalogue/einops_*.py, which read patterns as
einops does. A fault (an error einops or torch raises for every input) is recorded where the
call is, as torch ops record theirs; on a tensor of unknown rank only the errors the pattern
raises whatever the rank are.
"""
from __future__ import annotations

from ..domain.dims import NotKnown, Unknown
from ..domain.shapes import AFTER_ERROR, Shape

ROOT = "einops."
_FUNCTION_MODULES = ("einops", "einops.einops", "einops.packing")
_LAYER_MODULES = {"einops.layers.torch": "torch", "einops.layers.keras": "keras",
                  "einops.layers.tensorflow": "keras"}
FUNCTIONS = ("rearrange", "repeat", "reduce", "einsum", "pack", "unpack", "parse_shape")
LAYERS = ("Rearrange", "Reduce", "EinMix")


def knows(name: str) -> bool:
    module, _, last = name.rpartition(".")
    return (module in _FUNCTION_MODULES and last in FUNCTIONS) or (
        module in _LAYER_MODULES and last in LAYERS)


def call(interp, name: str, args, kwargs, node):
    module, _, last = name.rpartition(".")
    if module in _LAYER_MODULES and last in LAYERS:
        try:
            return _make_layer(interp, _LAYER_MODULES[module], last, args, kwargs, node)
        except Exception:  # noqa: BLE001 - arguments we cannot read: a layer we cannot know
            return Unknown(f"{name}(...) with arguments shapelint cannot read", opaque=True)
    if module in _FUNCTION_MODULES and last in FUNCTIONS:
        try:
            return _FUNCTIONS[last](interp, list(args), dict(kwargs), node)
        except Exception as why:  # noqa: BLE001 - arguments we cannot read: unknown
            return Unknown(f"einops.{last}(): {getattr(why, 'reason', 'arguments not read')}")
    return Unknown(f"{name}() is outside the analysis", opaque=True)


def _make_layer(interp, framework: str, type_name: str, args, kwargs, node):
    from ..catalogue.einops_layers import ENTRIES
    from .layers import make_layer_object
    entry = ENTRIES[framework][type_name]
    path, line, col = interp.position(node)
    if framework == "torch":
        from .torch import TorchLayer
        return make_layer_object(TorchLayer, "torch", type_name, args, kwargs, type_name, path,
                                 line, col, entry=entry)
    from .keras_values import KerasLayer, to_snake_case
    own = kwargs.get("name")  # an axis length to einops, but Keras would name the layer so
    name = own if isinstance(own, str) else interp.state.unique_name(to_snake_case(type_name))
    layer = make_layer_object(KerasLayer, "keras", type_name, args, kwargs, name, path, line,
                              col, entry=entry)
    layer.activation = None
    return layer


# -- applying a shape rule to the tensors of either framework --------------------------------

def _framework(values) -> str | None:
    from .keras_values import KerasTensor
    from .torch import TorchTensor
    if values and all(isinstance(v, TorchTensor) for v in values):
        return "torch"
    if values and all(isinstance(v, KerasTensor) for v in values):
        return "keras"
    return None


def _run(interp, what: str, tensors: list, rule, node):
    """rule(list of Shapes) -> Shape, as a torch tensor or a Keras operation node."""
    framework = _framework(tensors)
    if framework is None:
        return Unknown(f"{what} of a value that is not a known tensor")
    shapes = [t.shape for t in tensors]
    if framework == "keras":
        from ..catalogue import Rule
        from .keras_values import TensorOp
        path, line, col = interp.position(node)
        op = TensorOp(what, what, path, line, col, rule=Rule(output=rule, multi_input=True))
        return op.shapelint_call(interp, (tensors,), {}, node)
    from ..catalogue import LayerFault
    from .torch import TorchTensor
    from .torch_values import record_fault
    if any(not s.known_rank and s.reason == AFTER_ERROR for s in shapes):
        return TorchTensor(Shape.unknown(AFTER_ERROR))
    try:
        return TorchTensor(rule(shapes))
    except LayerFault as fault:
        record_fault(interp, fault, node, what)
        return TorchTensor(Shape.unknown(AFTER_ERROR))
    except NotKnown as why:
        return TorchTensor(Shape.unknown(why.reason))
    except Exception:  # noqa: BLE001 - arguments we cannot read make the result unknown
        return TorchTensor(Shape.unknown(f"{what}() arguments not understood"))


def _take(args: list, kwargs: dict, *names):
    """Positional-or-keyword parameters in order; missing ones are a TypeError in Python."""
    out = []
    for name in names:
        if args:
            out.append(args.pop(0))
        elif name in kwargs:
            out.append(kwargs.pop(name))
        else:
            raise TypeError(name)
    if args:
        raise TypeError("too many positional arguments")
    return out


def _transform(operation: str):
    def function(interp, args, kwargs, node):
        from ..catalogue.einops_patterns import check_pattern, keyword_names_ok, transform
        from ..catalogue.torch_functional import stack
        if operation == "reduce":
            tensor, pattern, reduction = _take(args, kwargs, "tensor", "pattern", "reduction")
        else:
            (tensor, pattern), reduction = _take(args, kwargs, "tensor", "pattern"), operation
        keyword_names_ok(kwargs)
        if not isinstance(reduction, str):
            raise NotKnown("the reduction is not a known name")
        tensors = tensor if isinstance(tensor, list) else [tensor]
        stacked = isinstance(tensor, list)  # einops stacks a list (not a tuple) of tensors
        shape = getattr(tensor, "shape", None)
        if isinstance(shape, Shape) and shape.is_partial and isinstance(pattern, str):
            from .torch_partial import pattern_facts
            pattern_facts(interp, shape, pattern)

        def rule(shapes):
            x = stack(shapes) if stacked else shapes[0]
            if not x.known_rank:  # only what the pattern raises whatever the rank
                _explained(lambda: check_pattern(pattern, reduction, tuple(kwargs)),
                           pattern, reduction, x, kwargs)
                raise NotKnown(f"einops.{operation} on a tensor of unknown rank")
            return Shape(_explained(lambda: transform(x.dims, pattern, reduction, kwargs),
                                    pattern, reduction, x, kwargs))
        return _run(interp, f"einops.{operation}", tensors, rule, node)
    return function


def _explained(compute, pattern, reduction, x: Shape, axes_lengths: dict):
    """compute(), its faults worded as einops words them (einops.reduce's except clause, on
    one line)."""
    from ..catalogue import LayerFault
    try:
        return compute()
    except LayerFault as fault:
        lengths = "{" + ", ".join(f"{k!r}: {v}" for k, v in axes_lengths.items()) + "}"
        raise LayerFault(fault.code, f'Error while processing {reduction}-reduction pattern '
                         f'"{pattern}". Input tensor shape: {x}. Additional info: {lengths}. '
                         f'{fault.message}', **fault.data) from None


def _einsum(interp, args, kwargs, node):
    from ..catalogue.einops_einsum import einsum
    if kwargs or len(args) < 2 or not isinstance(args[-1], str):
        raise NotKnown("einsum arguments")
    pattern = args[-1]
    result = _run(interp, "einops.einsum", args[:-1], lambda shapes: einsum(shapes, pattern),
                  node)
    if _framework(args[:-1]) == "torch":  # einops runs torch.einsum: its FLOPs are torch's
        from . import torch_op_log
        equation = _torch_equation(pattern)
        if equation is not None:
            torch_op_log.record(interp, "einsum", [equation] + [t.shape for t in args[:-1]], {},
                                node, result)
    return result


def _torch_equation(pattern: str) -> str | None:
    """einops' "b t e, b s e -> b t s" as torch's "abc,adc->abd" (einops names each axis
    with a letter the same way); None for a pattern this does not read."""
    letters: dict = {}
    sides = []
    for side in pattern.split("->"):
        terms = []
        for term in side.split(","):
            names = term.split()
            if not all(n == "..." or n.isidentifier() for n in names):
                return None
            for n in names:
                if n != "...":
                    letters.setdefault(n, chr(ord("a") + len(letters)))
            terms.append("".join("..." if n == "..." else letters[n] for n in names))
        sides.append(",".join(terms))
    return "->".join(sides) if len(sides) == 2 and len(letters) <= 26 else None


def _parse_shape(interp, args, kwargs, node):
    from ..catalogue.einops_patterns import parse_shape
    x, pattern = _take(args, kwargs, "x", "pattern")
    framework = _framework([x])
    if framework != "torch":  # a Keras tensor's dict holds None for every unknown size
        raise NotKnown("parse_shape of a value that is not a known torch tensor")
    found = {}

    def rule(shapes):
        found.update(parse_shape(shapes[0].dims, pattern))
        return shapes[0]
    checked = _run(interp, "einops.parse_shape", [x], rule, node)
    if not checked.shape.known_rank:
        return Unknown("parse_shape: " + (checked.shape.reason or "unknown"))
    return found


def _pack(interp, args, kwargs, node):
    from ..catalogue.einops_packing import pack
    tensors, pattern = _take(args, kwargs, "tensors", "pattern")
    if not isinstance(tensors, (list, tuple)) or _framework(list(tensors)) != "torch":
        raise NotKnown("pack of values that are not known torch tensors")
    shapes = {}

    def rule(given):
        out, shapes["packed"] = pack(given, pattern)
        return out
    packed = _run(interp, "einops.pack", list(tensors), rule, node)
    return packed, shapes.get("packed", Unknown("packed shapes not known"))


def _unpack(interp, args, kwargs, node):
    from ..catalogue.einops_packing import unpack
    from .torch import TorchTensor
    tensor, packed_shapes, pattern = _take(args, kwargs, "tensor", "packed_shapes", "pattern")
    if _framework([tensor]) != "torch":
        raise NotKnown("unpack of a value that is not a known torch tensor")
    outs = {}

    def rule(given):
        outs["all"] = unpack(given[0], packed_shapes, pattern)
        return given[0]
    checked = _run(interp, "einops.unpack", [tensor], rule, node)
    if "all" not in outs:
        return Unknown("unpack: " + (checked.shape.reason or "unknown"))
    return [TorchTensor(s) for s in outs["all"]]


_FUNCTIONS = {"rearrange": _transform("rearrange"), "repeat": _transform("repeat"),
              "reduce": _transform("reduce"), "einsum": _einsum, "pack": _pack,
              "unpack": _unpack, "parse_shape": _parse_shape}
