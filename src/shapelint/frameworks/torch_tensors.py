"""Tensors models make for themselves, mostly in __init__: creation ops and legacy
constructors (`torch.FloatTensor(a, b)`, `torch.eye`, `torch.linspace`, `torch.meshgrid`...),
the ops that turn them into masks and tables (`torch.triu`, `torch.outer`, `torch.polar`...),
`nn.init.*` (in place: it returns the tensor it was given), and the tensor methods that make
or fill tensors (`x.new_zeros(...)`, `x.data.normal_()`). Each gives the shape torch gives
(tests/test_torch_tensors.py checks a grid against torch); what a tensor method returns is a
tensor or a number, never a module, so an unread method is a plain unknown value."""
from __future__ import annotations

import math
from dataclasses import fields

from ..catalogue import LayerFault
from ..catalogue import (  # noqa: F401 - they fill OPS
    torch_functional_ops, torch_products, torch_repeats)
from ..catalogue.torch_functional import ELEMENTWISE, OPS
from ..domain.dims import NotKnown, SymDim, Unknown, is_known
from ..interpreter.values import Builtin
from ..domain.shapes import Shape
from .torch_values import OPERATIONS, TorchTensor

# legacy typed constructors: torch.FloatTensor(2, 3) is an uninitialised (2, 3) tensor
LEGACY = {"Tensor": "float32", "FloatTensor": "float32", "DoubleTensor": "float64",
          "HalfTensor": "float16", "BFloat16Tensor": "bfloat16", "ByteTensor": "uint8",
          "CharTensor": "int8", "ShortTensor": "int16", "IntTensor": "int32",
          "LongTensor": "int64", "BoolTensor": "bool"}
# ops whose result has the shape of their first tensor argument
SAME_SHAPE = frozenset((
    "tril", "triu", "cumsum", "cumprod", "flip", "fliplr", "flipud", "roll", "logical_not",
    "bitwise_not", "isnan", "isinf", "isfinite", "nan_to_num", "reciprocal", "exp2", "expm1",
    "log1p", "log2", "log10", "sinh", "cosh", "tan", "asin", "acos", "atan", "frac", "real",
    "imag", "angle", "full_like", "clip", "trunc", "signbit", "deg2rad", "rad2deg", "sgn",
    "conj", "bernoulli", "randint_like", "erfinv", "logit", "fmod", "remainder",
    "masked_fill")) - ELEMENTWISE - set(OPS)  # those keep torch_tensor_ops' provenance
WINDOWS = ("hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window")
_MAX_TABLE = 10_000_000  # tril_indices and the like are counted, not built, above this


def _tensor(shape, dtype=None):
    return TorchTensor(shape, dtype=dtype)


def _is_tensor(value) -> bool:
    return isinstance(value, TorchTensor)


def _dims(values) -> tuple | None:
    """A size given as ints (or symbols): (2, 3), [2, 3], or torch.Size-like tuples."""
    if len(values) == 1 and isinstance(values[0], (tuple, list)):
        values = tuple(values[0])
    if all((is_known(v) and v >= 0) or isinstance(v, SymDim) for v in values):
        return tuple(values)
    return None


def _legacy_new(args, kwargs):
    """x.new(2, 5, 4): the legacy constructor given sizes makes an uninitialised tensor of that
    shape (x's dtype and device); given data (a list, a tuple, a tensor) it copies the data,
    which is not read here."""
    if args and all(isinstance(v, SymDim) or (isinstance(v, int) and not isinstance(v, bool)
                                              and v >= 0) for v in args) and \
            set(kwargs) <= {"device", "dtype", "requires_grad"}:
        return _tensor(Shape(tuple(args)))
    return Unknown("Tensor.new of data shapelint does not read")


def call(interp, name: str, args, kwargs, node):
    """The tensor a torch function makes, or NotImplemented for names this module leaves to
    the others (torch.py's factories and the functional catalogue)."""
    parts = name.split(".")
    last = parts[-1]
    if parts[:2] == ["torch", "cuda"] and len(parts) == 3 and last in LEGACY:
        parts = ["torch", last]
    if len(parts) != 2:
        return NotImplemented
    if last in LEGACY:
        return legacy(last, args)
    maker = _MAKERS.get(last)
    if maker is not None:
        try:
            made = maker(args, kwargs)
        except (TypeError, ValueError, IndexError, ArithmeticError, NotKnown, LayerFault):
            return _tensor(Shape.unknown(f"torch.{last}() of arguments shapelint cannot read"))
        if getattr(made, "dtype", "") is None:
            from .torch_provenance import factory_dtype
            made.dtype = factory_dtype(last, args, kwargs)
        if last in ("randint", "arange", "randperm") and getattr(made, "shape", None) is not None:
            from .torch_provenance import built  # sizes written in the call
            built(made, interp.position(node))
        return made
    if last in SAME_SHAPE and args and _is_tensor(args[0]) and not any(
            _is_tensor(a) for a in (*args[1:], *kwargs.values())):  # none broadcasts
        return _tensor(args[0].shape)
    return NotImplemented


