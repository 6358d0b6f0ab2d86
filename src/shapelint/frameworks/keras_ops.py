"""keras.ops (and keras.activations) on symbolic tensors: stateless operations, as Keras 3
records them in a functional graph (keras/src/ops/operation.py): a node without weights whose
inputs are every KerasTensor of the call's arguments.

An op whose shape rule is below gives its output shape; any other op on tensors still gives a
tensor, of unknown shape, linked to its inputs, so the layers before and after it stay in the
graph and what depends on its shape is unknown, never guessed. Ops that take functions (cond,
while_loop, scan...) may run layers shapelint does not see: their result is opaque.

A rule here never reports a fault: what Keras would reject leaves the shape unknown (the lint
path reports only what it is sure of, and these rules are not checked against every backend's
error)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..catalogue import LayerFault, Rule
from ..catalogue.keras_ops_rules import (CONTROL as _CONTROL, MAKERS as _MAKERS, RULES,
                                         SAME as _SAME, getitem as _getitem,
                                         shape_of as _shape_of)
from ..domain.dims import NotKnown, Unknown, is_known
from ..domain.shapes import Shape
from .keras_calls import Slot
from .keras_values import KerasTensor, TensorOp


# -- constants: tensors made from sizes alone, or from a weight ------------------------------

@dataclass(frozen=True)
class Constant:
    """A tensor that no input flows into (ops.arange(n), ops.ones(shape), a weight cast)."""
    shape: Shape
    # (path, line, col) of the statement that made it (keras_eager_merge names it)
    made_at: tuple | None = field(default=None, compare=False)

    def shapelint_attribute(self, interp, name):
        if name == "shape":
            return tuple(self.shape.dims) if self.shape.known_rank else \
                Unknown("shape of unknown rank")
        if name == "ndim":
            return self.shape.rank if self.shape.known_rank else Unknown("unknown rank")
        return Unknown(f"tensor.{name} is outside the analysis")

    def shapelint_binary(self, interp, fn, left, right):
        return tensor_binary(interp, fn, left, right)

    def __neg__(self):
        return self

    def shapelint_compare(self, interp, left, right):
        return apply_op(interp, "less", (left, right), {})

    def shapelint_getitem(self, interp, key):
        try:
            return Constant(_safe(_getitem, (self.shape, key), {}))
        except NotKnown as why:  # a key or a shape not read: unknown, never the file's error
            return Unknown(why.reason)


def _made(name, args, kwargs) -> Shape:
    if name == "arange":
        given = [a for a in args[:3]] or [kwargs.get("start")]
        start, stop, step = (0, given[0], 1) if len(given) == 1 else \
            (given[0], given[1], given[2] if len(given) > 2 else 1)
        start, stop = kwargs.get("start", start), kwargs.get("stop", stop)
        step = kwargs.get("step", step)
        if stop is None:
            start, stop = 0, start
        if all(isinstance(v, int) for v in (start, stop, step)) and step:
            return Shape((len(range(start, stop, step)),))
        if isinstance(start, int) and start == 0 and isinstance(step, int) and step == 1:
            return Shape((stop,))
        return Shape((Unknown("arange length not known"),))
    if name in ("eye", "identity", "tri"):
        n = args[0] if args else kwargs.get("N", kwargs.get("n"))
        m = args[1] if len(args) > 1 else kwargs.get("M")
        return Shape((n, n if m is None else m))
    shape = args[0] if args else kwargs.get("shape")
    if isinstance(shape, (tuple, list)):
        return Shape(tuple(shape))
    if isinstance(shape, int) or is_known(shape):
        return Shape((shape,))
    raise NotKnown(f"{name}() of a shape that is not known")


# -- the call -------------------------------------------------------------------------------

def _hollow(value, tensors: list, kind, depth=0):
    """The argument with each symbolic tensor replaced by a Slot, each constant by its Shape."""
    if isinstance(value, kind):
        tensors.append(value)
        return Slot(len(tensors) - 1)
    if isinstance(value, Constant):
        return value.shape
    if type(value).__name__ in ("Weight", "ArrayValue"):
        return _shape_of(value)
    if isinstance(value, (list, tuple)) and depth < 6:
        items = [_hollow(v, tensors, kind, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict) and depth < 6:
        return {k: _hollow(v, tensors, kind, depth + 1) for k, v in value.items()}
    return value


def _nested_shape(value, depth=0) -> Shape:
    """The shape of a tensor made from Python numbers and (nested) lists of them."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) or isinstance(
            value, bool):
        return Shape(())
    if isinstance(value, (list, tuple)) and value and depth < 6:
        inner = [_nested_shape(v, depth + 1) for v in value]
        if all(s.known_rank for s in inner) and all(s.dims == inner[0].dims for s in inner):
            return Shape((len(value),) + tuple(inner[0].dims))
    shape = _shape_of(value) if not isinstance(value, (list, tuple)) else None
    return shape if shape is not None else Shape.unknown("a tensor made from unknown values")


