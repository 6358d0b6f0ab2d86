"""Data shapes the interpreter infers (frameworks/arrays.py, numpy_api.py, datasets.py), each
checked against the array real numpy (or keras) builds from the same code."""
import os
import re

import pytest

from shapelint.frameworks.arrays import ArrayValue
from shapelint.frameworks.datasets import DATASETS, split_sizes
from shapelint.pipeline.analysis import analyse
from static_out import static_out

np = pytest.importorskip("numpy")

HEADER = "import numpy as np\nimport torch\n"

# Each case: code that assigns `out` from numpy calls. shapelint reads it; numpy runs it.
CASES = [
    "out = np.zeros((3, 4))",
    "out = np.zeros(5, dtype=np.int32)",
    "out = np.ones((2, 3, 4), dtype='float32')",
    "out = np.empty([7, 2])",
    "out = np.full((2, 2), 7)",
    "out = np.full((2, 2), 7.5)",
    "out = np.zeros_like(np.ones((3, 5), dtype=np.uint8))",
    "out = np.random.rand(4, 5)",
    "out = np.random.randn(6)",
    "out = np.random.random((3, 2))",
    "out = np.random.random(size=(3, 2))",
    "out = np.random.randint(0, 10, size=(100,))",
    "out = np.random.randint(0, 10, (20, 1))",
    "out = np.random.normal(0, 1, (8, 3))",
    "out = np.random.normal(size=(8, 3))",
    "out = np.random.uniform(-1, 1, size=(4, 4, 2))",
    "out = np.arange(10)",
    "out = np.arange(2, 11, 3)",
    "out = np.arange(0, 1, 0.1)",
    "out = np.arange(5.0)",
    "out = np.array([[1, 2, 3], [4, 5, 6]])",
    "out = np.array([[1.0, 2], [3, 4]])",
    "out = np.array([True, False])",
    "out = np.array([0, 1, 2, 1], dtype='float32')",
    "out = np.eye(4)",
    "out = np.eye(3, 5)",
    "out = np.stack([np.zeros((2, 3)), np.ones((2, 3))])",
    "out = np.stack([np.zeros((2, 3)), np.ones((2, 3))], axis=-1)",
    "out = np.concatenate([np.zeros((2, 3)), np.ones((4, 3))])",
    "out = np.concatenate([np.zeros((2, 3)), np.ones((2, 1))], axis=1)",
    "out = np.reshape(np.zeros((6, 4)), (3, -1))",
    "out = np.zeros((6, 4)).reshape(-1, 2, 2)",
    "out = np.zeros((6, 4)).reshape((24,))",
    "out = np.expand_dims(np.zeros((6, 4)), -1)",
    "out = np.expand_dims(np.zeros((6, 4)), 0)",
    "out = np.expand_dims(np.zeros((6, 4)), axis=(0, 3))",
    "out = np.transpose(np.zeros((2, 3, 4)))",
    "out = np.transpose(np.zeros((2, 3, 4)), (0, 2, 1))",
    "out = np.zeros((2, 3, 4)).transpose(1, 0, 2)",
    "out = np.zeros((2, 3, 4)).T",
    "out = np.squeeze(np.zeros((5, 1, 3, 1)))",
    "out = np.zeros((5, 1, 3, 1)).squeeze(axis=1)",
    "out = np.zeros((5, 1)).squeeze(-1)",
    "out = np.zeros((8, 28, 28))[:, None]",
    "out = np.zeros((8, 28, 28))[..., None]",
    "out = np.zeros((8, 28, 28))[..., np.newaxis]",
    "out = np.zeros((8, 28, 28))[:, :, :, np.newaxis]",
    "out = np.zeros((8, 28, 28))[:5]",
    "out = np.zeros((8, 28, 28))[2:-1, ::2]",
    "out = np.zeros((8, 28, 28))[0]",
    "out = np.zeros((8, 28, 28))[-1, 3]",
    "out = np.zeros((8, 28, 28))[:, 3:100]",
    "out = np.zeros((8, 4))[[0, 2, 2]]",
    "out = np.eye(5)[np.array([0, 4, 2])]",
    "out = np.eye(3)[np.random.randint(0, 3, size=(7,))]",
    "out = np.zeros((8, 28, 28), dtype=np.uint8).astype('float32') / 255.0",
    "out = np.zeros((8, 28, 28), dtype=np.uint8) / 255",
    "out = np.zeros((8, 3)) + np.ones((1, 3))",
    "out = np.zeros((8, 1)) * np.ones((3,))",
    "out = np.zeros((8, 3), dtype=np.float32) * 2.0",
    "out = np.zeros((8, 3)).flatten()",
    "out = np.zeros((6, 4)).copy()",
    "a = np.zeros((10, 3)); out = a[: len(a) // 2]",
    "out = np.reshape(np.zeros((6, 4)), shape=(4, 6))",
    "out = np.zeros((3, 4)) ** 2",
    "out = 2 - np.zeros((3, 4), dtype=np.int32)",
    "out = np.zeros((3, 4))[..., 1:3, None]",
    "out = np.zeros((3, 4))[None, ..., None]",
    "out = np.zeros((2, 3))[1, ...]",
    "out = np.zeros((3, 4))[:, [0, 1]]",
    "out = np.vstack([np.zeros(3), np.ones(3)])",
    "out = np.vstack([np.zeros((2, 3)), np.ones((5, 3))])",
    "out = np.hstack([np.zeros(3), np.ones(4)])",
    "out = np.hstack([np.zeros((2, 3)), np.ones((2, 1))])",
    "out = np.argmax(np.eye(4)[np.array([1, 3, 0])], axis=1)",
    "out = np.eye(4)[np.array([1, 3, 0])].argmax(-1)",
    "a = np.zeros((10, 3)); out = np.zeros((a.shape[0], a.ndim))",
    # a @ b by numpy.matmul's rule (frameworks/array_products.py)
    "out = np.zeros((3, 4)) @ np.ones((4, 5))",
    "out = np.zeros((28, 28, 4))[..., :3] @ np.array([0.299, 0.587, 0.114])",
    "out = np.ones(4) @ np.ones((2, 4, 5))",
    "out = np.ones((2, 1, 3, 4)) @ np.ones((6, 4, 2))",
    "out = np.ones(4) @ np.ones(4)",
    "out = np.ones((7, 4), dtype='float32') @ np.ones((4, 1), dtype='float32')",
    # `for row in x`: each row of an array of known, small length (frameworks/array_rows.py)
    "rows = []\nfor row in np.zeros((12, 28, 28, 4)):\n    rows.append(row[..., :2])\n"
    "out = np.array(rows)",
    "rows = []\nfor a, b in zip(np.zeros((5, 3)), np.ones((5, 2))):\n"
    "    rows.append(np.concatenate([a, b]))\nout = np.stack(rows)",
    "rows = []\nfor v in np.arange(6):\n    rows.append(np.zeros(2))\nout = np.array(rows)",
]