def legacy(kind: str, args):
    """torch.FloatTensor(2, 3) / torch.LongTensor(n) / torch.Tensor([1, 2]) / torch.Tensor()."""
    dtype = LEGACY[kind]
    if not args:
        return _tensor(Shape((0,)), dtype)
    if all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        return _tensor(Shape(tuple(args)), dtype) if all(a >= 0 for a in args) else \
            _tensor(Shape.unknown(f"{kind} of a negative size"), dtype)
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        shape = _data_shape(args[0])
        return _tensor(shape if shape is not None else Shape.unknown(f"{kind} of data"), dtype)
    if len(args) == 1 and _is_tensor(args[0]):
        return _tensor(args[0].shape, dtype)
    return _tensor(Shape.unknown(f"torch.{kind} of arguments shapelint cannot read"), dtype)


def _data_shape(data) -> Shape | None:
    """The shape of nested lists of numbers (a ragged or unknown one is None)."""
    if isinstance(data, (list, tuple)):
        inner = [_data_shape(d) for d in data]
        if not inner:
            return Shape((0,))
        if any(s is None for s in inner) or len({s.dims for s in inner}) != 1:
            return None
        return Shape((len(data),) + inner[0].dims)
    if isinstance(data, (int, float, bool)):
        return Shape(())
    return None


def _arange(args, kwargs):
    numbers = [a for a in args if not hasattr(a, "qualname")]  # a dtype given by position
    start, end, step = 0, None, 1
    if len(numbers) == 1:
        end = numbers[0]
    elif len(numbers) == 2:
        start, end = numbers
    elif len(numbers) >= 3:
        start, end, step = numbers[:3]
    start, end, step = kwargs.get("start", start), kwargs.get("end", end), \
        kwargs.get("step", step)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool)
               for v in (start, end, step)) or step == 0:
        return _tensor(Shape.unknown("arange of unknown bounds"))
    return _tensor(Shape((max(0, math.ceil((end - start) / step)),)))


def _randint(args, kwargs):
    size = kwargs.get("size")
    positional = [a for a in args if not hasattr(a, "qualname")]
    if size is None and positional and isinstance(positional[-1], (tuple, list)):
        size = positional[-1]
    dims = _dims((size,)) if isinstance(size, (tuple, list)) else None
    return _tensor(Shape(dims) if dims is not None else Shape.unknown("randint of unknown size"),
                   "int64")


def _steps(args, kwargs):
    steps = args[2] if len(args) > 2 else kwargs.get("steps")
    if not is_known(steps) or steps < 0:
        return _tensor(Shape.unknown("linspace of unknown steps"))
    return _tensor(Shape((steps,)))


def _eye(args, kwargs):
    n = args[0] if args else kwargs.get("n")
    m = args[1] if len(args) > 1 and not hasattr(args[1], "qualname") else kwargs.get("m", n)
    if not (is_known(n) and is_known(m)):
        return _tensor(Shape.unknown("eye of an unknown size"))
    return _tensor(Shape((n, n if m is None else m)))


def _one_size(args, kwargs, key="n", dtype=None):
    n = args[0] if args else kwargs.get(key, kwargs.get("window_length"))
    if not is_known(n) or n < 0:
        return _tensor(Shape.unknown("an unknown size"))
    return _tensor(Shape((n,)), dtype)


def _outer(args, kwargs):
    a, b = (args + (kwargs.get("vec2"),))[:2] if len(args) < 2 else args[:2]
    if not (_is_tensor(a) and _is_tensor(b)) or not (a.shape.known_rank and b.shape.known_rank):
        return _tensor(Shape.unknown("outer of unknown vectors"))
    if a.shape.rank != 1 or b.shape.rank != 1:
        return _tensor(Shape.unknown("outer of tensors that are not vectors"))
    return _tensor(Shape((a.shape[0], b.shape[0])))


