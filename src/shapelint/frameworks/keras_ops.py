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

from dataclasses import dataclass

from ..catalogue import LayerFault, Rule, flag
from ..catalogue import torch_functional as tf_ops
from ..catalogue.torch_indexing import index as basic_index
from ..catalogue.torch_products import einsum as einsum_rule, matmul as matmul_rule
from ..dims import NotKnown, Unknown, is_known
from ..shapes import Shape, product
from .keras_calls import Slot

# -- the shape rules, each over Shapes (tensor arguments) and plain values (the rest) --------

_SAME = frozenset({
    "cast", "convert_to_tensor", "stop_gradient", "copy", "abs", "absolute", "negative",
    "sqrt", "rsqrt", "square", "exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos",
    "tan", "tanh", "sinh", "cosh", "arctan", "erf", "erfinv", "sign", "floor", "ceil", "round",
    "trunc", "reciprocal", "logical_not", "isnan", "isinf", "isfinite", "ones_like",
    "zeros_like", "full_like", "nan_to_num", "clip", "triu", "tril", "cumsum", "cumprod",
    "softmax", "log_softmax", "relu", "relu6", "gelu", "silu", "swish", "sigmoid",
    "hard_sigmoid", "hard_silu", "hard_swish", "elu", "selu", "leaky_relu", "softplus",
    "softsign", "mish", "celu", "glu_same", "tanh_shrink", "soft_shrink", "hard_tanh",
    "squareplus", "sparse_plus", "log_sigmoid", "linear", "exponential", "flip", "roll",
    "real", "imag", "conj", "sort", "normalize", "rms_normalization_same",
})
_BINARY = frozenset({
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "power", "mod",
    "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal", "less",
    "less_equal", "logical_and", "logical_or", "logical_xor", "arctan2", "hypot",
    "bitwise_and", "bitwise_or", "divide_no_nan", "heaviside", "copysign",
})
_REDUCE = frozenset({"mean", "sum", "max", "min", "prod", "std", "var", "any", "all", "amax",
                     "amin", "logsumexp", "argmax", "argmin", "count_nonzero", "median"})
# ops that take functions: they may run layers shapelint does not see
_CONTROL = frozenset({"cond", "while_loop", "fori_loop", "scan", "associative_scan", "map",
                      "switch", "vectorized_map", "custom_gradient"})
# ops that make a tensor from sizes alone
_MAKERS = frozenset({"ones", "zeros", "full", "empty", "eye", "identity", "arange", "tri"})


def _shape_of(value) -> Shape | None:
    """A constant operand's Shape (a scalar, a weight, an array), or None."""
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return Shape(())
    shape = getattr(value, "shape", None)
    if isinstance(shape, Shape):
        return shape
    if isinstance(shape, tuple):
        return Shape(shape)
    return None


def _axis(a, rank: int) -> int:
    if not (isinstance(a, int) and not isinstance(a, bool)) or not -rank <= a < max(rank, 1):
        raise NotKnown("an axis that is not known")
    return a % rank if rank else 0


def _as_shape(value) -> Shape:
    shape = value if isinstance(value, Shape) else _shape_of(value)
    if shape is None or not shape.known_rank:
        raise NotKnown("an operand of unknown shape")
    return shape


def _broadcast(*operands) -> Shape:
    return tf_ops.broadcast(*[_as_shape(v) for v in operands])


def _reduce(x, axis=None, keepdims=False, *_, **__):
    x = _as_shape(x)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    if axis is None:
        axes = range(x.rank)
    axes = {_axis(a, x.rank) for a in axes}
    if flag(keepdims, "keepdims"):
        return Shape(tuple(1 if i in axes else d for i, d in enumerate(x[:])))
    return Shape(tuple(d for i, d in enumerate(x[:]) if i not in axes))


def _expand_dims(x, axis):
    x = _as_shape(x)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    rank = x.rank + len(axes)
    places = sorted(_axis(a, rank) for a in axes)
    dims = list(x[:])
    for a in places:
        dims.insert(a, 1)
    return Shape(tuple(dims))


def _squeeze(x, axis=None):
    x = _as_shape(x)
    if axis is None:
        if not all(is_known(d) for d in x[:]):
            raise NotKnown("squeeze() of sizes that are not known")
        return Shape(tuple(d for d in x[:] if d != 1))
    axes = {_axis(a, x.rank) for a in (axis if isinstance(axis, (tuple, list)) else (axis,))}
    for a in axes:
        if not (is_known(x[a]) and x[a] == 1):
            raise NotKnown("squeeze() of an axis whose size is not known to be 1")
    return Shape(tuple(d for i, d in enumerate(x[:]) if i not in axes))