def _static(code):
    return static_out(HEADER, code)


@pytest.mark.parametrize("code", CASES)
def test_numpy_shapes_and_dtypes(code):
    real = {}
    exec(HEADER + code, real)
    got = _static(code)
    assert isinstance(got, ArrayValue), got
    assert got.shape.dims == tuple(real["out"].shape)
    if got.dtype is not None:
        assert got.dtype == str(real["out"].dtype)


UNKNOWN = [
    "out = np.zeros(n)",
    "out = np.zeros((n, 3))[:k]",
    "out = np.random.rand(n, 2)",
    "out = np.load('x.npy')",
    "out = np.zeros((n, 4)).reshape(-1, 2)",
    "out = np.array(read())",
    "out = np.zeros((3, n)) @ np.ones((4, 5))",
    "out = np.zeros((3, 4)) @ np.ones((3, 5))",
    # more rows than are read one by one: a loop of unknown length, the list's count unknown
    "rows = []\nfor row in np.zeros((65, 4)):\n    rows.append(row)\nout = np.array(rows)",
    "rows = []\nfor row in np.zeros((n, 4)):\n    rows.append(row)\nout = np.array(rows)",
    "a = np.zeros((3, 4)); out = a[a > 0]",
    "out = np.zeros((3, 4))[np.array([True, False, True])]",
]


@pytest.mark.parametrize("code", UNKNOWN)
def test_unknown_stays_unknown(code):
    got = _static("n = int(input())\nk = int(input())\n" + code)
    dims = getattr(getattr(got, "shape", None), "dims", None)
    assert dims is None or any(not isinstance(d, int) for d in dims), dims


def test_label_encodings():
    code = ("ids = np.array([0, 2, 1, 2])\nhot = np.eye(3)[ids]\n"
            "col = ids.reshape(-1, 1)\nout = ids\n")
    analysis = analyse(HEADER + code, "case.py", whole_file=True)
    scope = analysis.module.scope.vars
    assert (scope["ids"].labels.encoding, scope["ids"].labels.classes) == ("ids", 3)
    assert (scope["hot"].labels.encoding, scope["hot"].labels.classes) == ("onehot", 3)
    assert scope["col"].labels.encoding == "ids"
    assert scope["col"].shape.dims == (4, 1)