def _pair(dtype):
    def make(args, kwargs):
        from ..catalogue.torch_functional import broadcast
        tensors = [a for a in args[:2] if _is_tensor(a)]
        if len(tensors) != 2 or not all(t.shape.known_rank for t in tensors):
            return _tensor(Shape.unknown("an op of tensors of unknown shape"))
        return _tensor(broadcast(tensors[0].shape, tensors[1].shape), dtype)
    return make


def _meshgrid(args, kwargs):
    tensors = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else \
        list(args)
    if not tensors or not all(_is_tensor(t) and t.shape.known_rank and t.shape.rank <= 1
                              for t in tensors):
        return Unknown("meshgrid of tensors shapelint cannot read")
    dims = [t.shape[0] if t.shape.rank == 1 else 1 for t in tensors]
    if kwargs.get("indexing", "ij") == "xy" and len(dims) >= 2:
        dims[0], dims[1] = dims[1], dims[0]
    elif kwargs.get("indexing", "ij") not in ("ij", "xy"):
        return Unknown("meshgrid indexing")
    return tuple(_tensor(Shape(tuple(dims))) for _ in tensors)


def _cartesian_prod(args, kwargs):
    if not args or not all(_is_tensor(t) and t.shape.known_rank and t.shape.rank == 1
                           and is_known(t.shape[0]) for t in args):
        return _tensor(Shape.unknown("cartesian_prod of unknown vectors"))
    rows = math.prod(t.shape[0] for t in args)
    return _tensor(Shape((rows,) if len(args) == 1 else (rows, len(args))))


_FILLS = frozenset({"normal_", "uniform_", "fill_", "zero_", "random_", "exponential_",
                    "geometric_", "cauchy_", "log_normal_", "fill_diagonal_", "masked_fill_",
                    "copy_", "index_fill_", "scatter_"})


def _triangle(upper: bool):
    def make(args, kwargs):
        row, col = args[0], args[1]
        offset = args[2] if len(args) > 2 else kwargs.get("offset", 0)
        if not all(is_known(v) for v in (row, col, offset)) or row * col > _MAX_TABLE:
            return _tensor(Shape.unknown("tril_indices of unknown sizes"))
        count = sum(1 for i in range(row) for j in range(col)
                    if (j - i >= offset if upper else j - i <= offset))
        return _tensor(Shape((2, count)), "int64")
    return make


def _diag(args, kwargs):
    t = args[0] if args else kwargs.get("input")
    d = args[1] if len(args) > 1 else kwargs.get("diagonal", 0)
    if not _is_tensor(t) or not t.shape.known_rank or not is_known(d) or \
            not all(is_known(x) for x in t.shape[:]):
        return _tensor(Shape.unknown("diag of an unknown tensor"))
    if t.shape.rank == 1:
        n = t.shape[0] + abs(d)
        return _tensor(Shape((n, n)))
    if t.shape.rank == 2:
        rows, cols = t.shape[0], t.shape[1]
        length = min(rows, cols - d) if d >= 0 else min(rows + d, cols)
        return _tensor(Shape((max(0, length),)))
    return _tensor(Shape.unknown("diag of a tensor of rank above 2"))


def _view_as_real(args, kwargs):
    t = args[0] if args else None
    if not _is_tensor(t) or not t.shape.known_rank:
        return _tensor(Shape.unknown("view_as_real of an unknown tensor"))
    return _tensor(Shape(t.shape.dims + (2,)))


def _view_as_complex(args, kwargs):
    t = args[0] if args else None
    if not _is_tensor(t) or not t.shape.known_rank or not t.shape.rank or \
            t.shape[-1] != 2:
        return _tensor(Shape.unknown("view_as_complex of an unknown tensor"))
    return _tensor(Shape(t.shape.dims[:-1]), "complex64")


def _as_tensor(args, kwargs):
    data = args[0] if args else kwargs.get("data")
    if _is_tensor(data):
        return _tensor(data.shape)
    shape = _data_shape(data) if isinstance(data, (list, tuple, int, float)) else None
    return _tensor(shape if shape is not None else Shape.unknown("as_tensor of unknown data"))


def _empty_strided(args, kwargs):
    size = args[0] if args else kwargs.get("size")
    dims = _dims((size,)) if isinstance(size, (tuple, list)) else None
    return _tensor(Shape(dims) if dims is not None else Shape.unknown("an unknown size"))


_MAKERS = {
    "arange": _arange, "randint": _randint, "linspace": _steps, "logspace": _steps,
    "eye": _eye, "randperm": lambda a, k: _one_size(a, k, "n", "int64"),
    "outer": _outer, "ger": _outer, "polar": _pair("complex64"), "complex": _pair("complex64"),
    "meshgrid": _meshgrid, "cartesian_prod": _cartesian_prod,
    "tril_indices": _triangle(False), "triu_indices": _triangle(True), "diag": _diag,
    "view_as_real": _view_as_real, "view_as_complex": _view_as_complex,
    "as_tensor": _as_tensor, "empty_strided": _empty_strided,
    **{w: (lambda a, k: _one_size(a, k, "window_length")) for w in WINDOWS},
}


