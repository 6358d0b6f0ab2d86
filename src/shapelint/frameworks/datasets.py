"""Data from libraries: keras.datasets.*.load_data(), keras.utils.to_categorical,
tf.one_hot and sklearn's train_test_split, described by their documented results (image
folders: image_dirs.py; one image file, load_img / img_to_array: image_files.py)."""
from __future__ import annotations

import math

from ..domain.dims import Unknown, is_known
from . import image_dirs
from .arrays import ArrayValue, Labels, array_of, dtype_name, unknown_array


# name: (samples in the files, train/test split or None for a test_split argument,
#        x dims per sample, x dtype, y dims per sample, y dtype, classes)
# Sources: the docstrings and code of keras/src/datasets/*.py (Keras 3.x), which assert
# mnist/fashion_mnist x (60000, 28, 28) uint8, y (60000,) uint8; cifar10/100 x (50000, 32, 32, 3)
# uint8, y (50000, 1) uint8; imdb 25000/25000 object sequences with int labels; reuters 11228
# newswires, 46 topics, split by test_split; boston_housing 506 x 13; california_housing 20640 x 8
# ("large") or 600 x 8 ("small"), split by test_split. tests/test_arrays.py cross-checks these
# against the installed keras sources.
DATASETS = {
    "mnist": ((60000, 10000), (28, 28), "uint8", (), "uint8", 10),
    "fashion_mnist": ((60000, 10000), (28, 28), "uint8", (), "uint8", 10),
    "cifar10": ((50000, 10000), (32, 32, 3), "uint8", (1,), "uint8", 10),
    "cifar100": ((50000, 10000), (32, 32, 3), "uint8", (1,), "uint8", 100),
    "imdb": ((25000, 25000), (), "object", (), None, 2),
    "reuters": (11228, (), "object", (), None, 46),
    "boston_housing": (506, (13,), None, (), None, None),
    "california_housing": (20640, (8,), None, (), None, None),
}
# load_data's positional parameters (keras/src/datasets/*.py signatures)
PARAMETERS = {
    "mnist": ("path",), "fashion_mnist": (), "cifar10": (), "cifar100": ("label_mode",),
    "imdb": ("path", "num_words", "skip_top", "maxlen"),
    "reuters": ("path", "num_words", "skip_top", "maxlen", "test_split"),
    "boston_housing": ("path", "test_split", "seed"),
    "california_housing": ("version", "path", "test_split", "seed"),
}
CIFAR100_COARSE_CLASSES = 20
CALIFORNIA_SMALL = 600


def load_data(name: str, args, kwargs):
    """((x_train, y_train), (x_test, y_test)) of keras.datasets.<name>.load_data(...)."""
    entry = DATASETS.get(name)
    if entry is None:
        return Unknown(f"keras.datasets.{name} is not known")
    total, x_dims, x_dtype, y_dims, y_dtype, classes = entry
    names = PARAMETERS.get(name, ())
    if len(args) > len(names):
        return Unknown("load_data with more arguments than keras takes")
    kwargs = {**dict(zip(names, args)), **kwargs}
    if name in ("imdb", "reuters") and kwargs.get("maxlen") is not None:
        return Unknown("load_data(maxlen=...) drops sequences: the sample counts are not known")
    if name == "cifar100":
        mode = kwargs.get("label_mode", "fine")
        if mode not in ("fine", "coarse"):
            return Unknown("cifar100 label_mode not known")
        classes = 100 if mode == "fine" else CIFAR100_COARSE_CLASSES
    if name == "california_housing":
        version = kwargs.get("version", "large")
        if version not in ("large", "small"):
            return Unknown("california_housing version not known")
        total = CALIFORNIA_SMALL if version == "small" else total
    if isinstance(total, tuple):
        train, test = total
    else:
        split = kwargs.get("test_split", 0.2)
        if not isinstance(split, (int, float)) or isinstance(split, bool) or \
                not 0 <= split < 1:
            return Unknown("load_data test_split not known")
        train = int(total * (1 - split))  # as keras slices: x[: int(len(x) * (1 - test_split))]
        test = total - train
    origin = f"keras.datasets.{name}.load_data()"
    labels = Labels("ids", classes) if classes else None

    def part(n):
        return (array_of((n,) + x_dims, x_dtype, None, origin),
                array_of((n,) + y_dims, y_dtype, labels, origin))
    return (part(train), part(test))


