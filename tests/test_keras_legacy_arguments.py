"""Keras 1/2 keyword arguments Keras 3 refuses (catalogue/keras/legacy_arguments.py): which
layers take each name as their own parameter is derived here from the installed Keras's
constructors, and a sample of layers is built by Keras with and without them, beside
shapelint's verdict on the same code."""
from __future__ import annotations

import inspect
import re

import pytest

from shapelint.catalogue.keras.legacy_arguments import LEGACY, refused
from shapelint.pipeline.analysis import analyse


def _takes(cls, name: str, base) -> bool:
    """The class's own constructors (below keras.layers.Layer) take `name`: a parameter of one
    of them, or a key one of them reads from its **kwargs."""
    for klass in cls.__mro__:
        if klass is base or not issubclass(klass, base) or "__init__" not in vars(klass):
            continue
        init = vars(klass)["__init__"]
        if name in inspect.signature(init).parameters:
            return True
        try:
            source = inspect.getsource(init)
        except (OSError, TypeError):
            continue
        if re.search(rf"kwargs(\.pop|\.get|\[)\(?\s*['\"]{name}['\"]", source):
            return True
    return False


def test_the_layers_taking_each_legacy_name_are_those_of_the_installed_keras():
    keras = pytest.importorskip("keras")
    classes = {name: cls for name in dir(keras.layers)
               if inspect.isclass(cls := getattr(keras.layers, name))
               and issubclass(cls, keras.layers.Layer) and cls is not keras.layers.Layer}
    for name, (_, takers) in LEGACY.items():
        taking = {n for n, cls in classes.items() if _takes(cls, name, keras.layers.Layer)
                  and cls.__name__ == n}
        assert taking == set(takers), name


BUILDS = [  # (constructor, Keras 3 refuses it)
    ("Dense(1, batch_input_shape=(None, 1))", True),
    ("Dense(4, init='uniform')", True),
    ("Dense(4, W_regularizer=None)", True),
    ("Conv2D(8, 3, border_mode='same')", True),
    ("Conv2D(8, 3, subsample=(2, 2))", True),
    ("MaxPooling2D(2, dim_ordering='tf')", True),
    ("LSTM(4, batch_input_shape=(2, 3, 5))", True),
    ("Dropout(0.5, batch_size=8)", True),
    ("Dense(4, weights=None)", True),
    ("Embedding(10, 4, input_length=5)", False),
    ("Embedding(10, 4, weights=None)", False),
    ("LSTM(4, batch_size=8)", True),
    ("Dense(4, input_shape=(3,))", False),
    ("Dense(4, input_dim=3, name='d')", False),
]


@pytest.mark.parametrize("build,refuses", BUILDS)
def test_shapelint_refuses_what_keras_refuses(build, refuses):
    keras = pytest.importorskip("keras")
    code = f"import keras\nfrom keras.layers import *\n\nlayer = {build}\n"
    if refuses:
        with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
            exec(code, {"keras": keras})  # noqa: S102 - our own snippet
    else:
        exec(code, {"keras": keras})  # noqa: S102
    model = (f"import keras\nfrom keras.layers import *\n\n"
             f"model = keras.Sequential([keras.Input(shape=(6, 6, 3)), {build}])\n")
    codes = [d.code.code for d in analyse(model, "m.py").diagnostics()]
    assert ("SHP105" in codes) is refuses, codes


def test_the_finding_names_what_to_write():
    [d] = [d for d in analyse("import keras\nfrom keras.layers import Dense\n\n"
                              "model = keras.Sequential()\n"
                              "model.add(Dense(1, batch_input_shape=(None, 1)))\n",
                              "m.py").diagnostics() if d.code.severity == "error"]
    assert (d.code.code, int(d.line)) == ("SHP105", 5)
    assert "batch_input_shape=" in d.message and "input_shape=" in d.message
    assert refused("Embedding", ["input_length", "init"]) == ["init"]


@pytest.mark.parametrize("spelling", ["from tensorflow.keras.layers import Dense",
                                      "from tf_keras.layers import Dense",
                                      "import tensorflow as tf\nDense = tf.keras.layers.Dense"])
