"""An image file the code itself writes and reads back in memory: `buffer = io.BytesIO()`,
`image.save(buffer, format="PNG")`, `buffer.seek(0)`, `Image.open(buffer)`. Pillow's PNG plugin
writes the modes "1", "L", "LA", "P", "RGB" and "RGBA" as they are, and opening the file gives
that mode and size back: what an image read this way holds is what was saved (an RGBA PNG
opens with four bands, where a network built for RGB takes three).

Facts only: a buffer given initial bytes, saved into twice or under a condition the analysis
did not decide, saved in another format or with options beyond format / optimize /
compress_level, moved by anything but seek(0), or given to any call the analysis does not
follow, reads back an image of unknown mode and size (frameworks/pil_images.py), as before."""
from __future__ import annotations

from ..domain.dims import Unknown
from ..interpreter.values import Builtin

PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA"})
_SAVE_KEYWORDS = frozenset({"fp", "format", "optimize", "compress_level"})


class MemoryFile:
    """io.BytesIO(): the one image saved into it, whether it was rewound since, and whether
    anything else may have touched it (lost)."""

    def __init__(self):
        self.image = None
        self.rewound = False
        self.lost = False

    def shapelint_attribute(self, interp, name):
        if name == "seek":
            return Builtin("BytesIO.seek", self._seek)
        if name != "getvalue":  # getvalue() reads without moving; anything else may write
            self.lost = True
        return Unknown(f"BytesIO.{name} is outside the analysis")

    def _seek(self, interp, args, kwargs, node):
        if interp.uncertain or kwargs or tuple(args) not in ((0,), (0, 0)):
            self.lost = True
            return Unknown("BytesIO.seek")
        self.rewound = True
        return 0


def memory_file(args, kwargs):
    """io.BytesIO() of no initial bytes; with some, a file whose content is not read."""
    return MemoryFile() if not args and not kwargs else Unknown("BytesIO of given bytes")


def escaped(args, kwargs) -> None:
    """A buffer given to a call other than Image.open and Image.save may be written there."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, MemoryFile):
            value.lost = True


def save(interp, image, args, kwargs) -> None:
    """image.save(fp, format=None, **params): a PNG of a mode it keeps, saved into a buffer
    once, is what the buffer holds; any other save leaves the buffer lost."""
    fp = args[0] if args else kwargs.get("fp")
    if not isinstance(fp, MemoryFile):
        escaped(args, kwargs)
        return None
    form = args[1] if len(args) > 1 else kwargs.get("format")
    if interp.uncertain or fp.image is not None or fp.lost or len(args) > 2 or \
            set(kwargs) - _SAVE_KEYWORDS or not isinstance(form, str) or \
            form.upper() != "PNG" or image.mode not in PNG_MODES:
        fp.lost = True
        return None
    fp.image, fp.rewound = image, False
    return None


def opened(fp, args, kwargs):
    """The image saved into the buffer, when Image.open(buffer) certainly reads it; else
    None (the caller makes an image of unknown mode and size)."""
    if not isinstance(fp, MemoryFile) or fp.lost or fp.image is None or not fp.rewound or \
            args[1:] not in ((), ("r",)) or set(kwargs) - {"fp"}:
        return None
    return fp.image
