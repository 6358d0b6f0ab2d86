"""Image folders as Keras reads them: keras.utils.image_dataset_from_directory(...) and
ImageDataGenerator().flow_from_directory(...), sources of (images, labels) batches whose shapes
and label encoding the call's arguments fix. The class count is the number of sub-folders, which
the file does not show: it is known only when the call lists the classes, never guessed.

Shapes as keras/src/utils/image_dataset_utils.py and keras/src/legacy/preprocessing/image.py
(DirectoryIterator) build them, channels last (Keras's default image_data_format):
- image_dataset_from_directory: images (B, *image_size, channels) float32, image_size (256,
  256), color_mode "rgb" (3; "grayscale" 1, "rgba" 4); labels by label_mode: "int" (B,) int32,
  "categorical" (B, num_classes) float32, "binary" (B, 1) float32, None no labels.
- flow_from_directory: images (B, *target_size, channels) float32, target_size (256, 256);
  labels by class_mode: "categorical" (B, num_classes), "binary" and "sparse" (B,) class ids
  as float32, "input" the images themselves, None no labels."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.dims import Unknown, is_known
from ..interpreter.values import Builtin
from .arrays import ArrayValue, Labels, array_of

CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}
BATCH = Unknown("batch of a directory source")
DEFAULT_SIZE = (256, 256)
# (signature names in order, as the two functions declare them)
DATASET_ARGS = ("directory", "labels", "label_mode", "class_names", "color_mode", "batch_size",
                "image_size")
FLOW_ARGS = ("directory", "target_size", "color_mode", "classes", "class_mode", "batch_size")
GENERATOR_NAMES = ("keras.preprocessing.image.ImageDataGenerator",
                   "keras.src.legacy.preprocessing.image.ImageDataGenerator",
                   "keras_preprocessing.image.ImageDataGenerator")
DATASET_NAMES = ("keras.utils.image_dataset_from_directory",
                 "keras.preprocessing.image_dataset_from_directory",
                 "keras.utils.image_dataset_utils.image_dataset_from_directory")


@dataclass(eq=False)
class Batches:
    """A source of (x, y) batches: fit(source) reads both; y is None when it yields no labels."""
    x: ArrayValue
    y: ArrayValue | None

    def shapelint_attribute(self, interp, name):
        return Unknown(f"{name} of a directory source is outside the analysis")


@dataclass(eq=False)
class ImageGenerator:
    """ImageDataGenerator(...): only its flow_from_directory is read; channels last unless
    data_format says otherwise (then nothing is known)."""
    channels_last: bool

    def shapelint_attribute(self, interp, name):
        if name == "flow_from_directory" and self.channels_last:
            return Builtin("ImageDataGenerator.flow_from_directory",
                           lambda i, a, k, n: flow_from_directory(i, a, k, n))
        return Unknown(f"ImageDataGenerator.{name} is outside the analysis")


def _bind(names, args, kwargs):
    out = dict(zip(names, args))
    out.update({k: v for k, v in kwargs.items() if k in names})
    return out


def _images(size, color_mode, origin):
    """(B, h, w, channels), each unknown when the call does not fix it."""
    size = DEFAULT_SIZE if size is None else size
    if not (isinstance(size, (tuple, list)) and len(size) == 2):
        return None
    dims = tuple(d if isinstance(d, int) and is_known(d) and d > 0 else Unknown("image size")
                 for d in size)
    channels = CHANNELS.get(color_mode, Unknown("color_mode")) if isinstance(color_mode, str) \
        else Unknown("color_mode")
    return array_of((BATCH,) + dims + (channels,), "float32", origin=origin)


def _class_count(names):
    return len(names) if isinstance(names, (list, tuple)) and all(
        isinstance(n, str) for n in names) else None


def _where(interp, node) -> str:
    try:
        return f" at line {interp.position(node)[1]}"
    except Exception:  # noqa: BLE001 - a position is a nicety of the message
        return ""


def image_dataset_from_directory(interp, args, kwargs, node):
    given = _bind(DATASET_ARGS, args, kwargs)
    mode = given.get("label_mode", "int")
    if "batch_size" in given and given["batch_size"] is None or \
            kwargs.get("data_format") not in (None, "channels_last"):
        return Unknown("unbatched or channels-first images")
    origin = f"image_dataset_from_directory(label_mode={mode!r}){_where(interp, node)}"
    x = _images(given.get("image_size"), given.get("color_mode", "rgb"), origin)
    if x is None:
        return Unknown("image_size shapelint cannot read")
    if mode is None or given.get("labels", "inferred") is None:
        return Batches(x, None)
    classes = _class_count(given.get("class_names")) \
        if given.get("labels", "inferred") == "inferred" else None
    if mode == "int":
        return Batches(x, array_of((BATCH,), "int32", Labels("ids", None), origin))
    if mode == "binary":
        return Batches(x, array_of((BATCH, 1), "float32", Labels("ids", None), origin))
    if mode == "categorical":
        width = classes if classes else Unknown("number of class folders")
        return Batches(x, array_of((BATCH, width), "float32", Labels("onehot", classes),
                                   origin))
    return Unknown("a label_mode shapelint cannot read")


def flow_from_directory(interp, args, kwargs, node):
    given = _bind(FLOW_ARGS, args, kwargs)
    mode = given.get("class_mode", "categorical")
    origin = f"flow_from_directory(class_mode={mode!r}){_where(interp, node)}"
    x = _images(given.get("target_size"), given.get("color_mode", "rgb"), origin)
    if x is None:
        return Unknown("target_size shapelint cannot read")
    if mode is None:
        return Batches(x, None)
    if mode == "input":
        return Batches(x, x)
    if mode in ("binary", "sparse"):
        return Batches(x, array_of((BATCH,), "float32", Labels("ids", None), origin))
    if mode == "categorical":
        classes = _class_count(given.get("classes"))
        width = classes if classes else Unknown("number of class folders")
        return Batches(x, array_of((BATCH, width), "float32", Labels("onehot", classes),
                                   origin))
    return Unknown("a class_mode shapelint cannot read")


def call(interp, name: str, args, kwargs, node):
    """The directory sources by canonical name; NotImplemented for any other name."""
    if name in DATASET_NAMES:
        return image_dataset_from_directory(interp, tuple(args), dict(kwargs), node)
    if name in GENERATOR_NAMES:
        # data_format is its 20th parameter; a call that long is not read
        return ImageGenerator(kwargs.get("data_format") in (None, "channels_last") and
                              len(args) < 20)
    return NotImplemented
