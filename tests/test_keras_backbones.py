"""frameworks/keras_backbones.py: the features a keras.applications backbone gives for an
input side, against the model Keras 3 itself builds (weights=None; its output_shape, which is
what predict() returns with the batch axis first)."""
import pytest

from shapelint.frameworks.arrays import ArrayValue
from shapelint.pipeline.analysis import analyse

# (builder, side, keyword arguments): sides that are and are not multiples of 32, so both the
# floor (VGG) and the ceiling (ResNet) of each halving are seen
CASES = [
    ("VGG16", 33, {}), ("VGG16", 75, {"pooling": "max"}), ("VGG19", 97, {}),
    ("ResNet50", 33, {}), ("ResNet50", 75, {}), ("ResNet50", 150, {"pooling": "avg"}),
    ("ResNet50", 224, {"include_top": True, "classes": 7}),
    ("ResNet101", 97, {}), ("ResNet152", 255, {}),
]


def _static(builder, side, kwargs, open_sides=False):
    options = {"include_top": False, **kwargs}
    shape = "(None, None, 3)" if open_sides else f"({side}, {side}, 3)"
    written = ", ".join(f"{k}={v!r}" for k, v in options.items())
    code = ("import numpy as np\nimport keras\n"
            f"base = keras.applications.{builder}(weights=None, input_shape={shape}, "
            f"{written})\nout = base.predict(np.zeros((5, {side}, {side}, 3)))\n")
    return analyse(code, "m.py", whole_file=True).module.scope.vars["out"]


@pytest.mark.parametrize("builder, side, kwargs", CASES)
def test_features_are_what_keras_builds(builder, side, kwargs):
    keras = pytest.importorskip("keras")
    options = {"include_top": False, **kwargs}
    build = getattr(keras.applications, builder)
    real = build(weights=None, input_shape=(side, side, 3), **options)
    expected = (5,) + tuple(real.output_shape[1:])
    got = _static(builder, side, kwargs)
    assert isinstance(got, ArrayValue) and got.shape.dims == expected
    if not options["include_top"]:  # sides left open: the same layers, the data's side
        assert _static(builder, side, kwargs, open_sides=True).shape.dims == expected


@pytest.mark.parametrize("code", [
    # Keras refuses a side below 32 without the top
    "base = keras.applications.VGG16(include_top=False, input_shape=(31, 31, 3))",
    # data of another side than the input declares: not the features of anything
    "base = keras.applications.ResNet50(include_top=False, input_shape=(224, 224, 3))\n"
    "x = np.zeros((2, 128, 128, 3))",
    # a builder not in the table
    "base = keras.applications.MobileNetV2(include_top=False, input_shape=(96, 96, 3))",
    # with the top, only the default side is read
    "base = keras.applications.VGG16(input_shape=(64, 64, 3))\nx = np.zeros((2, 64, 64, 3))",
    "base = keras.applications.ResNet50(include_top=False, input_tensor=t)",
])
def test_unread_backbones_stay_unknown(code):
    if "x =" not in code:
        code += "\nx = np.zeros((2, 224, 224, 3))"
    source = "import numpy as np\nimport keras\n" + code + "\nout = base.predict(x)\n"
    got = analyse(source, "m.py", whole_file=True).module.scope.vars["out"]
    assert not isinstance(got, ArrayValue), got


def test_module_spellings_name_the_same_builders():
    from shapelint.frameworks.keras_backbones import backbone_name
    assert backbone_name("keras.applications.resnet.ResNet101") == "ResNet101"
    assert backbone_name("keras.applications.resnet50.ResNet50") == "ResNet50"
    assert backbone_name("keras.applications.vgg16.ResNet50") is None
    assert backbone_name("keras.applications.resnet50.preprocess_input") is None