def test_torch_tensors_of_arrays():
    torch = pytest.importorskip("torch")
    for fn in ("from_numpy", "tensor", "as_tensor", "Tensor"):
        code = f"a = np.zeros((8, 3, 5), dtype=np.float32)\nt = torch.{fn}(a)\n"
        analysis = analyse(HEADER + code, "case.py", whole_file=True)
        real = {}
        exec(HEADER + code, real)
        assert analysis.module.scope.vars["t"].shape.dims == tuple(real["t"].shape)
        assert isinstance(real["t"], torch.Tensor)


# -- keras utilities, run for real ---------------------------------------------------------

KERAS_CASES = [
    "y = np.random.randint(0, 4, size=(9,)); out = keras.utils.to_categorical(y, 4)",
    "y = np.random.randint(0, 4, size=(9, 1)); out = keras.utils.to_categorical(y, num_classes=6)",
    "y = np.array([0, 3, 1]); out = keras.utils.to_categorical(y)",
    "y = np.array([[0], [3], [1]]); out = keras.utils.to_categorical(y)",
]


@pytest.mark.parametrize("code", KERAS_CASES)
def test_to_categorical_matches_keras(code):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    real = {"keras": keras}
    exec(HEADER + code, real)
    got = _static("import keras\n" + code)
    assert got.shape.dims == tuple(real["out"].shape)
    assert got.dtype == str(real["out"].dtype)
    assert got.labels.encoding == "onehot" and got.labels.classes == real["out"].shape[-1]


def test_to_categorical_without_classes_of_unknown_labels_is_unknown_width():
    got = _static("import keras\ny = np.random.randint(0, 4, size=(9,))\n"
                  "out = keras.utils.to_categorical(y)")
    assert got.shape.dims[0] == 9 and not isinstance(got.shape.dims[1], int)


def test_tf_one_hot_shape():
    got = _static("import tensorflow as tf\ny = np.zeros((7,), dtype='int64')\n"
                  "out = tf.one_hot(y, 5)")
    assert got.shape.dims == (7, 5) and got.dtype == "float32"  # tf.one_hot docs: float32


# -- keras.datasets: our table against the installed sources (downloading is not possible) ----

def _dataset_source(name):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    import importlib
    module = importlib.import_module(f"keras.src.datasets.{name}")
    with open(module.__file__) as f:
        return f.read()


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist", "cifar10", "cifar100"])
def test_image_datasets_against_keras_asserts(name):
    text = _dataset_source(name)
    asserted = {m.group(1): eval(m.group(2)) for m in re.finditer(
        r"assert (\w+)\.shape == (\([\d, ]*\))", text)}
    (xt, yt), (xv, yv) = _static(
        f"import keras\nout = keras.datasets.{name}.load_data()")
    got = {"x_train": xt, "y_train": yt, "x_test": xv, "y_test": yv}
    assert set(asserted) == set(got)
    for key, shape in asserted.items():
        assert got[key].shape.dims == shape, key
        assert got[key].dtype == "uint8" and "`uint8`" in text
    classes = re.search(r"integers in range 0-(\d+)", text)
    assert yt.labels.classes == int(classes.group(1)) + 1


def test_split_datasets_against_keras_sources():
    """Boston and California: total sizes from the docstrings, split as keras slices them."""
    boston = _dataset_source("boston_housing")
    assert "(num_samples, 13)" in boston and "int(len(x) * (1 - test_split))" in boston
    california = _dataset_source("california_housing")
    assert "600 samples" in california and "20,640 samples" in california
    assert "(num_samples, 8)" in california
    reuters = _dataset_source("reuters")
    assert "int(len(xs) * (1 - test_split))" in reuters and "46" in reuters
    (xt, yt), (xv, yv) = _static("import keras\nout = keras.datasets.boston_housing.load_data()")
    assert xt.shape.dims == (int(506 * 0.8), 13) and xv.shape.dims == (506 - int(506 * 0.8), 13)
    (xt, yt), _ = _static("import keras\nout = keras.datasets.california_housing.load_data("
                          "version='small', test_split=0.25)")
    assert xt.shape.dims == (450, 8) and yt.shape.dims == (450,)
    (xt, yt), (xv, yv) = _static("import keras\nout = keras.datasets.reuters.load_data()")
    assert (xt.shape.dims, xv.shape.dims) == ((8982,), (2246,))  # keras docs: 11,228 newswires
    assert yt.labels.classes == 46
    (xt, yt), (xv, yv) = _static("import keras\nout = keras.datasets.imdb.load_data(num_words=5)")
    assert (xt.shape.dims, yv.shape.dims) == ((25000,), (25000,))
    assert "25,000" in _dataset_source("imdb") or "25000" in _dataset_source("imdb")
    assert not isinstance(_static(
        "import keras\nout = keras.datasets.imdb.load_data(maxlen=100)"), tuple)
    assert set(DATASETS) == {"mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters",
                             "boston_housing", "california_housing"}


