"""Shape rules of keras.ops (keras/src/ops/numpy.py, nn.py, math.py, core.py), each over
Shapes (for tensor arguments) and the call's plain values; frameworks/keras_ops.py applies
them to symbolic tensors. A rule raises NotKnown where the shape depends on what is not known;
the ops' own errors are not reported from here (see keras_ops)."""
from __future__ import annotations

from . import flag
from . import torch_functional as tf_ops
from .torch_indexing import index as basic_index
from .torch_products import einsum as einsum_rule, matmul as matmul_rule
from ..domain.dims import NotKnown, Unknown, is_known
from ..domain.shapes import Shape, product

SAME = frozenset({
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
BINARY = frozenset({
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "power", "mod",
    "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal", "less",
    "less_equal", "logical_and", "logical_or", "logical_xor", "arctan2", "hypot",
    "bitwise_and", "bitwise_or", "divide_no_nan", "heaviside", "copysign",
})
REDUCE = frozenset({"mean", "sum", "max", "min", "prod", "std", "var", "any", "all", "amax",
                    "amin", "logsumexp", "argmax", "argmin", "count_nonzero", "median"})
# ops that take functions: they may run layers shapelint does not see
CONTROL = frozenset({"cond", "while_loop", "fori_loop", "scan", "associative_scan", "map",
                     "switch", "vectorized_map", "custom_gradient"})
# ops that make a tensor from sizes alone
MAKERS = frozenset({"ones", "zeros", "full", "empty", "eye", "identity", "arange", "tri"})


def shape_of(value) -> Shape | None:
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
    shape = value if isinstance(value, Shape) else shape_of(value)
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


def getitem(x, key):
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


RULES = {name: _unary for name in SAME}
RULES.update({name: (lambda x1, x2, *a, **k: _broadcast(x1, x2)) for name in BINARY})
RULES.update({name: _reduce for name in REDUCE})
RULES.update({
    "expand_dims": _expand_dims, "squeeze": _squeeze, "reshape": _reshape,
    "transpose": _transpose, "swapaxes": _swapaxes, "moveaxis": _moveaxis,
    "broadcast_to": _broadcast_to, "repeat": _repeat, "tile": _tile,
    "concatenate": _concatenate, "stack": _stack, "where": _where, "take": _take,
    "take_along_axis": _take_along_axis,
    "matmul": lambda a, b: matmul_rule(_as_shape(a), _as_shape(b)),
    "einsum": lambda subscripts, *operands: einsum_rule(
        subscripts, *[_as_shape(o) for o in operands]),
    "dot_product_attention": _dot_product_attention, "split": _split_shape,
    "slice": _slice, "top_k": _top_k, "one_hot": _one_hot,
    "fft": _fft, "fft2": _fft, "ifft2": _fft,
    "__getitem__": getitem,
})
