"""A script's NumPy reshape to another element count (frameworks/array_reshape_faults.py): SHP104
on the reshape's line exactly when numpy raises on the same code, and never when a size is not
known. Also the values the forecasting scripts build their windows with (np.cumsum, a float
array's min() / max(), tolist()), each compared with what numpy makes of the same code."""
import pytest

from shapelint import check_source
from shapelint.frameworks.arrays import ArrayValue
from shapelint.pipeline.analysis import analyse
from static_out import static_out

np = pytest.importorskip("numpy")

HEADER = "import numpy as np\n"
CHECKED = HEADER + "import keras\n"  # (a file naming no framework is not read)

RESHAPES = [
    "a = np.zeros((1, 99))\nout = a.reshape((1, 100, 1))",
    "a = np.zeros((1, 99))\nout = a.reshape(1, 100, 1)",
    "a = np.zeros((1, 99))\nout = np.reshape(a, (3, -1))",
    "a = np.zeros((1, 99))\nout = np.reshape(a, (2, -1))",
    "a = np.zeros((1, 99))\nout = np.reshape(a, shape=(1, 99, 1))",
    "a = np.zeros((1, 99))\nout = np.reshape(a, shape=(1, 100))",
    "out = np.zeros(12).reshape(-1, 5)",
    "out = np.zeros(12).reshape(-1, 4)",
    "out = np.zeros(0).reshape(-1, 0)",
    "out = np.ones((4, 6)).reshape(8, 3)",
    "out = np.ones((4, 6)).reshape((5, 5))",
    "out = np.arange(10).reshape(2, 5)",
    "out = np.arange(10).reshape(-1, 3)",
]


def _reshape_faults(code: str) -> list:
    """The SHP104s of code read whole (a lint run reads only what feeds a model: below)."""
    return [d for d in analyse(CHECKED + code + "\n", "case.py", whole_file=True).diagnostics()
            if d.code.code == "SHP104"]


def _numpy_raises(code: str) -> bool:
    try:
        exec(CHECKED + code, {})  # noqa: S102 - our own snippet
    except ValueError:
        return True
    return False


@pytest.mark.parametrize("code", RESHAPES)
def test_reported_exactly_when_numpy_raises(code):
    found = _reshape_faults(code)
    last = len((CHECKED + code).splitlines())
    assert [d.line for d in found] == ([last] if _numpy_raises(code) else [])


def test_the_line_that_made_the_array_is_named():
    """A lint run reads the reshape that feeds the model's predict()."""
    code = ("model = keras.Sequential([keras.Input((100, 1)), keras.layers.Dense(1)])\n"
            "x = np.zeros((440, 1))[341:].reshape(1, -1)\nwindow = x.reshape((1, 100, 1))\n"
            "model.predict(window)\n")
    [found] = [d for d in check_source(CHECKED + code, "case.py") if d.code.code == "SHP104"]
    assert (found.line, found.data["data_at_line"]) == (5, 4)
    assert type(found.data["data_at_line"]) is int  # what SARIF and the bench read
    assert "cannot reshape array of size 99 into shape (1,100,1)" in found.message


@pytest.mark.parametrize("code", [
    "def f(n):\n    return np.zeros(n).reshape(1, 100, 1)\n",  # the size is not known
    "a = np.zeros((1, 99))\nif len(input()) > 3:\n    out = a.reshape(1, 100, 1)\n",
    "a = np.zeros((1, 99))\nout = a.reshape(1, -1, -1)\n",  # not a count: another error
])
def test_what_is_not_certain_is_not_reported(code):
    assert not _reshape_faults(code)


VALUES = [
    "out = np.cumsum(np.random.randn(57))",
    "out = np.cumsum(np.zeros((3, 4)))",
    "out = np.cumsum(np.zeros((3, 4), dtype=np.float32), axis=1)",
    "x = np.cumsum(np.random.randn(30)) + 1.0\nout = (x - x.min()) / (x.max() - x.min())",
    "x = np.zeros((6, 2))\nout = (x - x.min()).reshape(-1, 1)",
    "out = np.ones((3, 5), dtype=np.float32).max()",
]


@pytest.mark.parametrize("code", VALUES)
def test_values_as_numpy_makes_them(code):
    real = {}
    exec(HEADER + code, real)  # noqa: S102 - our own snippet
    got = static_out(HEADER, code)
    assert isinstance(got, ArrayValue), got
    assert got.shape.dims == tuple(np.shape(real["out"]))
    assert got.dtype is None or got.dtype == str(real["out"].dtype)


def test_tolist_of_a_known_length_reads_its_len():
    code = "x = np.zeros((440, 1))[341:].reshape(1, -1)\nout = len(x[0].tolist())"
    real = {}
    exec(HEADER + code, real)  # noqa: S102 - our own snippet
    assert static_out(HEADER, code) == real["out"] == 99


@pytest.mark.parametrize("code", [
    "out = np.arange(5).max()",  # an integer array: the int idiom stays unknown
    "out = np.zeros((0, 3)).min()",  # numpy raises on an empty array
    "out = np.zeros((3, 4)).tolist()",  # not unrolled
])
def test_what_is_not_read_stays_unknown(code):
    got = static_out(HEADER, code)
    assert not isinstance(got, (ArrayValue, list)), got
