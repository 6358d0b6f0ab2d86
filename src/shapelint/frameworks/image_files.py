"""One image file as Keras reads it: keras.utils.load_img(path, color_mode="rgb",
target_size=None, ...) gives a PIL image, keras.utils.img_to_array(img, data_format=None,
dtype=None) the array of it (the older keras.preprocessing.image names are the same functions).

Shapes as keras/src/utils/image_utils.py builds them: load_img converts the file to the mode
color_mode names ("rgb" RGB, 3 channels; "grayscale" L, 1; "rgba" RGBA, 4; any other raises
ValueError) and resizes it to target_size, (height, width), when given, else keeps the file's
size, which the code does not show. img_to_array gives (height, width, channels) float32,
channels first under data_format="channels_first"; a grayscale image gets its channel axis
(h, w, 1). np.asarray of the image is PIL's own array: uint8, (h, w) for L, (h, w, c) else.
A call this module cannot read (a positional argument after the path, whose meaning differs
between Keras 3 and tf.keras 2, `grayscale=`, an unknown mode or size) is unknown, never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.dims import Unknown, is_known
from . import pil_images
from .arrays import FLOAT_DTYPES, ArrayValue, array_of, dtype_name, unknown_array

CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}
LOAD_NAMES = ("keras.utils.load_img", "keras.preprocessing.image.load_img",
              "keras.utils.image_utils.load_img", "keras_preprocessing.image.load_img",
              "keras_preprocessing.image.utils.load_img")
ARRAY_NAMES = ("keras.utils.img_to_array", "keras.preprocessing.image.img_to_array",
               "keras.utils.image_utils.img_to_array", "keras_preprocessing.image.img_to_array",
               "keras_preprocessing.image.utils.img_to_array")
_LOAD_KEYWORDS = frozenset(("path", "color_mode", "target_size", "interpolation",
                            "keep_aspect_ratio"))


class Loaded(str):
    """The origin of an array read from one image file ("load_img(color_mode='rgb') at line
    12"), carrying the load_img call's place and color_mode for the rule that places a channel
    mismatch there (rules/keras_places.py)."""
    at: tuple | None = None
    color_mode: str = ""


@dataclass(frozen=True)
class LoadedImage:
    """The PIL image load_img returns: its color_mode, channels, height and width, and the
    place of the call, (path, line, col)."""
    color_mode: str
    channels: int
    height: object
    width: object
    at: tuple | None = None

    def origin(self) -> str:
        text = f"load_img(color_mode={self.color_mode!r})"
        origin = Loaded(f"{text} at line {int(self.at[1])}" if self.at and self.at[1] else text)
        origin.at, origin.color_mode = self.at, self.color_mode
        return origin

    def shapelint_attribute(self, interp, name):
        return Unknown(f"Image.{name} is outside the analysis")

    def array(self, dtype="float32", channels_first=False) -> ArrayValue:
        dims = (self.channels, self.height, self.width) if channels_first else \
            (self.height, self.width, self.channels)
        return array_of(dims, dtype, None, self.origin())

    def pil_array(self) -> ArrayValue:
        """np.asarray(img): PIL's uint8 array, no channel axis for a grayscale image."""
        dims = (self.height, self.width) + ((self.channels,) if self.channels > 1 else ())
        return array_of(dims, "uint8" if self.color_mode != "grayscale" else None, None,
                        self.origin())


def load_img(args, kwargs, at=None):
    if len(args) > 1 or not set(kwargs) <= _LOAD_KEYWORDS:
        return Unknown("load_img arguments read differently by Keras 3 and tf.keras")
    mode = kwargs.get("color_mode", "rgb")
    if mode not in CHANNELS:
        return Unknown("load_img color_mode not known")
    size = kwargs.get("target_size")
    if size is None:
        height, width = Unknown("image height"), Unknown("image width")
    elif isinstance(size, (tuple, list)) and len(size) == 2 and \
            all(is_known(s) and isinstance(s, int) and not isinstance(s, bool) for s in size):
        height, width = size
    else:
        return Unknown("load_img target_size not known")
    return LoadedImage(mode, CHANNELS[mode], height, width, at)


def img_to_array(args, kwargs):
    img = args[0] if args else kwargs.get("img")
    data_format = args[1] if len(args) > 1 else kwargs.get("data_format")
    dtype = args[2] if len(args) > 2 else kwargs.get("dtype")
    formats = (None, "channels_last", "channels_first")
    if data_format not in formats:
        return unknown_array("img_to_array of a data_format shapelint cannot read")
    name = dtype_name(dtype) if dtype is not None else "float32"
    if isinstance(img, (LoadedImage, pil_images.Image)):
        return img.array(name, data_format == "channels_first")
    if isinstance(img, ArrayValue) and img.shape.known_rank and len(img.dims) in (2, 3):
        # np.asarray(img, dtype): three axes kept (channels moved first under
        # channels_first), two given a channel axis; any other rank raises ValueError
        dims = tuple(img.dims) if len(img.dims) == 3 else tuple(img.dims) + (1,)
        dims = (dims[2], dims[0], dims[1]) if data_format == "channels_first" else dims
        return array_of(dims, name, None, img.origin)
    return unknown_array("img_to_array of an image shapelint cannot read")


def preprocess_input(args, kwargs):
    """keras.applications' preprocess_input on a NumPy array (imagenet_utils, per model):
    every mode ("caffe", "tf", "torch", or none) scales and shifts in place, so the shape
    stays; a float array keeps its dtype, any other becomes float32, or stays as it is for
    the models that pass their input through (EfficientNet, ConvNeXt): not known."""
    x = args[0] if args else kwargs.get("x")
    if not isinstance(x, ArrayValue):
        return unknown_array("preprocess_input of a value shapelint cannot read")
    dtype = x.dtype if x.dtype in FLOAT_DTYPES else None
    return ArrayValue(x.shape, dtype, None, x.origin)


def call(name: str, args, kwargs, at=None):
    """The two functions above by canonical name; NotImplemented for any other name. `at` is
    the call's place, (path, line, col)."""
    if name in LOAD_NAMES:
        return load_img(tuple(args), dict(kwargs), at)
    if name in ARRAY_NAMES:
        return img_to_array(tuple(args), dict(kwargs))
    if name.startswith("keras.applications.") and name.endswith(".preprocess_input"):
        return preprocess_input(tuple(args), dict(kwargs))
    return NotImplemented
