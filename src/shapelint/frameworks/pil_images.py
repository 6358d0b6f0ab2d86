"""A PIL image as far as its shape goes: bands (channels), height and width, and the mode that
set them when the code names it. Pillow's documentation: Image.new(mode, size) and
Image.resize(size) take size as (width, height); convert(mode) sets the bands; copy() keeps
all; np.asarray(img) is (height, width) for a one-band mode and (height, width, bands) for the
others. Image.open of a file the code does not show has an unknown mode and size, so unknown
bands: what a file holds is never guessed."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.dims import Unknown, is_known
from ..interpreter.values import Builtin
from . import pil_files
from .arrays import array_of, unknown_array

# PIL modes by their band count (Pillow's "Modes" page); any other mode leaves it unknown
MODES = {"RGB": 3, "L": 1, "RGBA": 4, "1": 1, "CMYK": 4, "YCbCr": 3, "LAB": 3, "HSV": 3,
         "I": 1, "F": 1, "LA": 2, "P": 1}
# np.asarray's dtype for each mode (bool for "1", int32 for "I", float32 for "F")
ARRAY_DTYPES = {"1": "bool", "I": "int32", "F": "float32"}


class Made(str):
    """The origin of an array read from a PIL image ("PIL image of mode 'RGBA' at line 21"),
    carrying the place of the last call that made the image, (path, line, col), and its mode,
    for the rule that places a band mismatch there (rules/keras_places.py); and the place of
    the call that set that mode (frameworks/array_writes.py)."""
    at: tuple | None = None
    pil_mode: str = ""
    mode_at: tuple | None = None


@dataclass(frozen=True)
class Image:
    """A PIL image (what a dataset holds before ToTensor): channels, height, width. `mode` and
    `at` (the place of the call that made it) are known only for images the code makes."""
    channels: object
    height: object
    width: object
    mode: object = field(default=None, compare=False)
    at: tuple | None = field(default=None, compare=False)
    # the call that set the mode (Image.new, convert): resizes and copies keep it
    mode_at: tuple | None = field(default=None, compare=False)

    def shapelint_attribute(self, interp, name):
        """PIL's convert(mode) sets the channels, resize((w, h)) the size (PIL's order)."""
        if name == "convert":
            return Builtin("Image.convert", lambda i, a, k, n: self._converted(
                a[0] if a else k.get("mode"), _place(i, n)))
        if name == "resize":
            return Builtin("Image.resize", lambda i, a, k, n: self._resized(
                a[0] if a else k.get("size"), _place(i, n)))
        if name == "save":  # into a buffer read back later (pil_files)
            return Builtin("Image.save", lambda i, a, k, n: pil_files.save(i, self, a, k))
        if name == "copy":
            return Builtin("Image.copy", lambda i, a, k, n: Image(
                self.channels, self.height, self.width, self.mode, _place(i, n), self.mode_at))
        if name == "size" and is_known(self.width) and is_known(self.height):
            return (self.width, self.height)
        if name == "mode" and isinstance(self.mode, str):
            return self.mode
        return Unknown(f"Image.{name} is outside the analysis")

    def _converted(self, mode, at):
        if not isinstance(mode, str) or mode not in MODES:
            return Image(Unknown("image mode"), self.height, self.width, None, at)
        return Image(MODES[mode], self.height, self.width, mode, at, at)

    def _resized(self, size, at=None):
        pair = _pair(size)
        return Image(self.channels, pair[1], pair[0], self.mode, at, self.mode_at) if pair \
            else Unknown("Image.resize size")

    def origin(self) -> str:
        mode = self.mode if isinstance(self.mode, str) else ""
        text = f"PIL image of mode {mode!r}" if mode else "PIL image"
        made = Made(f"{text} at line {int(self.at[1])}" if self.at and self.at[1] else text)
        made.at, made.pil_mode, made.mode_at = self.at, mode, self.mode_at
        return made

    def pil_array(self):
        """np.asarray(img): (h, w) for one band, (h, w, bands) else; uint8 for the 8-bit
        modes. Unknown bands leave the rank unknown."""
        if not is_known(self.channels):
            return unknown_array("np.asarray of a PIL image of unknown mode")
        dims = (self.height, self.width) + ((self.channels,) if self.channels > 1 else ())
        dtype = ARRAY_DTYPES.get(self.mode, "uint8") if isinstance(self.mode, str) else None
        return array_of(dims, dtype, None, self.origin())

    def array(self, dtype="float32", channels_first=False):
        """keras img_to_array(img): always three axes, a one-band image given its channel
        axis; unknown bands stay an unknown size on that axis."""
        channels = self.channels if is_known(self.channels) else Unknown("image bands")
        dims = (channels, self.height, self.width) if channels_first else \
            (self.height, self.width, channels)
        return array_of(dims, dtype, None, self.origin())


def _pair(size):
    if isinstance(size, (list, tuple)) and len(size) == 2 and all(
            is_known(s) and isinstance(s, int) and not isinstance(s, bool) for s in size):
        return tuple(size)
    return None


def _place(interp, node):
    return interp.position(node) if interp is not None and node is not None else None


def call(interp, name: str, args, kwargs, node):
    """PIL.Image.open, PIL.Image.new and PIL.ImageOps.fit by canonical name; NotImplemented
    for any other."""
    if name == "PIL.Image.open":  # a file of a size and mode the file does not show, unless
        # the code saved the image into the buffer it opens (pil_files)
        saved = pil_files.opened(args[0] if args else kwargs.get("fp"), args, kwargs)
        if saved is not None:
            return Image(saved.channels, saved.height, saved.width, saved.mode,
                         _place(interp, node))
        return Image(Unknown("image mode"), Unknown("image height"), Unknown("image width"),
                     None, _place(interp, node))
    if name == "PIL.Image.new":
        mode = args[0] if args else kwargs.get("mode")
        pair = _pair(args[1] if len(args) > 1 else kwargs.get("size"))
        if not isinstance(mode, str) or mode not in MODES or pair is None:
            return Unknown("Image.new of a mode or size shapelint cannot read")
        at = _place(interp, node)
        return Image(MODES[mode], pair[1], pair[0], mode, at, at)
    if name == "PIL.ImageOps.fit":  # cropped and resized to exactly size, (w, h); mode kept
        image = args[0] if args else kwargs.get("image")
        if not isinstance(image, Image):
            return NotImplemented
        return image._resized(args[1] if len(args) > 1 else kwargs.get("size"),
                              _place(interp, node))
    return NotImplemented
