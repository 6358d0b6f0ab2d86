"""The NumPy functions whose result shapes the interpreter knows (numpy.org reference for
each). Any argument it cannot read gives an unknown size or shape, never a guess."""
from __future__ import annotations

import math

from ..domain.dims import Unknown, is_known
from ..domain.shapes import Shape
from .arrays import (FLOAT_DTYPES, INTEGER_DTYPES, ArrayValue, Labels, argmax, array_of, astype,
                     dtype_name, expand_dims, reshape, size_tuple, squeeze, transpose,
                     unknown_array)
from . import array_reshape_faults as reshape_faults
from . import numpy_random

ROOT = "numpy."


def _sized(size, dtype, reason="size not known", labels=None, origin=""):
    dims = size_tuple(size)
    if dims is None:
        return unknown_array(reason)
    return array_of(dims, dtype, labels, origin)


def _bind(args, kwargs, names, defaults=None):
    out = dict(defaults or {})
    out.update(zip(names, args))
    out.update(kwargs)
    return out


def _filled(kind, args, kwargs):
    a = _bind(args, kwargs, ("shape", "dtype"))
    dtype = dtype_name(a["dtype"]) if a.get("dtype") is not None else "float64"
    return _sized(a.get("shape"), dtype)


def _full(args, kwargs):
    a = _bind(args, kwargs, ("shape", "fill_value", "dtype"))
    dtype = dtype_name(a["dtype"]) if a.get("dtype") is not None else _scalar_dtype(
        a.get("fill_value"))
    return _sized(a.get("shape"), dtype)


