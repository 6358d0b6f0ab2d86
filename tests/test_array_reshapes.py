"""frameworks/array_reshape_faults.py: a numpy reshape is SHP104 exactly when numpy refuses it, for
every array and target whose sizes the analysis knows; each snippet is run with real numpy."""
import pytest

from shapelint.pipeline.analysis import analyse

np = pytest.importorskip("numpy")

# `x` made, then the reshape on the last line; a model reads the result so the analysis reads it
CASES = [
    "x = np.zeros((0, 6))\nout = x.reshape(-1, 0)",  # a -1 beside a size of 0
    "x = np.zeros((60, 28, 28))\nout = x.reshape(x.shape[0], 28, 28, 3)",
    "x = np.zeros((60, 28, 28))\nout = x.reshape(x.shape[0], 28, 28, 1)",
    "x = np.zeros((32, 7, 7, 16))\nout = x.reshape((x.shape[0], 16))",
    "x = np.zeros((32, 7, 7, 16))\nout = x.reshape((x.shape[0], 16 * 7 * 7))",
    "x = np.zeros((10, 6))\nout = x.reshape(-1, 4)",
    "x = np.zeros((10, 6))\nout = x.reshape((-1, 3))",
    "x = np.zeros((10, 6))\nout = np.reshape(x, (4, -1))",
    "x = np.zeros((10, 6))\nout = np.reshape(x, (4, 15))",
    "x = np.zeros((10, 6))\nout = x.reshape(60)",
    "x = np.zeros((10, 6))\nout = x.reshape(61)",
]
# sizes the analysis does not know: never reported
UNKNOWN = [
    "x = np.zeros((n, 6))\nout = x.reshape(4, 5)",
    "x = np.zeros((10, 6))\nout = x.reshape(n, 5)",
    "x = np.zeros((10, 6))\nif n:\n    out = x.reshape(7, 5)\nelse:\n    out = x",
    # numpy refuses this too, for a reason left unjudged: a keyword the method did not take
    # before numpy 2.1
    "x = np.zeros((10, 6))\nout = x.reshape(shape=(7, 9))",
]


def _code(snippet):
    return ("import numpy as np\nimport keras\nn = int(input())\n" + snippet +
            "\nmodel = keras.Sequential()\nmodel.predict(out)\n")


def _reported(code):
    return [d for d in analyse(code, "m.py").diagnostics() if d.code.code == "SHP104"]


@pytest.mark.parametrize("snippet", CASES)
def test_reported_exactly_when_numpy_refuses(snippet):
    try:
        exec("import numpy as np\n" + snippet, {})
        raises = False
    except ValueError:
        raises = True
    found = _reported(_code(snippet))
    assert bool(found) is raises, found
    if found:
        [d] = found
        assert d.line == _code(snippet).splitlines().index(snippet.splitlines()[-1]) + 1


@pytest.mark.parametrize("snippet", UNKNOWN)
def test_unknown_sizes_are_not_reported(snippet):
    assert not _reported(_code(snippet))