def test_a_layer_spelled_for_tf_keras_is_left_alone(spelling):
    """tf.keras is Keras 2 under TensorFlow before 2.16, which takes batch_input_shape=: what
    holds depends on the installed version, so nothing is said."""
    code = (f"import keras\n{spelling}\n\nmodel = keras.Sequential()\n"
            f"model.add(Dense(1, batch_input_shape=(None, 1)))\n")
    assert "SHP105" not in [d.code.code for d in analyse(code, "m.py").diagnostics()]
    plain = code.replace("tensorflow.keras.layers", "keras.layers").replace(
        "tf_keras.layers", "keras.layers").replace("tf.keras.layers", "keras.layers")
    assert "SHP105" in [d.code.code for d in analyse(plain, "m.py").diagnostics()]


@pytest.mark.parametrize("build", ["GaussianNoise(15.0)", "GaussianDropout(1.5)",
                                   "AlphaDropout(2.0)", "Dense(40.0)", "Embedding(10.0, 4)"])
def test_a_range_only_keras_3_checks_is_left_alone_under_tf_keras(build):
    """Keras 3 refuses these values, Keras 2 takes them (ageron/handson-ml3's hashing
    autoencoder: tf.keras.layers.GaussianNoise(15.); jeffheaton/t81_558_deep_learning's
    Dense(neuron_count * shrink)): SHP105 under keras.*, nothing under tf.keras."""
    keras = pytest.importorskip("keras")
    with pytest.raises(ValueError, match="Invalid value received|expected a positive integer|"
                       "must be a positive integer"):
        exec(f"from keras.layers import *\nlayer = {build}\n", {"keras": keras})  # noqa: S102
    code = (f"import keras\nimport tensorflow as tf\n\nmodel = keras.Sequential(["
            f"keras.Input(shape=(4,)), tf.keras.layers.{build}])\n")
    assert "SHP105" not in [d.code.code for d in analyse(code, "m.py").diagnostics()]
    plain = code.replace("tf.keras.layers", "keras.layers")
    assert "SHP105" in [d.code.code for d in analyse(plain, "m.py").diagnostics()]


KERAS2_READS = [  # Keras 3 raises on each; Keras 2 took it
    ("import keras\n", "inputs = keras.Input(shape=10)\n"
     "model = keras.Model(inputs, keras.layers.Dense(2)(inputs))", "Cannot convert"),
    ("import keras\n", "model = keras.Sequential([keras.Input(shape=(4, 4, 3)), "
     "keras.layers.AveragePooling2D()])", "pool_size"),
    ("import keras\n\n\ndef softplusk(x):\n    return keras.ops.softplus(x) + 1e-10\n\n\n"
     "keras.utils.get_custom_objects().update({'softplusk': softplusk})\n",
     "model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Activation('softplusk')])",
     "Could not interpret activation"),
]


@pytest.mark.parametrize("head, build, raised", KERAS2_READS)
def test_what_keras_2_read_is_left_alone_under_tf_keras(head, build, raised):
    """PacktPublishing/Advanced-Deep-Learning-with-Keras (tensorflow.keras): Input(shape=10),
    AveragePooling2D() with Keras 2's default pool size, an activation named by a string the
    file registers as a custom object. SHP105 under keras.*, where Keras 3 raises; nothing
    under tf.keras, where what holds depends on the TensorFlow installed."""
    keras = pytest.importorskip("keras")
    with pytest.raises((ValueError, TypeError), match=raised):
        exec(head + build + "\n", {"keras": keras})  # noqa: S102 - our own snippet
    spelled = build.replace("keras.layers", "tf.keras.layers").replace("keras.Input",
                                                                       "tf.keras.Input")
    code = head + "import tensorflow as tf\n\n" + spelled + "\n"
    assert "SHP105" not in [d.code.code for d in analyse(code, "m.py").diagnostics()], code
    assert "SHP105" in [d.code.code for d in analyse(head + build + "\n", "m.py").diagnostics()]
