"""Data arrays as the interpreter sees them: a NumPy-like value with a shape, a dtype when known,
and for label arrays what is certain about their encoding. Numpy is described, never imported."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.dims import SymDim, Unknown, is_known
from ..interpreter.values import Builtin, Ref
from ..domain.shapes import Shape, product
from .array_callers import calls_now, sizes_kept
from . import array_reshape_faults as reshape_faults
from .array_transposes import Transposed, stamped

INTEGER_DTYPES = frozenset({"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                            "uint64", "int", "intp"})
FLOAT_DTYPES = frozenset({"float16", "float32", "float64", "float", "double", "half",
                          "single", "bfloat16"})


@dataclass(frozen=True)
class Labels:
    """What is certain about a label array. encoding "ids": integer class ids (one per sample,
    shape (N,) or (N, 1)); "onehot": one column per class. classes: for one-hot labels the
    width; for ids, the largest id present plus one, when the data is known to hold it.
    every: each id from 0 to classes - 1 is present (np.arange(n)), so `ids % k` holds k."""
    encoding: str
    classes: int | None = None
    every: bool = False


@dataclass(eq=False)
class ArrayValue:
    shape: Shape
    dtype: str | None = None
    labels: Labels | None = None
    origin: str = ""  # where the data came from, for messages ("mnist.load_data()")
    built_at: tuple | None = None  # (path, line, col) of the call that made it (stamp, below)
    # (path, line, col) of the last statement that wrote into a label array (`y[40:] = 2`):
    # a conversion of the labels goes after it (rules/keras_places.at_labels); lazy positions
    written_at: tuple | None = None
    # the resize call that wrote this image array's height and width (image_resize.Resized),
    # kept by what keeps the axes from the height on (a batch axis added, a scalar applied)
    sized_at: object = None
    # the transpose that put its axes in this order (array_transposes.Transposed), kept like
    # sized_at by what keeps those axes
    transposed: object = None
    # the calls under way when a helper made it (array_callers.calls_now), outermost first
    called_at: tuple | None = None
    # (built_at, called_at) of the array whose sizes other than 1 it has, when it only gained
    # or lost axes of 1 (array_callers.sizes_kept)
    sizes_from: tuple | None = None

    @property
    def dims(self):
        return self.shape.dims

    def shapelint_attribute(self, interp, name):
        if name == "shape":
            return ArrayShape(self.dims, self.built_at) if self.shape.known_rank else \
                Unknown("shape of unknown rank")
        if name == "ndim":
            return len(self.dims) if self.shape.known_rank else Unknown("unknown rank")
        if name == "size":
            return product(self.dims) if self.shape.known_rank else Unknown("unknown rank")
        if name == "dtype":
            return self.dtype if self.dtype else Unknown("dtype not known")
        if name == "T":  # made on this statement, as an index is
            statement = getattr(interp, "statement", None) if interp is not None else None
            return stamp(transpose(self, None), interp, statement, (self,))
        if name == "resize":  # in place: every name bound to this array sees the new shape
            return Builtin("ndarray.resize", lambda i, a, k, n: self.changed_in_place(
                i, _resized(a, k)))
        if name == "reshape":  # numpy may raise: array_reshape_faults reports it here
            return Builtin("ndarray.reshape", lambda i, a, k, n: stamp(
                _method_reshape(self, a, k, i, n), i, n, (self,)))
        if name in _METHODS:
            return Builtin(f"ndarray.{name}", lambda i, a, k, n: self._method(name, i, a, k, n))
        return Unknown(f"ndarray.{name} is outside the analysis")

    def shapelint_setattr(self, interp, name, value):
        """`a.shape = (20, 1)` reshapes in place (numpy raises on another element count);
        `a.dtype = ...` reinterprets the bytes, so the dtype is no longer known."""
        if name == "shape":
            made = reshape(self, value)
            self.changed_in_place(interp, made.shape if made.shape.known_rank else None)
        elif name == "dtype":
            self.dtype = None

    def changed_in_place(self, interp, shape: Shape | None) -> None:
        """This very array now has `shape` (None: a shape the analysis cannot read), unless
        the change is under an undecided condition: then its shape is not known. The labels it
        held, and where its sizes were written, no longer describe it."""
        if shape is None or interp is not None and interp.uncertain:
            shape = Shape.unknown("an array reshaped in place")
        if shape != self.shape:
            self.shape, self.labels, self.sized_at, self.transposed = shape, None, None, None
            self.sizes_from = None
        return None

    def _method(self, name, interp, args, kwargs, node):
        return stamp(_METHODS[name](self, args, kwargs), interp, node, (self,))

    def shapelint_getitem(self, interp, key):
        # np.eye(k)[y] makes a new array on this statement (keras_label_extra_axes names it)
        statement = getattr(interp, "statement", None) if interp is not None else None
        return stamp(index(self, key), interp, statement, (self,))

    def shapelint_item_written(self, interp, rows_written, value):
        """`y[40:] = 2`, `y[mask] = k`: numpy writes into this very array, so every name bound
        to it sees the new values. Its ids' largest value then may rise (a new class) or fall
        (the only sample of one overwritten): the count of classes is no longer known, unless
        the write certainly reaches a row (rows_written(), asked only then) with an integer k
        at least the largest id before: the largest is then k, k + 1 classes. A one-hot array
        (or one flattened) keeps its width, the count it states."""
        labels = self.labels
        if labels is not None and interp.statement is not None:
            self.written_at = interp.position(interp.statement)
        if labels is None or labels.classes is None or labels.encoding != "ids":
            return
        rises = isinstance(value, int) and not isinstance(value, bool) and \
            value + 1 >= labels.classes and rows_written() is True
        self.labels = Labels(labels.encoding, value + 1 if rises else None)

    def shapelint_iter(self, interp):
        """`for row in x`: its rows when its length is known and small (array_rows.py)."""
        from .array_rows import rows
        return rows(self)

    def shapelint_setitem(self, interp, key, value):
        """`batch[0] = picture`: numpy broadcasts value into the slot (array_writes.py)."""
        from .array_writes import written
        if isinstance(value, ArrayValue) and getattr(value.origin, "pil_mode", ""):
            written(interp, index(self, key), value)

    def shapelint_len(self, interp):
        if self.shape.known_rank and self.dims and is_known(self.dims[0]):
            return self.dims[0]
        return Unknown("len() of an array of unknown length")

    def shapelint_compare(self, interp, left, right):
        """`y == 3`, `a < b`: elementwise, an array of bools of the broadcast shape (read as
        Python's `==` of two objects, `(y == 3) | (y == 5)` was False and `X[~mask]` the
        last sample, X's shape without its first axis)."""
        arrays = [v for v in (left, right) if isinstance(v, ArrayValue)]
        if not all(isinstance(v, (ArrayValue, int, float, bool)) for v in (left, right)):
            return ArrayValue(Shape.unknown("a comparison with an unknown value"), "bool")
        shape = broadcast(arrays[0].shape, arrays[1].shape) if len(arrays) == 2 else \
            arrays[0].shape
        return ArrayValue(shape, "bool", origin=arrays[0].origin)

    def _unary(self, kind: str):
        if kind == "~" and self.dtype is not None and self.dtype.startswith(("float", "complex")):
            raise TypeError("ufunc 'invert' not supported for float arrays")  # numpy's too
        if kind == "-" and self.dtype == "bool":
            raise TypeError("numpy boolean negative is not supported")
        return ArrayValue(self.shape, self.dtype, origin=self.origin)

    def __invert__(self):
        return self._unary("~")

    def __neg__(self):
        return self._unary("-")

    def __pos__(self):
        return self._unary("+")

    def shapelint_binary(self, interp, fn, left, right):
        import operator
        if fn is operator.matmul:
            from .array_products import matmul
            if not (isinstance(left, ArrayValue) and isinstance(right, ArrayValue)):
                return unknown_array("a product of arrays shapelint cannot read")
            return matmul(left, right, broadcast)
        if fn not in _ELEMENTWISE:
            return ArrayValue(Shape.unknown("an array operation shapelint does not model"))
        a = left if isinstance(left, ArrayValue) else None
        b = right if isinstance(right, ArrayValue) else None
        other = right if a is not None and b is None else left if b is not None and a is None \
            else None
        if a is not None and b is not None:
            shape = broadcast(a.shape, b.shape)
            dtype = a.dtype if a.dtype == b.dtype and fn is not operator.truediv else None
            return ArrayValue(shape, dtype)
        if not isinstance(other, (int, float, bool)):
            return ArrayValue(Shape.unknown("arithmetic with an unknown value"))
        array = a or b
        # a scalar changes the values, not the shape: the array keeps the place that made it
        # and where its data came from
        return ArrayValue(array.shape, _scalar_result_dtype(array.dtype, other, fn),
                          _wrapped_ids(array, other) if fn is operator.mod and a is not None
                          else None, origin=array.origin, built_at=array.built_at,
                          sized_at=array.sized_at, transposed=array.transposed,
                          called_at=array.called_at, sizes_from=array.sizes_from)


def _wrapped_ids(array: ArrayValue, k) -> Labels | None:
    """np.arange(n) % k: every id 0..n-1 taken modulo k holds each of 0..k-1 when n >= k
    (np.arange(525) % 7 labels 525 samples with 7 classes)."""
    labels = array.labels
    if labels is None or labels.encoding != "ids" or not labels.every or \
            not isinstance(labels.classes, int) or type(k) is not int or not \
            0 < k <= labels.classes:
        return None
    return Labels("ids", k, every=True)


def _elementwise():
    import operator
    return frozenset({operator.add, operator.sub, operator.mul, operator.truediv,
                      operator.floordiv, operator.mod, operator.pow, operator.and_,
                      operator.or_, operator.xor})


_ELEMENTWISE = _elementwise()


def _scalar_result_dtype(dtype, scalar, fn) -> str | None:
    """NumPy 2 promotion with a Python scalar: the array's dtype wins within a kind; true
    division and a float scalar on integers give float64 (numpy.org, "Data type promotion")."""
    import operator
    if dtype is None:
        return None
    if dtype in INTEGER_DTYPES:
        return "float64" if fn is operator.truediv or isinstance(scalar, float) else dtype
    return dtype if dtype in FLOAT_DTYPES else None


def array_of(dims, dtype=None, labels=None, origin="") -> ArrayValue:
    return ArrayValue(Shape(tuple(dims)), dtype, labels, origin)


def unknown_array(reason: str) -> ArrayValue:
    return ArrayValue(Shape.unknown(reason))


def dtype_name(value) -> str | None:
    """'float32' from "float32", np.float32, tf.float32, int, float; None when not readable."""
    if isinstance(value, str):
        return value
    if isinstance(value, Ref):
        return value.qualname.rsplit(".", 1)[-1]
    if value is int:
        return "int64"
    if value is float:
        return "float64"
    return getattr(value, "name", None) if getattr(value, "name", None) in ("int", "float") \
        else None


def size_tuple(value):
    """A shape argument (an int or a tuple/list of ints) as dims; None when not readable."""
    if is_known(value):
        value = (value,)
    if isinstance(value, (tuple, list)) and all(is_known(d) or isinstance(d, (SymDim, Unknown))
                                                for d in value):
        return tuple(value)
    return None


def broadcast(a: Shape, b: Shape) -> Shape:
    """NumPy broadcasting; a pair that cannot broadcast is not ours to judge: unknown."""
    if not (a.known_rank and b.known_rank):
        return Shape.unknown("broadcast of an unknown rank")
    n = max(len(a.dims), len(b.dims))
    left = (1,) * (n - len(a.dims)) + tuple(a.dims)
    right = (1,) * (n - len(b.dims)) + tuple(b.dims)
    out = []
    for x, y in zip(left, right):
        if x == 1:
            out.append(y)
        elif y == 1 or (is_known(x) and is_known(y) and x == y):
            out.append(x)
        else:
            out.append(Unknown("broadcast of unknown sizes"))
    return Shape(tuple(out))


# -- indexing -------------------------------------------------------------------------------

def index(array: ArrayValue, key) -> ArrayValue:
    """a[key] for basic indexing (ints, slices, None, ...) and one integer array index."""
    if not array.shape.known_rank:
        return unknown_array("indexing an array of unknown rank")
    items = list(key) if isinstance(key, tuple) else [key]
    if sum(1 for k in items if k is Ellipsis) > 1:
        return unknown_array("several ellipses")
    consuming = sum(1 for k in items if k is not None and k is not Ellipsis)
    rank = len(array.dims)
    if consuming > rank:
        return unknown_array("too many indices")
    if Ellipsis in items:
        at = items.index(Ellipsis)
        items[at:at + 1] = [slice(None)] * (rank - consuming)
    else:
        items += [slice(None)] * (rank - consuming)
    dims, axis, labels = [], 0, None
    fancy = [k for k in items if isinstance(k, (ArrayValue, list))]
    if len(fancy) > 1:
        return unknown_array("several array indices")
    for k in items:
        if k is None:
            dims.append(1)
            continue
        size = array.dims[axis]
        axis += 1
        if isinstance(k, slice):
            dims.append(_slice_length(size, k))
        elif is_known(k) and not isinstance(k, bool):
            if is_known(size) and not -size <= k < size:
                return unknown_array("index out of range")
        elif isinstance(k, SymDim):
            pass  # an int of unknown value (a loader's sample index) takes one row: axis gone
        elif isinstance(k, ArrayValue):
            if not k.shape.known_rank or k.dtype is None or k.dtype == "bool":
                # a mask keeps an unknown count; an index of unknown dtype may be one
                dims.append(Unknown("boolean mask selects an unknown count"))
            else:
                dims.extend(k.dims)
                labels = _onehot_rows(array, k)
        elif isinstance(k, list) and all(is_known(v) for v in k):
            dims.append(len(k))
        else:
            return unknown_array("an index shapelint cannot read")
    out = ArrayValue(Shape(tuple(dims)), array.dtype, None, array.origin)
    if labels is not None:
        out.labels = labels
    elif array.labels is not None and items and isinstance(items[0], slice) and \
            all(k == slice(None) for k in items[1:]):
        # rows of labels stay labels; a subset may lack the largest class id
        kept = array.labels.classes if array.labels.encoding == "onehot" else None
        if items[0] == slice(None):
            kept = array.labels.classes
        out.labels = Labels(array.labels.encoding, kept)
    return out


def _onehot_rows(table: ArrayValue, ids: ArrayValue) -> Labels | None:
    """np.eye(n)[y]: picking rows of an identity matrix one-hot encodes the ids."""
    if table.origin == "numpy.eye" and len(table.dims) == 2 and is_known(table.dims[1]) and \
            ids.labels is not None and ids.labels.encoding == "ids" and len(ids.dims) == 1:
        return Labels("onehot", table.dims[1])
    return None


def _slice_length(size, k: slice):
    parts = (k.start, k.stop, k.step)
    if not all(p is None or (is_known(p) and not isinstance(p, bool)) for p in parts):
        return Unknown("slice bounds not known")
    if k.step == 0:
        return Unknown("slice step 0")
    if is_known(size):
        return len(range(size)[k])
    if k == slice(None):
        return size
    return Unknown("slice of a size not known")


# -- methods --------------------------------------------------------------------------------

def reshape(array: ArrayValue, new) -> ArrayValue:
    """a.reshape(shape) with at most one -1, inferred when the total is known."""
    new = size_tuple(new)
    if new is None or not all(is_known(d) for d in new):
        return unknown_array("reshape to a shape shapelint cannot read")
    total = product(array.dims) if array.shape.known_rank else Unknown("unknown rank")
    if list(new).count(-1) > 1:
        return unknown_array("reshape with several -1")
    if -1 in new:
        rest = product(d for d in new if d != -1)
        if not is_known(total) or rest == 0 or total % rest:
            return unknown_array("reshape whose -1 cannot be inferred")
        new = tuple(total // rest if d == -1 else d for d in new)
    elif is_known(total) and product(new) != total:
        return unknown_array("reshape to a different element count (numpy raises)")
    out = ArrayValue(Shape(new), array.dtype, None, array.origin)
    labels = array.labels
    if labels is not None and labels.encoding == "ids" and len(new) in (1, 2) and \
            (len(new) == 1 or new[1] == 1) and array.dims and new[0] == array.dims[0]:
        out.labels = labels  # (N,) <-> (N, 1) keeps integer ids
    return out


def transpose(array: ArrayValue, axes) -> ArrayValue:
    if not array.shape.known_rank:
        return unknown_array("transpose of unknown rank")
    rank = len(array.dims)
    if axes is None or axes == ():
        order = tuple(reversed(range(rank)))
    elif isinstance(axes, (tuple, list)) and _is_permutation(axes, rank):
        order = tuple(a % rank for a in axes)
    else:
        return unknown_array("transpose axes not known")
    out = ArrayValue(Shape(tuple(array.dims[a] for a in order)), array.dtype, None, array.origin)
    if order != tuple(range(rank)):  # placed on its statement by stamp()
        out.transposed = Transposed(tuple(array.dims), tuple(out.dims))
    return out


def _is_permutation(axes, rank) -> bool:
    return sorted(a % rank if is_known(a) else -1 for a in axes) == list(range(rank))


def squeeze(array: ArrayValue, axis=None) -> ArrayValue:
    if not array.shape.known_rank:
        return unknown_array("squeeze of unknown rank")
    dims, rank = array.dims, len(array.dims)
    if axis is None:
        if not all(is_known(d) for d in dims):
            return unknown_array("squeeze of sizes not known")
        kept = tuple(d for d in dims if d != 1)
    else:
        axes = axis if isinstance(axis, (tuple, list)) else (axis,)
        if not all(is_known(a) and -rank <= a < rank for a in axes):
            return unknown_array("squeeze axis not known")
        axes = {a % rank for a in axes}
        if any(dims[a] != 1 for a in axes):
            return unknown_array("squeeze of an axis not of size 1 (numpy raises)")
        kept = tuple(d for i, d in enumerate(dims) if i not in axes)
    out = ArrayValue(Shape(kept), array.dtype, None, array.origin)
    if array.labels is not None and array.labels.encoding == "ids" and len(kept) == 1:
        out.labels = array.labels
    return out


def expand_dims(array: ArrayValue, axis) -> ArrayValue:
    if not array.shape.known_rank:
        return unknown_array("expand_dims of unknown rank")
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    rank = len(array.dims) + len(axes)
    if not all(is_known(a) and -rank <= a < rank for a in axes):
        return unknown_array("expand_dims axis not known")
    places = {a % rank for a in axes}
    if len(places) != len(axes):
        return unknown_array("repeated axis")
    rest = iter(array.dims)
    dims = tuple(1 if i in places else next(rest) for i in range(rank))
    return ArrayValue(Shape(dims), array.dtype, None, array.origin)


def astype(array: ArrayValue, dtype) -> ArrayValue:
    name = dtype_name(dtype)
    labels = array.labels
    if labels is not None and labels.encoding == "ids" and name not in INTEGER_DTYPES:
        labels = labels if name in FLOAT_DTYPES else None  # float ids are still ids
    return ArrayValue(array.shape, name, labels, array.origin)


def _args(args, kwargs, *names):
    out = list(args[:len(names)])
    for name in names[len(out):]:
        out.append(kwargs.get(name))
    return out


def _resized(args, kwargs) -> Shape | None:
    """ndarray.resize(new_shape) or resize(*dims): exactly that shape (numpy pads with zeros
    or drops elements), None when a size is not read or is negative (numpy raises)."""
    new = size_tuple(args[0] if len(args) == 1 else tuple(args) if args else
                     kwargs.get("new_shape"))
    if new is None or not all(is_known(d) and d >= 0 for d in new):
        return None
    return Shape(new)


def _method_reshape(a, args, kwargs, interp=None, node=None):
    new = args[0] if len(args) == 1 else tuple(args) if args else kwargs.get("shape")
    if args:  # (`shape=` by keyword: numpy before 2.1 refuses the keyword itself)
        reshape_faults.check(interp, a, size_tuple(new), node)
    out = reshape(a, new)
    if new in (-1, (-1,), [-1]) and isinstance(out, ArrayValue):
        out.labels = _flattened(a)
    return out


def _method_transpose(a, args, kwargs):
    axes = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else tuple(args)
    return transpose(a, axes or None)


def _method_max(a, args, kwargs):
    """y.max() of labels whose largest id is known (np.max(y) + 1 classes, a common idiom);
    of a float array, a value of its dtype (_float_extreme)."""
    if args or kwargs or a.labels is None or a.labels.encoding != "ids" or \
            a.labels.classes is None:
        return _float_extreme(a, args, kwargs)
    return a.labels.classes - 1


def _float_extreme(a, args, kwargs):
    """a.min() / a.max() of a non-empty float array: one value, a 0-d array of its dtype, as
    numpy's scalar broadcasts (`(x - x.min()) / (x.max() - x.min())` keeps x's shape)."""
    if args or kwargs or a.dtype not in FLOAT_DTYPES or a.labels is not None or \
            not a.shape.known_rank or not all(isinstance(d, int) and d > 0 for d in a.dims):
        return Unknown("min() / max() of data")
    return ArrayValue(Shape(()), a.dtype)


def argmax(array: ArrayValue, axis=None) -> ArrayValue:
    """np.argmax(a, axis): the axis removed; of one-hot labels, their integer class ids."""
    if not array.shape.known_rank or axis is None or not is_known(axis) or \
            not -len(array.dims) <= axis < len(array.dims):
        return unknown_array("argmax without a known axis")
    at = axis % len(array.dims)
    dims = tuple(d for i, d in enumerate(array.dims) if i != at)
    onehot = array.labels is not None and array.labels.encoding == "onehot" and \
        at == len(array.dims) - 1
    return ArrayValue(Shape(dims), "int64", Labels("ids") if onehot else None, array.origin)


def _flatten(a, args, kwargs):
    total = product(a.dims) if a.shape.known_rank else Unknown("unknown rank")
    return ArrayValue(Shape((total,)), a.dtype, _flattened(a), a.origin)


def _flattened(a) -> Labels | None:
    """One-hot rows flattened into one axis (rules/edges.py names the line that did it):
    encoding "flattened", the one-hot width kept; no other check reads that encoding."""
    if a.labels is None or a.labels.encoding != "onehot" or not a.shape.known_rank or \
            len(a.dims) != 2:
        return None
    return Labels("flattened", a.labels.classes)


def _tolist(a, args, kwargs):
    """a.tolist() of a 1-D array of known length: a list that long, of values not known (its
    len() is what a loop over it reads); longer or deeper arrays are not unrolled."""
    if args or kwargs or not a.shape.known_rank or len(a.dims) != 1 or \
            not isinstance(a.dims[0], int) or not 0 <= a.dims[0] <= _LISTED:
        return Unknown("tolist() of an array not read as a list")
    return [Unknown("an array's value")] * a.dims[0]


_LISTED = 4096  # the longest array read as a list of its values (a forecasting window)
_METHODS = {
    "reshape": _method_reshape,
    "astype": lambda a, args, kw: astype(a, _args(args, kw, "dtype")[0]),
    "transpose": _method_transpose,
    "squeeze": lambda a, args, kw: squeeze(a, _args(args, kw, "axis")[0]),
    "flatten": _flatten,
    "ravel": _flatten,
    "copy": lambda a, args, kw: ArrayValue(a.shape, a.dtype, a.labels, a.origin),
    "max": _method_max,
    "min": _float_extreme,
    "argmax": lambda a, args, kw: argmax(a, _args(args, kw, "axis")[0]),
    "tolist": _tolist,
}


# -- where an array's shape was written (issue 16) ---------------------------------------------
# ArrayValue.built_at is the numpy call, array method or dataset loader that made the array;
# the shape tuple read from it remembers that place, so a layer whose input_shape= is read from
# the data can point at the data line (rules/keras_places.py).

class ArrayShape(tuple):
    """A data array's shape as a tuple (`x.shape`), with the place that built the array;
    a slice of it (`x.shape[1:]`) keeps that place, anything else made from it does not."""
    built_at = None

    def __new__(cls, dims, built_at=None):
        made = super().__new__(cls, dims)
        made.built_at = built_at
        return made

    def __getitem__(self, key):
        part = super().__getitem__(key)
        return ArrayShape(part, self.built_at) if isinstance(key, slice) else part

    def __reduce__(self):  # pickles as a plain tuple subclass with its place
        return ArrayShape, (tuple(self), self.built_at)


def stamp(result, interp, node, sources=()):
    """Give each array `result` holds (itself, or the items of a tuple or list, one level
    deep, as load_data's ((x, y), (x, y)) two) the place that made it: a source array of the
    same shape keeps its own (astype, np.asarray change no shape, so they wrote none), else
    the call's place. Returns result."""
    if interp is None or node is None:
        return result
    for array in _arrays(result):
        stamped(array, sources, interp, node)
        if array.sized_at is None:
            array.sized_at = next((s.sized_at for s in sources if isinstance(s, ArrayValue)
                                   and s.sized_at is not None
                                   and s.sized_at.kept_by(array)), None)
        if array.built_at is not None:
            continue
        same = next((s for s in sources if isinstance(s, ArrayValue) and s.built_at is not None
                     and s.shape.known_rank and array.shape.known_rank
                     and tuple(s.dims) == tuple(array.dims)), None)
        array.built_at = same.built_at if same is not None else interp.position(node)
        array.called_at = same.called_at if same is not None else calls_now(interp)
        array.sizes_from = same.sizes_from if same is not None else sizes_kept(array, sources)
    return result


def _arrays(value, depth=0):
    if isinstance(value, ArrayValue):
        yield value
    elif isinstance(value, (tuple, list)) and depth < 2 and len(value) <= 16:
        for item in value:
            yield from _arrays(item, depth + 1)