def _scalar_dtype(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    return None


def _like(args, kwargs):
    first = args[0] if args else kwargs.get("a", kwargs.get("prototype"))
    if not isinstance(first, ArrayValue):
        return unknown_array("*_like of an unknown array")
    dtype = kwargs.get("dtype")
    return ArrayValue(first.shape, dtype_name(dtype) if dtype is not None else first.dtype)


def _arange(args, kwargs):
    a = _bind(args, kwargs, ("start", "stop", "step"))
    numbers = [a.get(n) for n in ("start", "stop", "step") if a.get(n) is not None]
    if not numbers or not all(isinstance(n, (int, float)) and not isinstance(n, bool)
                              for n in numbers):
        return unknown_array("arange bounds not known")
    if len(numbers) == 1:
        numbers = [0] + numbers
    start, stop, step = (numbers + [1])[:3]
    if step == 0:
        return unknown_array("arange step 0")
    length = max(0, math.ceil((stop - start) / step))  # numpy.arange: ceil((stop - start)/step)
    is_int = all(isinstance(n, int) for n in (start, stop, step))
    dtype = dtype_name(kwargs["dtype"]) if kwargs.get("dtype") is not None else \
        "int64" if is_int else "float64"
    labels = Labels("ids", stop, every=True) if is_int and start == 0 and step == 1 and \
        stop > 0 else None
    return array_of((length,), dtype, labels)


def _linspace(args, kwargs):
    """np.linspace(start, stop, num=50, ..., dtype=None) of two numbers: (num,) values of the
    dtype asked for (interpreter/builtins.PURE_REFS gives the values themselves when no dtype
    is asked for). Array bounds, retstep=True or a num not known: unknown."""
    a = _bind(args, kwargs, ("start", "stop", "num", "endpoint", "retstep", "dtype", "axis"),
              {"num": 50, "retstep": False})
    bounds_are_numbers = all(isinstance(a.get(n), (int, float)) and
                             not isinstance(a.get(n), bool) for n in ("start", "stop"))
    num = a["num"]
    if not bounds_are_numbers or a["retstep"] is not False or not isinstance(num, int) or \
            isinstance(num, bool) or num < 0:
        return unknown_array("linspace of bounds or a count not known")
    dtype = dtype_name(a["dtype"]) if a.get("dtype") is not None else "float64"
    return array_of((num,), dtype)


def _elementwise(args, kwargs):
    """A unary ufunc (np.sin, np.exp, ...) of an array: its shape, and its floating dtype, or
    float64 for 32- and 64-bit integers (numpy gives smaller integers a smaller float: left
    unknown); no labels (the values change)."""
    first = args[0] if args else kwargs.get("x")
    if isinstance(first, (list, tuple)) and first and all(
            isinstance(n, (int, float)) and not isinstance(n, bool) for n in first):
        return array_of((len(first),), "float64")  # Python numbers (np.linspace's values)
    if not isinstance(first, ArrayValue) or args[1:] or set(kwargs) - {"x"}:
        # (a number gives a number, out= / where= another array: not read)
        return Unknown("a ufunc of a value that is not an array shapelint knows")
    dtype = first.dtype if first.dtype in FLOAT_DTYPES else \
        "float64" if first.dtype in ("int32", "int64", "uint32", "uint64") else None
    return ArrayValue(first.shape, dtype, None, first.origin)


def _literal(args, kwargs):
    """np.array / np.asarray of nested lists of numbers, or of arrays (stacked)."""
    data = args[0] if args else kwargs.get("object", kwargs.get("a"))
    dtype = args[1] if len(args) > 1 else kwargs.get("dtype")
    if isinstance(data, ArrayValue):
        return astype(data, dtype) if dtype is not None else data
    if hasattr(data, "pil_array"):  # an image from keras.utils.load_img (image_files.py)
        array = data.pil_array()
        return astype(array, dtype) if dtype is not None else array
    dims, level, leaves = [], data, []
    while isinstance(level, (list, tuple)):
        dims.append(len(level))
        if not level:
            break
        level = level[0]
    if not dims:
        return unknown_array("np.array of a value shapelint cannot read")
    if isinstance(level, ArrayValue):
        return stack([data], {"axis": 0}) if len(dims) == 1 else unknown_array("nested arrays")
    if not _regular(data, dims, leaves):
        return unknown_array("np.array of a ragged or unknown literal")
    kind = _literal_dtype(leaves)
    name = dtype_name(dtype) if dtype is not None else kind
    labels = None
    column = len(dims) == 1 or (len(dims) == 2 and dims[1] == 1)
    if kind == "int64" and column and leaves and min(leaves) >= 0 and \
            (name in INTEGER_DTYPES or name in FLOAT_DTYPES):
        labels = Labels("ids", max(leaves) + 1)
    return array_of(dims, name, labels)


def _regular(data, dims, leaves) -> bool:
    if not dims:
        if isinstance(data, (bool, int, float)) and not isinstance(data, Unknown):
            leaves.append(data)
            return True
        return False
    if not isinstance(data, (list, tuple)) or len(data) != dims[0]:
        return False
    return all(_regular(item, dims[1:], leaves) for item in data)


def _literal_dtype(leaves):
    if leaves and all(isinstance(v, bool) for v in leaves):
        return "bool"
    if all(isinstance(v, int) for v in leaves):
        return "int64"
    return "float64"


def _eye(args, kwargs):
    a = _bind(args, kwargs, ("N", "M", "k", "dtype"))
    n, m = a.get("N"), a.get("M")
    m = n if m is None else m
    if not (is_known(n) and is_known(m)):
        return unknown_array("eye size not known")
    dtype = dtype_name(a["dtype"]) if a.get("dtype") is not None else "float64"
    return array_of((n, m), dtype, origin="numpy.eye")


def _arrays(value):
    items = list(value) if isinstance(value, (list, tuple)) else None
    if not items or not all(isinstance(v, ArrayValue) and v.shape.known_rank for v in items):
        return None
    return items


def stack(args, kwargs):
    a = _bind(args, kwargs, ("arrays", "axis"), {"axis": 0})
    items = _arrays(a["arrays"])
    if items is None or not is_known(a["axis"]):
        return unknown_array("stack of arrays shapelint cannot read")
    first = items[0].dims
    if any(len(i.dims) != len(first) for i in items):
        return unknown_array("stack of arrays of different ranks (numpy raises)")
    dims = tuple(first[k] if all(i.dims[k] == first[k] for i in items) else
                 Unknown("stacked sizes differ") for k in range(len(first)))
    rank = len(dims) + 1
    if not -rank <= a["axis"] < rank:
        return unknown_array("stack axis out of range")
    at = a["axis"] % rank
    return array_of(dims[:at] + (len(items),) + dims[at:], _common_dtype(items))


def concatenate(args, kwargs):
    a = _bind(args, kwargs, ("arrays", "axis"), {"axis": 0})
    items = _arrays(a["arrays"])
    if items is None or not is_known(a["axis"]):
        return unknown_array("concatenate of arrays shapelint cannot read")
    rank = len(items[0].dims)
    if any(len(i.dims) != rank for i in items) or not -rank <= a["axis"] < rank:
        return unknown_array("concatenate of mismatched ranks (numpy raises)")
    at = a["axis"] % rank
    dims = []
    for k in range(rank):
        sizes = [i.dims[k] for i in items]
        if k == at:
            dims.append(sum(sizes) if all(is_known(s) for s in sizes) else Unknown("sum"))
        else:
            dims.append(sizes[0] if all(s == sizes[0] for s in sizes) else Unknown("differ"))
    return array_of(dims, _common_dtype(items))


def _shape_of(args, kwargs):
    """np.shape(a): the array's shape tuple."""
    a = _bind(args, kwargs, ("a",))
    first = a.get("a")
    if isinstance(first, ArrayValue) and first.shape.known_rank:
        return tuple(first.dims)
    return Unknown("np.shape of a value shapelint does not know")


def _append(args, kwargs):
    """np.append(arr, values) without axis: both flattened, end to end (1-D)."""
    a = _bind(args, kwargs, ("arr", "values", "axis"), {"axis": None})
    if a["axis"] is not None:
        return unknown_array("np.append along an axis is outside the analysis")
    sizes = [_size(v) for v in (a.get("arr"), a.get("values"))]
    if not all(is_known(n) for n in sizes):
        return unknown_array("np.append of values of unknown size")
    kinds = [v.dtype if isinstance(v, ArrayValue) else None for v in (a["arr"], a["values"])]
    return array_of([sum(sizes)], kinds[0] if kinds[0] == kinds[1] else None)


def _size(value):
    if isinstance(value, ArrayValue):
        dims = value.dims if value.shape.known_rank else None
        return math.prod(dims) if dims is not None and all(is_known(d) for d in dims) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return 1
    if isinstance(value, (list, tuple)) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return len(value)
    return None


def _common_dtype(items):
    kinds = {i.dtype for i in items}
    return kinds.pop() if len(kinds) == 1 else None


def _stacked(args, kwargs, axis):
    """np.vstack / np.hstack: 1-D arrays are rows for vstack and joined end to end by hstack."""
    items = _arrays(args[0] if args else kwargs.get("tup"))
    if items is None:
        return unknown_array("stacking arrays shapelint cannot read")
    if axis == 0:
        items = [ArrayValue(Shape((1,) + tuple(i.dims)), i.dtype) if len(i.dims) == 1 else i
                 for i in items]
    elif all(len(i.dims) == 1 for i in items):
        axis = 0
    return concatenate((items,), {"axis": axis})


def _cumsum(args, kwargs):
    """np.cumsum(a, axis=None): flattened without an axis, else a's shape; a float array keeps
    its dtype (integers may widen: not guessed)."""
    a = _bind(args, kwargs, ("a", "axis", "dtype", "out"))
    first, axis = a.get("a"), a.get("axis")
    if not isinstance(first, ArrayValue) or not first.shape.known_rank or \
            a.get("dtype") is not None or a.get("out") is not None:
        return unknown_array("cumsum of an array shapelint cannot read")
    dtype = first.dtype if first.dtype in FLOAT_DTYPES else None
    if axis is None:
        return ArrayValue(Shape((math.prod(first.dims),)), dtype, None, first.origin) \
            if all(isinstance(d, int) for d in first.dims) else unknown_array("cumsum size")
    if not isinstance(axis, int) or not -len(first.dims) <= axis < len(first.dims):
        return unknown_array("cumsum axis not known")
    return ArrayValue(first.shape, dtype, None, first.origin)


def _on_array(fn, names):
    def call(args, kwargs):
        a = _bind(args, kwargs, names)
        first = a.get(names[0])
        if not isinstance(first, ArrayValue):
            return unknown_array(f"{names[0]} is not an array shapelint knows")
        return fn(first, *[a.get(n) for n in names[1:]])
    return call


FUNCTIONS = {
    "zeros": lambda a, k: _filled("zeros", a, k),
    "ones": lambda a, k: _filled("ones", a, k),
    "empty": lambda a, k: _filled("empty", a, k),
    # np.ndarray(shape, dtype=float, ...): an uninitialised array, as np.empty
    "ndarray": lambda a, k: _filled("ndarray", a, k),
    "full": _full,
    "zeros_like": _like, "ones_like": _like, "empty_like": _like,
    "arange": _arange,
    "linspace": _linspace,
    "array": _literal,
    "asarray": _literal,
    "eye": _eye,
    "identity": lambda a, k: _eye(a[:1], {"dtype": k.get("dtype")} if "dtype" in k else {}),
    "stack": stack,
    "concatenate": concatenate,
    "reshape": lambda a, k: _on_array(reshape, ("a", "newshape"))(
        a, {("newshape" if n == "shape" else n): v for n, v in k.items()}),
    "vstack": lambda a, k: _stacked(a, k, 0),
    "hstack": lambda a, k: _stacked(a, k, 1),
    "argmax": _on_array(argmax, ("a", "axis")),
    "shape": _shape_of,
    "append": _append,
    "cumsum": _cumsum,
    "expand_dims": _on_array(expand_dims, ("a", "axis")),
    "transpose": _on_array(transpose, ("a", "axes")),
    "squeeze": _on_array(squeeze, ("a", "axis")),
}
FUNCTIONS.update({name: _elementwise for name in (
    "sin", "cos", "tan", "exp", "log", "log1p", "expm1", "tanh", "sinh", "cosh")})
FUNCTIONS.update({f"random.{name}": fn for name, fn in numpy_random.FUNCTIONS.items()})


def call(interp, name: str, args, kwargs, node):
    fn = FUNCTIONS.get(name[len(ROOT):])
    if name == ROOT + "reshape":  # numpy may raise: array_reshape_faults reports it here
        a = _bind(args, kwargs, ("a", "newshape"))
        if isinstance(a.get("a"), ArrayValue):
            reshape_faults.check(interp, a["a"], size_tuple(a.get("newshape", a.get("shape"))),
                                 node)
    if fn is None:
        return Unknown(f"{name}() is outside the analysis")
    if any(_changed_undecided(interp, v) for v in (*args, *kwargs.values())):
        # `for f in files: rows.append(...)` then np.array(rows): the list holds one pass's
        # items, not how many there are
        return unknown_array("a list changed under an undecided condition")
    return fn(tuple(args), dict(kwargs))


def _changed_undecided(interp, value, depth=0) -> bool:
    """value, or a list or tuple in it (two levels), was changed under an undecided
    condition (Interpreter.is_tainted)."""
    if not isinstance(value, (list, tuple, dict, set)) or depth > 2:
        return False
    if not isinstance(value, tuple) and interp is not None and interp.is_tainted(value):
        return True
    return isinstance(value, (list, tuple)) and len(value) <= 64 and any(
        _changed_undecided(interp, v, depth + 1) for v in value)


def constant(name: str):
    """numpy.newaxis is None; other numpy names are refs (dtypes read by their last part)."""
    return None if name == "numpy.newaxis" else NotImplemented


__all__ = ["call", "constant", "ROOT", "FUNCTIONS", "Shape"]