def to_categorical(args, kwargs):
    """keras.utils.to_categorical(x, num_classes=None): input shape with a trailing 1 dropped,
    plus num_classes (max(x) + 1 when not given); float64 (keras/src/utils/numerical_utils)."""
    y = args[0] if args else kwargs.get("x", kwargs.get("y"))
    n = args[1] if len(args) > 1 else kwargs.get("num_classes")
    if not isinstance(y, ArrayValue) or not y.shape.known_rank:
        return unknown_array("to_categorical of labels shapelint cannot read")
    dims = tuple(y.dims)
    if len(dims) > 1 and dims[-1] == 1:
        dims = dims[:-1]
    if n is None:
        known = y.labels is not None and y.labels.encoding == "ids" and y.labels.classes
        n = y.labels.classes if known else Unknown("num_classes is max(y) + 1, not known")
    elif not is_known(n):
        n = Unknown("num_classes not known")
    labels = Labels("onehot", n) if is_known(n) else Labels("onehot")
    return array_of(dims + (n,), "float64", labels, y.origin)


def one_hot(args, kwargs):
    """tf.one_hot(indices, depth): indices' shape plus depth (axis=-1), float32."""
    y = args[0] if args else kwargs.get("indices")
    depth = args[1] if len(args) > 1 else kwargs.get("depth", kwargs.get("num_classes"))
    axis = kwargs.get("axis", -1)
    if not isinstance(y, ArrayValue) or not y.shape.known_rank or axis not in (-1, None):
        return unknown_array("one_hot of indices shapelint cannot read")
    depth = depth if is_known(depth) else Unknown("depth not known")
    dtype = dtype_name(kwargs["dtype"]) if kwargs.get("dtype") is not None else "float32"
    labels = Labels("onehot", depth) if is_known(depth) else Labels("onehot")
    return array_of(tuple(y.dims) + (depth,), dtype, labels, y.origin)


def split_sizes(n, test_size, train_size):
    """(n_train, n_test) as sklearn.model_selection._split._validate_shuffle_split computes
    them: a float test_size takes ceil(test_size * n), a float train_size floor(train_size * n),
    the other side the rest; both None means test_size=0.25. None when sklearn would raise."""
    if test_size is None and train_size is None:
        test_size = 0.25

    def count(size, rounding):
        if size is None:
            return None
        if isinstance(size, bool) or not isinstance(size, (int, float)):
            raise ValueError
        if isinstance(size, float):
            if not 0 < size < 1:
                raise ValueError
            return rounding(size * n)
        if not 0 < size < n:
            raise ValueError
        return size
    try:
        n_test, n_train = count(test_size, math.ceil), count(train_size, math.floor)
    except ValueError:
        return None
    if n_train is None:
        n_train = n - n_test
    elif n_test is None:
        n_test = n - n_train
    if n_train + n_test > n or n_train == 0:
        return None
    return int(n_train), int(n_test)


def train_test_split(args, kwargs):
    """[a_train, a_test, b_train, b_test, ...]: every array split on its first axis."""
    if not args or not all(isinstance(a, ArrayValue) and a.shape.known_rank and a.dims
                           for a in args):
        return Unknown("train_test_split of data shapelint cannot read")
    n = args[0].dims[0]
    test_size, train_size = kwargs.get("test_size"), kwargs.get("train_size")
    sizes = split_sizes(n, test_size, train_size) if is_known(n) and \
        all(a.dims[0] == n for a in args) else None
    out = []
    for a in args:
        for k, size in enumerate(sizes or (Unknown("split size"), Unknown("split size"))):
            # a random subset keeps the encoding, not the certainty that every class is in it
            labels = a.labels if a.labels is None or a.labels.encoding == "onehot" else \
                Labels("ids")
            out.append(ArrayValue(a.shape.replace(0, size), a.dtype, labels, a.origin))
    return out


def call(interp, name: str, args, kwargs, node):
    """The data functions above by canonical name; NotImplemented for any other name."""
    parts = name.split(".")
    if name.startswith("keras.datasets.") and parts[-1] == "load_data" and len(parts) == 4:
        return load_data(parts[2], tuple(args), dict(kwargs))
    if name in ("keras.utils.to_categorical", "keras.utils.np_utils.to_categorical",
                "keras.utils.numerical_utils.to_categorical"):
        return to_categorical(tuple(args), dict(kwargs))
    if name in ("tensorflow.one_hot", "keras.ops.one_hot"):
        from .keras_values import KerasTensor
        if name == "keras.ops.one_hot" and args and isinstance(args[0], KerasTensor):
            return NotImplemented  # a symbolic tensor: an operation of the graph (keras_ops)
        return one_hot(tuple(args), dict(kwargs))
    if name == "sklearn.model_selection.train_test_split":
        return train_test_split(tuple(args), dict(kwargs))
    if name.endswith((".load_img", ".img_to_array", ".preprocess_input")):
        from . import image_files  # only a file that loads an image reads it
        made = image_files.call(name, args, kwargs, interp.position(node) if node else None)
        if made is not NotImplemented:
            return made
    return image_dirs.call(interp, name, args, kwargs, node)
