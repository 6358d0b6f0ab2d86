"""keras.applications backbones as far as their features go: `ResNet50(include_top=False,
input_shape=(224, 224, 3)).predict(x)` is (N, 7, 7, 2048) for N images of 224x224, whatever the
weights. Only the builders below are read, each by the rule its layers give the feature map's
side s' from the input's side s (tests/test_keras_backbones.py builds each with Keras at
several sizes): VGG16/19 halve with five 2x2 poolings, floor each time (s // 32); ResNet50/101/
152 halve five times with padded stride-2 steps that round up (ceil(s / 32)). Their layers
and counts are not modelled: the value answers predict(), output_shape and input_shape, and
anything else, a call on a tensor included, is unknown as before."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.dims import Unknown, is_known
from ..domain.shapes import Shape
from ..interpreter.values import Builtin

# builder: (channels of the feature map, side of the map for an input side, the smallest side
# Keras accepts without the top, Keras's default side)
BACKBONES = {
    "VGG16": (512, lambda s: s // 32, 32, 224),
    "VGG19": (512, lambda s: s // 32, 32, 224),
    "ResNet50": (2048, lambda s: -(-s // 32), 32, 224),
    "ResNet101": (2048, lambda s: -(-s // 32), 32, 224),
    "ResNet152": (2048, lambda s: -(-s // 32), 32, 224),
}
# keras.applications.<module>.<Builder> spells the same builders
MODULES = {"vgg16": {"VGG16"}, "vgg19": {"VGG19"}, "resnet50": {"ResNet50"},
           "resnet": {"ResNet50", "ResNet101", "ResNet152"}}
_PARAMETERS = ("include_top", "weights", "input_tensor", "input_shape", "pooling", "classes")


def backbone_name(name: str) -> str | None:
    """The builder a canonical name calls (keras.applications.ResNet50,
    keras.applications.resnet.ResNet101), or None."""
    parts = name.split(".")
    if len(parts) not in (3, 4) or parts[:2] != ["keras", "applications"]:
        return None
    if len(parts) == 4 and parts[-1] not in MODULES.get(parts[2], ()):
        return None
    return parts[-1] if parts[-1] in BACKBONES else None


def make(builder: str, args, kwargs):
    """The backbone a call builds, or Unknown when an argument it depends on is not read."""
    given = dict(zip(_PARAMETERS, args))
    given.update(kwargs)
    reason = f"keras.applications.{builder}() with arguments shapelint does not read"
    if set(given) - set(_PARAMETERS) - {"classifier_activation", "name"} or \
            given.get("input_tensor") is not None:
        return Unknown(reason)
    include_top, pooling = given.get("include_top", True), given.get("pooling")
    if include_top not in (True, False) or pooling not in (None, "avg", "max"):
        return Unknown(reason)
    channels, side, smallest, default = BACKBONES[builder]
    shape = given.get("input_shape")
    if shape is None:
        # Keras's default: the default side with the top, any side (at least the smallest)
        # without it
        sample = (default, default, 3) if include_top else (None, None, 3)
    elif isinstance(shape, (tuple, list)) and len(shape) == 3 and \
            all(d is None or (is_known(d) and isinstance(d, int)) for d in shape):
        sample = tuple(shape)
    else:
        return Unknown(reason)
    if any(d is not None and d < smallest for d in sample[:2]):
        return Unknown(reason)  # Keras refuses it
    if include_top:
        classes = given.get("classes", 1000)
        if not (is_known(classes) and isinstance(classes, int)) or sample[:2] != (default,) * 2:
            return Unknown(reason)
        return Backbone(builder, sample, lambda _: (classes,))
    if pooling is not None:
        return Backbone(builder, sample, lambda _: (channels,))
    return Backbone(builder, sample, lambda sides: tuple(
        side(s) if s is not None else None for s in sides) + (channels,))


@dataclass(eq=False)
class Backbone:
    """A built keras.applications model: its sample's shape, and its features' for a side."""
    builder: str
    sample: tuple  # (h, w, c), None for a side left open
    features: object  # (h, w) of an input -> the features of one sample

    def shapelint_attribute(self, interp, name):
        if name == "predict":
            return Builtin(f"{self.builder}.predict", lambda i, a, k, n: self._predict(a, k))
        if name == "input_shape":
            return (None,) + self.sample
        if name == "output_shape":
            return (None,) + self.features(self.sample[:2])
        return Unknown(f"{self.builder}.{name} is outside the analysis")

    def shapelint_call(self, interp, args, kwargs, node):
        return Unknown(f"{self.builder} applied: its layers are not read", opaque=True)

    def _predict(self, args, kwargs):
        """predict(x): (N,) + features, for N images of the sample's sides and channels."""
        from .arrays import ArrayValue
        x = args[0] if args else kwargs.get("x")
        if not isinstance(x, ArrayValue) or not x.shape.known_rank or len(x.dims) != 4 or \
                not all(is_known(d) for d in x.dims[1:]):
            return Unknown(f"{self.builder}.predict() of data shapelint cannot read")
        given = tuple(x.dims[1:])
        if any(want is not None and want != got for want, got in zip(self.sample, given)):
            return Unknown(f"{self.builder}.predict() of data not of its input's shape")
        _, _, smallest, _ = BACKBONES[self.builder]
        if any(s < smallest for s in given[:2]):
            return Unknown(f"{self.builder}.predict() of images below its smallest side")
        return ArrayValue(Shape((x.dims[0],) + self.features(given[:2])), "float32")