def init_call(name: str, args, kwargs):
    """nn.init.*: fills a tensor in place and returns it; never a count of its own."""
    last = name.rsplit(".", 1)[-1]
    tensor = args[0] if args else kwargs.get("tensor")
    if last == "calculate_gain":
        return Unknown("calculate_gain() is a number shapelint does not compute")
    if last.startswith("_") or not _is_tensor(tensor):
        return Unknown(f"nn.init.{last}() is not a tensor shapelint reads") \
            if last.startswith("_") else tensor
    return tensor


# Tensor attributes that are not methods: reading one stays a plain unknown
_ATTRIBUTES = frozenset(("shape", "ndim", "device", "dtype", "requires_grad", "is_cuda", "grad",
                         "grad_fn", "is_leaf", "layout", "names", "itemsize", "nbytes",
                         "is_sparse", "is_quantized", "is_meta", "mT", "mH", "H", "output_nr",
                         "is_nested", "is_mps", "is_cpu", "is_xpu"))


def method(tensor, interp, name: str):
    """A tensor method torch_values does not read: the tensors it makes, else a plain unknown."""
    if name in ("data", "real", "imag"):
        return _tensor(tensor.shape) if name != "data" else tensor
    if name in ("new_zeros", "new_ones", "new_empty", "new_full"):
        def new(i, a, k, n):
            size = a[0] if a else k.get("size")
            dims = _dims((size,)) if isinstance(size, (tuple, list)) else _dims(
                tuple(a)) if a and name != "new_full" else None
            return _tensor(Shape(dims) if dims is not None else Shape.unknown(
                f"{name} of an unknown size"))
        return Builtin(f"Tensor.{name}", new)
    if name == "new":
        return Builtin("Tensor.new", lambda i, a, k, n: _legacy_new(a, k))
    if name == "new_tensor":
        return Builtin("Tensor.new_tensor", lambda i, a, k, n: _as_tensor(a, k))
    if name in _RESHAPES_IN_PLACE:
        return Builtin(f"Tensor.{name}", lambda i, a, k, n: _in_place(tensor, i, name, a, k, n))
    base = name[:-1] if name.endswith("_") else name
    if base in SAME_SHAPE and base not in ("clip",) or name in _FILLS:
        return Builtin(f"Tensor.{name}", lambda i, a, k, n: _tensor(tensor.shape))
    if name.startswith("_") or name in _ATTRIBUTES:
        return NotImplemented
    # A method torch_values does not read gives a tensor or a number, never a module: a plain
    # unknown value, which no __init__ mistakes for a submodule it cannot read.
    return Builtin(f"Tensor.{name}",
                   lambda i, a, k, n: Unknown(f"Tensor.{name}() is outside the analysis"))


# methods that change the shape of the tensor they are called on (`y.squeeze_()`): every
# name bound to it sees the new shape; those with no rule here leave it unknown, never stale
_RESHAPES_IN_PLACE = frozenset({"squeeze_", "unsqueeze_", "t_", "transpose_", "swapdims_",
                                "swapaxes_", "resize_", "resize_as_", "as_strided_", "set_"})
_RULED_IN_PLACE = frozenset({"squeeze_", "unsqueeze_", "t_", "transpose_", "swapdims_",
                             "swapaxes_"})


def _in_place(tensor, interp, name, args, kwargs, node):
    result = OPERATIONS.tensor_op(interp, name[:-1], (tensor,) + tuple(args), kwargs, node) \
        if name in _RULED_IN_PLACE else None
    if isinstance(result, TorchTensor):
        for field in fields(TorchTensor):
            setattr(tensor, field.name, getattr(result, field.name))
    else:
        tensor.shape = Shape.unknown(f"after Tensor.{name}()")
    return tensor


def register_buffer(obj, args, kwargs):
    """self.register_buffer("mask", t): a tensor attribute forward() reads, never a param."""
    name = args[0] if args else kwargs.get("name")
    tensor = args[1] if len(args) > 1 else kwargs.get("tensor")
    if isinstance(name, str):
        obj.attrs[name] = tensor if _is_tensor(tensor) or tensor is None else Unknown(
            f"buffer '{name}' is a value shapelint cannot read")
    return None