def _reshape(x, newshape):
    """The output is the target, its -1 inferred when the sizes allow; an unknown target
    size stays unknown (Keras reshapes symbolic tensors with None sizes the same way)."""
    x = _as_shape(x)
    target = tuple(newshape) if isinstance(newshape, (tuple, list)) else (newshape,)
    holes = [i for i, d in enumerate(target) if isinstance(d, int) and d == -1]
    if len(holes) > 1:
        raise NotKnown("reshape with two -1")
    dims = [Unknown("reshape size not known") if d is None else d for d in target]
    if holes:
        rest = product([d for i, d in enumerate(dims) if i != holes[0]])
        total = product(x[:])
        dims[holes[0]] = total // rest if is_known(total) and is_known(rest) and rest and \
            total % rest == 0 else Unknown("the -1 of a reshape")
    return Shape(tuple(dims))


def _transpose(x, axes=None):
    x = _as_shape(x)
    order = tuple(reversed(range(x.rank))) if axes is None else tuple(axes)
    if len(order) != x.rank:
        raise NotKnown("transpose axes do not fit")
    return Shape(tuple(x[_axis(a, x.rank)] for a in order))


def _swapaxes(x, axis1, axis2):
    x = _as_shape(x)
    dims = list(x[:])
    a, b = _axis(axis1, x.rank), _axis(axis2, x.rank)
    dims[a], dims[b] = dims[b], dims[a]
    return Shape(tuple(dims))