def test_cifar100_coarse_labels():
    (_, yt), _ = _static("import keras\nout = keras.datasets.cifar100.load_data("
                         "label_mode='coarse')")
    assert yt.labels.classes == 20 and yt.shape.dims == (50000, 1)


# -- train_test_split -------------------------------------------------------------------------

def test_split_sizes_follow_sklearn():
    # sklearn's own docstring example: 5 samples, test_size=0.33 -> 3 train, 2 test
    assert split_sizes(5, 0.33, None) == (3, 2)
    assert split_sizes(100, None, None) == (75, 25)  # default test_size=0.25
    assert split_sizes(10, 0.25, None) == (7, 3)  # ceil(2.5) = 3 test samples
    assert split_sizes(10, 3, None) == (7, 3)
    assert split_sizes(10, None, 0.65) == (6, 4)  # floor(6.5) = 6 train samples
    assert split_sizes(10, 0.2, 5) == (5, 2)
    assert split_sizes(10, 1.5, None) is None and split_sizes(10, 10, None) is None


def test_train_test_split_several_arrays():
    code = ("from sklearn.model_selection import train_test_split\n"
            "X = np.zeros((60000, 28, 28)); y = np.zeros((60000, 10))\n"
            "out = train_test_split(X, y, test_size=0.2, random_state=0)\n")
    a, b, c, d = _static(code)
    assert [v.shape.dims for v in (a, b, c, d)] == [
        (48000, 28, 28), (12000, 28, 28), (48000, 10), (12000, 10)]


def test_load_data_parameters_follow_keras_signatures():
    import importlib
    import inspect

    from shapelint.frameworks.datasets import PARAMETERS
    _dataset_source("mnist")  # keras importable
    for name, ours in PARAMETERS.items():
        module = importlib.import_module(f"keras.src.datasets.{name}")
        real = [p for p in inspect.signature(module.load_data).parameters
                if p != "kwargs"]
        assert tuple(real[:len(ours)]) == ours, name
    (xt, _), (xv, _) = _static("import keras\nout = keras.datasets.boston_housing.load_data("
                               "'boston_housing.npz', 0.1)")
    assert xt.shape.dims == (int(506 * 0.9), 13)


LABELS_WRITTEN = (
    "import numpy as np\nfrom keras import layers, models, utils\n"
    "x = np.random.rand(6, 4).astype('float32')\n"
    "y = np.array([0, 1, 0, 1, 0, 1])\n"
    "kept = y\n"
    "y[4:] = 2\n"
    "labels = utils.to_categorical(kept)\n"
    "model = models.Sequential([layers.Input(shape=(4,)), layers.Dense(3, activation='softmax')])\n"
    "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
    "model.fit(x, labels, epochs=1, verbose=0)\n")


def _label_findings(source):
    return [(d.line, d.code.code) for d in analyse(source, "m.py").diagnostics()
            if d.code.code.startswith(("SHP1", "SHP2"))]


def test_an_item_written_into_labels_follows_their_class_count():
    """`y[4:] = 2` makes three classes out of two (numpy writes into the array every name bound
    to it sees). A write that certainly reaches a row with an id at least the largest sets the
    count; any other write makes it unknown, never the count before. Real Keras runs
    LABELS_WRITTEN, and raises for each source below that has a finding."""
    assert _label_findings(LABELS_WRITTEN) == []
    two = LABELS_WRITTEN.replace("Dense(3,", "Dense(2,")  # three classes for two units: raises
    assert _label_findings(two) == [(8, "SHP110")]
    assert _label_findings(two.replace("y[4:] = 2", "y[5] = 2")) == [(8, "SHP110")]
    assert _label_findings(LABELS_WRITTEN.replace("y[4:] = 2\n", "")) == [(7, "SHP110")]
    for unknown in ("y[6:] = 2",  # an empty slice writes nothing: two classes, Keras runs
                    "y[1] = 0",  # the largest id may stay or fall
                    "if x.sum() > 3:\n    y[4:] = 2"):  # a write that may not happen
        assert _label_findings(two.replace("y[4:] = 2", unknown)) == []
