"""numpy.random as the interpreter knows it: the legacy functions (np.random.rand, randint, ...),
a RandomState, whose methods are those same functions, and numpy's Generator API
(np.random.default_rng(seed) or np.random.Generator(bit_generator)), whose methods draw arrays
of the shapes and dtypes numpy.org's Generator reference gives. The seed never matters to a
shape; a size or dtype argument shapelint cannot read gives an unknown array, never a guess."""
from __future__ import annotations

from ..domain.dims import Unknown, is_known
from ..interpreter.values import Builtin
from .arrays import ArrayValue, Labels, array_of, dtype_name, size_tuple, stamp, unknown_array


def _bind(args, kwargs, names):
    out = dict(zip(names, args))
    out.update(kwargs)
    return out


def _sized(size, dtype, labels=None):
    dims = size_tuple(size)
    return unknown_array("random size not known") if dims is None else \
        array_of(dims, dtype, labels)


def _dtype(a, default):
    return dtype_name(a["dtype"]) if a.get("dtype") is not None else default


def _rand(args, kwargs):  # rand(d0, d1, ...) / randn: the sizes as separate arguments
    if kwargs or not all(is_known(d) for d in args):
        return unknown_array("random sizes not known")
    return array_of(args, "float64") if args else Unknown("a random scalar")


def _random_size(names, dtype="float64"):
    """A draw whose shape is its `size` argument: a scalar when size is left out (the scalar
    parameters before it broadcast only when they are arrays, which is not read here)."""
    def make(args, kwargs):
        a = _bind(args, kwargs, names)
        if a.get("size") is None:
            return Unknown("a random scalar") if "size" not in a else \
                unknown_array("random size not known")
        return _sized(a["size"], _dtype(a, dtype))
    return make


def _integers(names):
    """randint(low, high, size, dtype) / Generator.integers(low, high, size, dtype, endpoint):
    int64 class ids unless dtype says otherwise; which classes were drawn is not certain."""
    def make(args, kwargs):
        a = _bind(args, kwargs, names)
        if a.get("size") is None:
            return Unknown("a random integer")
        return _sized(a["size"], _dtype(a, "int64"), Labels("ids"))
    return make


def _choice(args, kwargs):
    """choice(a, size): an int `a` draws int64 from range(a); a 1-D array keeps its dtype; a
    draw from a higher-rank array adds its other axes (axis=0)."""
    a = _bind(args, kwargs, ("a", "size", "replace", "p", "axis"))
    if a.get("size") is None or a.get("axis", 0) != 0:
        return Unknown("a random choice of unread size")
    dims = size_tuple(a["size"])
    pool = a.get("a")
    if dims is None:
        return unknown_array("random size not known")
    if isinstance(pool, int) and not isinstance(pool, bool):
        return array_of(dims, "int64")
    if isinstance(pool, ArrayValue) and pool.shape.known_rank and len(pool.dims) >= 1:
        return array_of(tuple(dims) + tuple(pool.dims[1:]), pool.dtype)
    return unknown_array("random choice from a pool shapelint cannot read")


def _permutation(args, kwargs):
    """permutation(x): an int gives a shuffled arange(x), an array a shuffled copy."""
    x = args[0] if args else kwargs.get("x")
    if isinstance(x, int) and not isinstance(x, bool) and is_known(x):
        return array_of((x,), "int64")
    if isinstance(x, ArrayValue) and not kwargs.get("axis"):
        return ArrayValue(x.shape, x.dtype)
    return unknown_array("permutation of a value shapelint cannot read")


# The module-level functions, each also a method of RandomState (numpy's legacy API).
LEGACY = {
    "rand": _rand,
    "randn": _rand,
    "random": _random_size(("size",)),
    "random_sample": _random_size(("size",)),
    "sample": _random_size(("size",)),
    "ranf": _random_size(("size",)),
    "normal": _random_size(("loc", "scale", "size")),
    "uniform": _random_size(("low", "high", "size")),
    "standard_normal": _random_size(("size",)),
    "randint": _integers(("low", "high", "size", "dtype")),
    "choice": _choice,
    "permutation": _permutation,
}
# Generator's methods (numpy.random.Generator): random and standard_normal take a dtype,
# integers replaces randint; rand, randn and randint are not Generator methods.
GENERATOR = {
    "random": _random_size(("size", "dtype")),
    "standard_normal": _random_size(("size", "dtype")),
    "normal": LEGACY["normal"],
    "uniform": LEGACY["uniform"],
    "integers": _integers(("low", "high", "size", "dtype", "endpoint")),
    "choice": _choice,
    "permutation": _permutation,
}


class RandomSource:
    """A RandomState or a Generator: each method in its table draws as the table says; any
    other attribute is outside the analysis."""

    def __init__(self, kind: str, methods: dict):
        self.kind, self.methods = kind, methods

    def shapelint_attribute(self, interp, name):
        fn = self.methods.get(name)
        if fn is None:
            return Unknown(f"{self.kind}.{name} is outside the analysis")
        return Builtin(f"{self.kind}.{name}", lambda i, args, kwargs, node: stamp(
            fn(tuple(args), dict(kwargs)), i, node, args))


# numpy.random's names (after "numpy.random."), for numpy_api.FUNCTIONS
FUNCTIONS = {**LEGACY,
             "default_rng": lambda a, k: RandomSource("Generator", GENERATOR),
             "Generator": lambda a, k: RandomSource("Generator", GENERATOR),
             "RandomState": lambda a, k: RandomSource("RandomState", LEGACY)}
