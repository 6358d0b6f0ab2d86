"""numpy.random's Generator and RandomState as frameworks/numpy_random.py models them: each
draw's shape and dtype checked against the array real numpy draws from the same code."""
import pytest

from shapelint.frameworks.arrays import ArrayValue
from static_out import static_out

np = pytest.importorskip("numpy")

HEADER = "import numpy as np\nrng = np.random.default_rng(3)\n"

CASES = [
    "out = rng.random((1700, 4))",
    "out = rng.random(size=(5, 2), dtype=np.float32)",
    "out = rng.random((1700, 4)).astype('float32')[:, :3]",
    "out = rng.integers(0, 7, size=900)",
    "out = rng.integers(5, size=(4, 1))",
    "out = rng.integers(0, 3, (6, 2), dtype=np.int32)",
    "out = rng.normal(size=(8, 3))",
    "out = rng.normal(0.0, 2.0, (8,))",
    "out = rng.standard_normal((2, 4))",
    "out = rng.standard_normal(3, dtype='float32')",
    "out = rng.uniform(-1, 1, size=(4, 4, 2))",
    "out = rng.choice(5, size=(3, 2))",
    "out = rng.choice(np.zeros((4, 3), dtype=np.float32), size=2)",
    "out = rng.permutation(6)",
    "out = rng.permutation(np.zeros((4, 3)))",
    "out = np.random.Generator(np.random.PCG64(1)).random((3, 2))",
    "out = np.random.RandomState(0).rand(2, 3)",
    "out = np.random.RandomState(0).randint(0, 3, size=(4,))",
    "out = np.random.RandomState(0).normal(0, 1, (5, 2))",
    "out = np.random.choice(10, size=(6,))",
]


def _static(code):
    return static_out(HEADER, code)


@pytest.mark.parametrize("code", CASES)
def test_generator_draws_as_numpy_does(code):
    real = {}
    exec(HEADER + code, real)
    got = _static(code)
    assert isinstance(got, ArrayValue), got
    assert got.shape.dims == tuple(real["out"].shape)
    assert got.dtype == str(real["out"].dtype)


def test_integer_draws_are_class_ids():
    got = _static("out = rng.integers(0, 7, size=(30,))")
    assert got.labels.encoding == "ids"


UNKNOWN = [
    "out = rng.random((n, 4))",
    "out = rng.integers(0, 7, size=n)",
    "out = rng.random()",
    "out = rng.normal(np.zeros((3, 2)))",  # loc broadcasts: the shape is not read, not guessed
    "out = rng.choice(read(), size=3)",
    "out = rng.shuffle(np.zeros(4))",
]


@pytest.mark.parametrize("code", UNKNOWN)
def test_unread_draws_stay_unknown(code):
    got = _static("n = int(input())\n" + code)
    dims = getattr(getattr(got, "shape", None), "dims", None)
    assert dims is None or any(not isinstance(d, int) for d in dims), dims
