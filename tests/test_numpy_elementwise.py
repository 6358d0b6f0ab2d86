"""np.linspace's values and the unary ufuncs (np.sin, np.exp, ...) as frameworks/numpy_api.py models
them: each result's shape and dtype checked against the array real numpy makes from the same
code; what it cannot be sure of stays unknown."""
import pytest

from shapelint.frameworks.arrays import ArrayValue
from static_out import static_out

np = pytest.importorskip("numpy")

HEADER = "import numpy as np\n"

CASES = [
    "out = np.sin(np.linspace(0, 12, 144))",
    "out = np.cos(np.linspace(0, np.pi, 10))[np.newaxis, :, np.newaxis]",
    "out = np.sin(np.linspace(0, 12, 144)).astype('float32')",
    "out = np.exp(np.zeros((3, 4), dtype=np.float32))",
    "out = np.exp(np.arange(6))",
    "out = np.tanh(np.ones((2, 5)))",
    "out = np.log1p(np.zeros((7,), dtype=np.float16))",
    "out = np.stack([np.sin(np.linspace(0, 1, 30))[i:i + 4] for i in range(20)])",
    # a dtype asked for: an array of that dtype (the values themselves are not kept)
    "out = np.sin(np.linspace(0, 1, 10, dtype=np.float32))",
    "out = np.sin(np.linspace(0, np.pi, 10, dtype=np.float32))[np.newaxis, :, np.newaxis]",
    "out = np.linspace(0, 10, num=6, dtype=np.int64)",
    "out = np.linspace(2.5, -1, 7, endpoint=False, dtype='float16')",
    # comparisons and boolean operators are elementwise: arrays of bools
    "y = np.arange(10)\nout = y == 3",
    "y = np.zeros((4, 1))\nout = (y > 0) | (y < np.ones((1, 5)))",
    "y = np.arange(10)\nout = ~((y == 2) | (y == 0))",
    "y = np.arange(6).reshape(2, 3)\nout = -(y * 2)",
]


@pytest.mark.parametrize("code", CASES)
def test_elementwise_as_numpy_does(code):
    real = {}
    exec(HEADER + code, real)
    got = static_out(HEADER, code)
    assert isinstance(got, ArrayValue), got
    assert got.shape.dims == tuple(real["out"].shape)
    assert got.dtype == str(real["out"].dtype)


@pytest.mark.parametrize("code", [
    "out = np.sin(3.0)",
    "out = np.linspace(0, 1, 10, retstep=True, dtype=np.float32)",  # (values, step)
    "out = np.linspace(np.zeros(3), 1, 10, dtype=np.float32)",  # array bounds: (10, 3)
    "out = np.sin(np.zeros((2, 2)), out=None)",
])
def test_what_is_not_certain_stays_unknown(code):
    got = static_out(HEADER, code)
    assert not isinstance(got, ArrayValue) or not got.shape.known_rank, got


def test_small_integers_leave_the_dtype_unknown():
    """numpy gives sin(int8) float16 and sin(int16) float32: not guessed."""
    for dtype in ("int8", "int16", "uint8"):
        got = static_out(HEADER, f"out = np.sin(np.zeros((3, 2), dtype=np.{dtype}))")
        assert isinstance(got, ArrayValue) and got.shape.dims == (3, 2) and got.dtype is None


def test_a_mask_keeps_an_unknown_count():
    """ageron/handson-ml3's split of Fashion MNIST, `X[~y_for_B]`: read as Python's `==`, the
    mask was False and the index -1, one sample of shape (28, 28), and its model got a false
    SHP108. A mask keeps an unknown count of samples; the other axes stay."""
    code = ("X = np.zeros((100, 28, 28))\ny = np.arange(100) % 10\n"
            "out = X[~((y == 2) | (y == 0))]")
    real = {}
    exec(HEADER + code, real)
    got = static_out(HEADER, code)
    assert tuple(real["out"].shape) == (80, 28, 28)
    assert isinstance(got, ArrayValue) and got.shape.known_rank
    assert got.shape.dims[1:] == (28, 28) and not isinstance(got.shape.dims[0], int)