def _has_shape(value, depth=0) -> bool:
    if isinstance(value, Shape):
        return True
    if isinstance(value, (list, tuple)) and depth < 6:
        return any(_has_shape(v, depth + 1) for v in value)
    if isinstance(value, dict) and depth < 6:
        return any(_has_shape(v, depth + 1) for v in value.values())
    return False


def _put(value, shapes, depth=0):
    if isinstance(value, Slot):
        return shapes[value.index]
    if isinstance(value, (list, tuple)) and depth < 6:
        items = [_put(v, shapes, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict) and depth < 6:
        return {k: _put(v, shapes, depth + 1) for k, v in value.items()}
    return value


def _safe(rule, args, kwargs) -> Shape:
    try:
        out = rule(*args, **kwargs)
    except NotKnown as why:
        raise NotKnown(why.reason)
    except (LayerFault, TypeError, ValueError, IndexError, ArithmeticError, AttributeError):
        raise NotKnown("an operation whose arguments shapelint cannot read")
    if isinstance(out, Shape):
        return out
    if isinstance(out, (list, tuple)) and out and all(isinstance(s, Shape) for s in out):
        return list(out)
    raise NotKnown("an operation whose result shapelint cannot read")


def _opaque(value, depth=0) -> str:
    """The reason of an opaque Unknown (code not read, which may hide a tensor) in a value."""
    if isinstance(value, Unknown):
        return value.reason if value.opaque else ""
    if depth > 6:
        return ""
    if isinstance(value, (list, tuple)):
        return next((r for r in (_opaque(v, depth + 1) for v in value) if r), "")
    if isinstance(value, dict):
        return next((r for r in (_opaque(v, depth + 1) for v in value.values()) if r), "")
    return ""


# -- arithmetic on tensors and constants ----------------------------------------------------

def broadcast(shapes: list) -> Shape:
    """NumPy broadcasting of full shapes (batch axis included), as keras.ops does."""
    rank = max(len(s) for s in shapes)
    dims = []
    for i in range(rank):
        sizes = [s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0]
        known = {d for d in sizes if is_known(d) and d != 1}
        if len(known) > 1:
            from ..catalogue import LayerFault
            from ..domain.codes import SHP107
            raise LayerFault(SHP107, "operands of shapes " + ", ".join(str(s) for s in shapes)
                             + " cannot be broadcast together")
        rest = [d for d in sizes if not (is_known(d) and d == 1)]
        if known:
            dims.append(known.pop())
        elif not rest:
            dims.append(1)
        elif all(d == rest[0] for d in rest):
            dims.append(rest[0])
        else:
            dims.append(Unknown("broadcast of unknown sizes"))
    return Shape(tuple(dims))


def tensor_binary(interp, fn, left, right):
    operands = [left, right]
    tensors = [t for t in operands if isinstance(t, KerasTensor)]
    consts = []
    for value in operands:
        if isinstance(value, KerasTensor):
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            consts.append(Shape(()))
        elif hasattr(value, "shape") and isinstance(value.shape, tuple):
            consts.append(Shape(tuple(value.shape)))
        elif isinstance(getattr(value, "shape", None), Shape):
            consts.append(value.shape)  # a constant tensor (keras_ops.Constant)
        else:
            return Unknown("arithmetic of a tensor with an unknown value")
    if not tensors:  # constants only (weights, keras.ops.arange...): a constant again
        if not all(c.known_rank for c in consts):
            return Constant(Shape.unknown("operand of unknown rank"))
        try:
            return Constant(broadcast(consts))
        except Exception:  # noqa: BLE001 - a fault between constants is not followed here
            return Unknown("arithmetic of constants that do not broadcast")

    def output(shapes):
        shapes = list(shapes) + consts
        if not all(s.known_rank for s in shapes):
            raise NotKnown("operand of unknown rank")
        return broadcast(shapes)
    op = TensorOp(getattr(fn, "__name__", "op"), getattr(fn, "__name__", "op"), "", 0, 0,
                  rule=Rule(output=output, multi_input=True))
    return op.shapelint_call(interp, (tensors,), {}, None)


def _takes_function(value) -> bool:
    from ..interpreter.values import BoundMethod, Builtin, Function
    return isinstance(value, (Function, BoundMethod, Builtin)) or (
        hasattr(value, "shapelint_call") and not hasattr(value, "shape"))


def apply_op(interp, name: str, args, kwargs, node=None):
    """keras.ops.<name>(*args, **kwargs) on the interpreter's values."""
    if name in _CONTROL or any(_takes_function(v) for v in list(args) + list(kwargs.values())):
        return Unknown(f"keras.ops.{name}() runs functions shapelint does not follow",
                       opaque=True)
    hidden = _opaque((list(args), kwargs))
    if hidden:
        return Unknown(hidden, opaque=True)
    if name == "shape":
        x = args[0] if args else kwargs.get("x")
        shape = _shape_of(x) if not isinstance(x, KerasTensor) else x.shape
        if shape is None or not shape.known_rank:
            return Unknown("the shape of a tensor of unknown rank")
        return tuple(shape.dims)
    tensors: list = []
    form_args = tuple(_hollow(v, tensors, KerasTensor) for v in args)
    form_kwargs = {k: _hollow(v, tensors, KerasTensor) for k, v in kwargs.items()}
    rule = RULES.get(name)
    if not tensors:
        if name in _MAKERS:
            try:
                return Constant(_made(name, args, kwargs))
            except NotKnown as why:
                return Constant(Shape.unknown(why.reason))
        if name in ("convert_to_tensor", "array", "asarray") and args:
            made_at = interp.position(node) if interp is not None and node is not None \
                else None
            return Constant(_nested_shape(args[0]), made_at)
        first = form_args[0] if form_args else None
        numeric = isinstance(first, (int, float)) and not isinstance(first, bool)
        if rule is not None and (numeric or _has_shape(form_args) or _has_shape(form_kwargs)):
            try:
                return Constant(_safe(rule, form_args, form_kwargs))
            except NotKnown as why:
                return Constant(Shape.unknown(why.reason))
        unknown = next((v for v in list(args) + list(kwargs.values())
                        if isinstance(v, Unknown)), None)
        if unknown is not None:
            return Unknown(f"keras.ops.{name}() of an unknown value ({unknown.reason})")
        return Unknown(f"keras.ops.{name}() of values that are not tensors")

    def output(shapes):
        if rule is None:
            raise NotKnown(f"the shape keras.ops.{name}() gives is not modelled")
        return _safe(rule, _put(form_args, shapes), _put(form_kwargs, shapes))
    op = TensorOp(name, name, "", 0, 0, rule=Rule(output=output, multi_input=True))
    return op.shapelint_call(interp, (tensors,), {}, node)


def as_output(interp, value, inputs: list):
    """A layer's call() returning a constant (ops.broadcast_to(weight, shape)): Keras makes
    the layer's output a symbolic tensor of that shape, produced by the layer from its
    inputs; a weightless node standing for it."""
    if not isinstance(value, Constant) or not inputs:
        return value
    shape = value.shape
    op = TensorOp("constant", "constant", "", 0, 0,
                  rule=Rule(output=lambda shapes: shape, multi_input=True))
    return op.shapelint_call(interp, (list(inputs),), {}, None)


def constant_tensor(value: Constant):
    """A constant as a symbolic tensor that no layer produces (a layer called on
    ops.arange(n) inside call() is built for its shape, and gains no upstream layers)."""
    from ..domain.graph import LayerNode
    made = TensorOp("constant", "constant", "", 0, 0,
                    rule=Rule(output=lambda shapes: value.shape, multi_input=True))
    made.built = True
    node = LayerNode(made, "constant", "constant", "", 0, 0, output_shape=value.shape)
    node.made_at = value.made_at
    return KerasTensor(node)


def tensors_for_constants(value, depth=0):
    """A layer call's first argument with each constant made a symbolic tensor."""
    if isinstance(value, Constant):
        return constant_tensor(value)
    if isinstance(value, (list, tuple)) and depth < 3:
        items = [tensors_for_constants(v, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    return value


def _weighs(node) -> bool:
    """Could this application hold weights? Operations and weightless catalogue layers
    (Dropout, Softmax, Add...) cannot."""
    from ..catalogue import _zero
    layer = node.layer
    if node.is_input or isinstance(layer, TensorOp):
        return False
    rule = getattr(layer, "rule", None)
    plain = type(layer).__name__ == "KerasLayer" and getattr(layer, "model", None) is None
    return not (plain and rule is not None and rule.params is _zero and rule.frozen is _zero)


def join_tensors(values: list):
    """Symbolic tensors from the branches of an undecided condition. When the branches apply
    the same layers that hold weights (they differ only by operations, as a fused kernel and
    its plain fallback do), the weights are the same whichever runs: one tensor, of the
    sizes the branches agree on, depending on all of them. Otherwise nothing is joined."""
    from ..domain.graph import LayerNode, upstream
    if not all(isinstance(v, KerasTensor) for v in values):
        return NotImplemented
    weighted = [{id(n) for n in upstream([v.node]) if _weighs(n)} for v in values]
    if any(w != weighted[0] for w in weighted[1:]):
        return NotImplemented
    shapes = [v.shape for v in values]
    if all(s.known_rank for s in shapes) and len({s.rank for s in shapes}) == 1:
        dims = tuple(d if all(_same_dim(d, s[i]) for s in shapes) else
                     Unknown("sizes differ between branches")
                     for i, d in enumerate(shapes[0][:]))
        joined = Shape(dims)
    else:
        joined = Shape.unknown("ranks differ between branches")
    made = TensorOp("join", "join", "", 0, 0,
                    rule=Rule(output=lambda _shapes: joined, multi_input=True))
    made.built = True
    node = LayerNode(made, "join", "join", "", 0, 0, inputs=[v.node for v in values],
                     input_shapes=shapes, output_shape=joined)
    return KerasTensor(node)


def _same_dim(a, b) -> bool:
    from ..interpreter.values import same_value
    return a is b or same_value(a, b) or (is_known(a) and is_known(b) and a == b)


def _activation(identifier):
    """keras.activations.get(x): a named activation (elementwise, no weights), or the
    callable given; anything else is not followed."""
    from ..interpreter.values import Builtin
    if identifier is None:
        identifier = "linear"
    if isinstance(identifier, str) and identifier in _SAME:
        return Builtin(f"keras.activations.{identifier}",
                       lambda i, a, kw, n: apply_op(i, identifier, tuple(a), dict(kw), n))
    if _takes_function(identifier):
        return identifier
    from ..interpreter.values import Ref
    from . import canonical
    if isinstance(identifier, Ref) and canonical(identifier.qualname).split(".")[:2] in (
            ["keras", "ops"], ["keras", "activations"]):
        return identifier  # ops.silu: called later as the op itself
    return Unknown("an activation that is not known", opaque=True)


def call(interp, name: str, args, kwargs, node):
    """keras.ops.X, keras.ops.numpy.X, keras.ops.nn.X..., keras.activations.X."""
    short = name.rsplit(".", 1)[-1]
    if name.startswith("keras.activations.") and short in ("get", "deserialize"):
        return _activation(args[0] if args else kwargs.get("identifier"))
    return apply_op(interp, short, tuple(args), dict(kwargs), node)