def _moveaxis(x, source, destination):
    x = _as_shape(x)
    sources = source if isinstance(source, (tuple, list)) else (source,)
    dests = destination if isinstance(destination, (tuple, list)) else (destination,)
    src = [_axis(a, x.rank) for a in sources]
    dst = [_axis(a, x.rank) for a in dests]
    order = [i for i in range(x.rank) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return Shape(tuple(x[i] for i in order))


def _broadcast_to(x, shape):
    if not isinstance(shape, (tuple, list)):
        raise NotKnown("broadcast_to a shape that is not known")
    return Shape(tuple(Unknown("size not known") if d is None else d for d in shape))


def _repeat(x, repeats, axis=None):
    x = _as_shape(x)
    if axis is None:
        return Shape((product(x[:]) * repeats,))
    a = _axis(axis, x.rank)
    if not isinstance(repeats, int):
        raise NotKnown("repeats given as a tensor")
    return x.replace(a, x[a] * repeats)


def _tile(x, repeats):
    x = _as_shape(x)
    reps = tuple(repeats) if isinstance(repeats, (tuple, list)) else (repeats,)
    rank = max(x.rank, len(reps))
    dims = (1,) * (rank - x.rank) + tuple(x[:])
    reps = (1,) * (rank - len(reps)) + reps
    return Shape(tuple(d * r for d, r in zip(dims, reps)))


def _concatenate(xs, axis=0):
    return tf_ops.cat([_as_shape(v) for v in xs], axis)


def _stack(x, axis=0):
    return tf_ops.stack([_as_shape(v) for v in x], axis)


def _where(condition, x1=None, x2=None):
    if x1 is None and x2 is None:
        raise NotKnown("where() with one argument: a count only the data knows")
    return _broadcast(condition, x1, x2)


def _take(x, indices, axis=None):
    x, ids = _as_shape(x), _as_shape(indices)
    if axis is None:
        return ids
    a = _axis(axis, x.rank)
    return Shape(tuple(x[:a]) + tuple(ids[:]) + tuple(x[a + 1:]))


def _take_along_axis(x, indices, axis=None):
    x, ids = _as_shape(x), _as_shape(indices)
    if axis is None:
        return Shape((product(ids[:]),))
    return tf_ops.broadcast(x.replace(_axis(axis, x.rank), 1), ids.replace(
        _axis(axis, ids.rank), 1)).replace(_axis(axis, x.rank), ids[_axis(axis, ids.rank)])


def _getitem(x, key):
    """Basic indexing (ints, slices, None, Ellipsis), where NumPy and torch agree."""
    keys = key if isinstance(key, tuple) else (key,)
    if not all(k is None or k is Ellipsis or isinstance(k, slice) or
               (isinstance(k, int) and not isinstance(k, bool)) for k in keys):
        raise NotKnown("indexing with something other than ints, slices, None or ...")
    return basic_index(_as_shape(x), key)


def _dot_product_attention(query, key, value, *args, **kwargs):
    q, v = _as_shape(query), _as_shape(value)
    return Shape(tuple(q[:-1]) + (v[-1],))


def _split_shape(x, indices_or_sections, axis=0):
    x = _as_shape(x)
    a = _axis(axis, x.rank)
    if isinstance(indices_or_sections, int) and is_known(x[a]) and x[a] % indices_or_sections == 0:
        part = x.replace(a, x[a] // indices_or_sections)
        return [part] * indices_or_sections
    raise NotKnown("split sizes not known")


def _slice(x, start_indices, shape):
    _as_shape(x)
    if not isinstance(shape, (tuple, list)):
        raise NotKnown("slice sizes not known")
    return Shape(tuple(shape))


def _fft(x, *args, **kwargs):
    """fft / fft2 / ifft2 of (real, imaginary): both parts keep the input's shape."""
    real, imag = (_as_shape(v) for v in x)
    if real.dims != imag.dims:
        raise NotKnown("real and imaginary parts of different shapes")
    return [real, imag]


def _top_k(x, k=5, *args, **kwargs):
    """(values, indices), each of the input's shape with k in the last axis."""
    x = _as_shape(x)
    if not isinstance(k, int) or isinstance(k, bool):
        raise NotKnown("top_k's k is not known")
    out = Shape(tuple(x[:-1]) + (k,))
    return [out, out]


def _one_hot(x, num_classes, axis=-1, *args, **kwargs):
    x = _as_shape(x)
    if not isinstance(num_classes, int) or isinstance(num_classes, bool):
        raise NotKnown("num_classes is not known")
    dims = list(x[:])
    dims.insert(_axis(axis, x.rank + 1) if axis != -1 else x.rank, num_classes)
    return Shape(tuple(dims))


def _unary(x, *args, **kwargs):
    return _as_shape(x)


RULES = {name: _unary for name in _SAME}
RULES.update({name: (lambda x1, x2, *a, **k: _broadcast(x1, x2)) for name in _BINARY})
RULES.update({name: _reduce for name in _REDUCE})
RULES.update({
    "expand_dims": _expand_dims, "squeeze": _squeeze, "reshape": _reshape,
    "transpose": _transpose, "swapaxes": _swapaxes, "moveaxis": _moveaxis,
    "broadcast_to": _broadcast_to, "repeat": _repeat, "tile": _tile,
    "concatenate": _concatenate, "stack": _stack, "where": _where, "take": _take,
    "take_along_axis": _take_along_axis, "matmul": lambda a, b: matmul_rule(_as_shape(a),
                                                                               _as_shape(b)),
    "einsum": lambda subscripts, *operands: einsum_rule(
        subscripts, *[_as_shape(o) for o in operands]),
    "dot_product_attention": _dot_product_attention, "split": _split_shape,
    "slice": _slice, "top_k": _top_k, "one_hot": _one_hot, "fft": _fft, "fft2": _fft, "ifft2": _fft,
    "__getitem__": _getitem,
})


# -- constants: tensors made from sizes alone, or from a weight ------------------------------

@dataclass(frozen=True)
class Constant:
    """A tensor that no input flows into (ops.arange(n), ops.ones(shape), a weight cast)."""
    shape: Shape

    def shapelint_attribute(self, interp, name):
        if name == "shape":
            return tuple(self.shape.dims) if self.shape.known_rank else \
                Unknown("shape of unknown rank")
        if name == "ndim":
            return self.shape.rank if self.shape.known_rank else Unknown("unknown rank")
        return Unknown(f"tensor.{name} is outside the analysis")

    def shapelint_binary(self, interp, fn, left, right):
        from .keras import tensor_binary
        return tensor_binary(interp, fn, left, right)

    def __neg__(self):
        return self

    def shapelint_compare(self, interp, left, right):
        return apply_op(interp, "less", (left, right), {})

    def shapelint_getitem(self, interp, key):
        return Constant(_safe(_getitem, (self.shape, key), {}))


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


def _takes_function(value) -> bool:
    from ..interpreter.values import BoundMethod, Builtin, Function
    return isinstance(value, (Function, BoundMethod, Builtin)) or (
        hasattr(value, "shapelint_call") and not hasattr(value, "shape"))


def apply_op(interp, name: str, args, kwargs, node=None):
    """keras.ops.<name>(*args, **kwargs) on the interpreter's values."""
    from .keras import KerasTensor
    from .keras_graph import TensorOp
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
            return Constant(_nested_shape(args[0]))
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
    from .keras_graph import TensorOp
    if not isinstance(value, Constant) or not inputs:
        return value
    shape = value.shape
    op = TensorOp("constant", "constant", "", 0, 0,
                  rule=Rule(output=lambda shapes: shape, multi_input=True))
    return op.shapelint_call(interp, (list(inputs),), {}, None)


def constant_tensor(value: Constant):
    """A constant as a symbolic tensor that no layer produces (a layer called on
    ops.arange(n) inside call() is built for its shape, and gains no upstream layers)."""
    from ..graph import LayerNode
    from .keras import KerasTensor
    from .keras_graph import TensorOp
    made = TensorOp("constant", "constant", "", 0, 0,
                    rule=Rule(output=lambda shapes: value.shape, multi_input=True))
    made.built = True
    node = LayerNode(made, "constant", "constant", "", 0, 0, output_shape=value.shape)
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
    from .keras_graph import TensorOp
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
    from ..graph import LayerNode, upstream
    from .keras import KerasTensor
    from .keras_graph import TensorOp
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
