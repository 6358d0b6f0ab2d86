"""Where a torch layer's fault on an image's band count is fixed (issue 16): the PIL call that
made the image the tensor was read from (frameworks/pil_images.py: Image.new, open, resize,
convert), where `.convert(mode)` gives it the bands the network takes. An RGBA PNG read with
`np.array(Image.open(f))` and made (1, 4, H, W) by `torch.from_numpy(a).permute(2, 0, 1)
.unsqueeze(0)` meets a Conv2d(3, ...): torch raises at the convolution, the fix is
`.convert("RGB")` where the image is opened (Pillow drops the alpha band).

The image's band axis is followed from the array torch.from_numpy reads (its origin names the
PIL mode and the call) through the ops that only move or scale it (permute, unsqueeze, casts,
elementwise arithmetic, torch.stack of such images made on one line) as TorchTensor.bands_from
= (place of the PIL call, mode, bands, axis), read with getattr. Facts only: the finding moves
there when the axis the layer reads its channels from is that band axis, the mode is known,
and a mode of the channels the layer takes exists ("L", "RGB", "RGBA"); the layer's
constructor, the other honest side, is named in the message."""
from __future__ import annotations

import re

from ..domain.codes import SHP106
from ..domain.dims import is_known

_WHERE = ("torch: a channel count that a convolution or norm rejects, where that axis holds the "
          "bands of a PIL image of known mode the tensor was read from (np.array(Image.open("
          "...)) through torch.from_numpy, permute, unsqueeze, torch.stack), is reported on the "
          "PIL call that made the image, where `.convert(\"RGB\")` (or \"L\", \"RGBA\") gives "
          "it the channels the layer takes; a PNG the code saved into io.BytesIO() opens with "
          "the mode it was saved in.")
DOC_ADDENDA = {"SHP106": {"what": _WHERE}}
# the PIL mode a layer's channel count asks for (Pillow's "Modes" page)
WANTED = {1: "L", 3: "RGB", 4: "RGBA"}
# layers that read their channels on axis 1 of a batched input
_CHANNELS_FIRST = re.compile(r"^(Lazy)?(Conv|ConvTranspose|BatchNorm|InstanceNorm)[123]d$")
# ops whose result holds the same values in the same layout (the band axis stays put)
# np.asarray of a one-band image is (h, w) (Pillow), which the message says
_NO_BAND_AXIS = "; np.asarray of an 'L' image is (h, w), without a band axis"
_SAME_LAYOUT = frozenset({"float", "double", "half", "to", "contiguous", "clone", "detach",
                          "cpu", "cuda", "div", "mul", "add", "sub", "clamp", "sqrt"})


def from_array(array, out) -> None:
    """torch.from_numpy(a) / torch.tensor(a) of an (h, w, bands) array read from a PIL image
    of a known mode: the band axis is the last."""
    origin = getattr(array, "origin", None)
    at, mode = getattr(origin, "at", None), getattr(origin, "pil_mode", "")
    shape = out.shape
    if not mode or at is None or not at[0] or not shape.known_rank or shape.rank != 3 or \
            not is_known(shape[2]):
        return
    out.bands_from = (tuple(at[:3]), mode, shape[2], 2)


def after_op(name: str, args, out) -> None:
    """Carry the band axis through an op of one tensor that only moves or scales it."""
    source = args[0]
    bands = getattr(source, "bands_from", None)
    if bands is None or not out.shape.known_rank or not source.shape.known_rank:
        return
    axis = bands[3]
    if name in _SAME_LAYOUT and out.shape == source.shape:
        moved = axis
    elif name == "permute":
        order = args[1] if len(args) == 2 and isinstance(args[1], (list, tuple)) else args[1:]
        order = [d % out.shape.rank if isinstance(d, int) and not isinstance(d, bool) else None
                 for d in order]
        moved = order.index(axis) if len(order) == out.shape.rank and axis in order else None
    elif name == "unsqueeze" and len(args) == 2 and isinstance(args[1], int):
        at = args[1] % out.shape.rank
        moved = axis + 1 if at <= axis else axis
    else:
        moved = None
    if moved is not None and out.shape[moved] == bands[2]:
        out.bands_from = (*bands[:3], moved)


def after_arithmetic(operands, out) -> None:
    """x / 255, x * 2 - 1: one tensor scaled by numbers keeps its band axis."""
    if len(operands) == 1 and operands[0].shape == out.shape:
        bands = getattr(operands[0], "bands_from", None)
        if bands is not None:
            out.bands_from = bands


def after_stack(tensors, dim, out) -> None:
    """torch.stack of images made by one PIL call (a list comprehension over files): the
    band axis shifts past the new one."""
    found = {getattr(t, "bands_from", None) for t in tensors}
    if len(found) != 1 or None in found or not isinstance(dim, int) or \
            not out.shape.known_rank:
        return
    (at, mode, count, axis), = found
    new = dim % out.shape.rank
    moved = axis + 1 if new <= axis else axis
    if out.shape[moved] == count:
        out.bands_from = (at, mode, count, moved)


def layer_fault(layer, applied, tensor, fits, fix_at) -> None:
    """Set fix_at of a channel-first layer's band-count fault to the PIL call, per the doc."""
    fault = applied.fault
    bands = getattr(tensor, "bands_from", None)
    if getattr(fault, "fix_at", None) is not None or fault.code is not SHP106 or \
            bands is None or not _CHANNELS_FIRST.match(layer.type_name or ""):
        return
    (path, line, col), mode, count, axis = bands
    expected = fault.data.get("expected")
    shape = tensor.shape
    if axis != 1 or path != applied.path or not line or expected not in WANTED or \
            not shape.known_rank or shape[1] != count or count == expected or \
            not fits(layer, shape.replace(1, expected)):
        return
    wanted = WANTED[expected]
    plural = "s" if count > 1 else ""
    sentence = (f"The PIL image made on this line has mode {mode!r}, {count} band{plural}, "
                f"which become axis 1 of {shape}, where the {layer.type_name} built at line "
                f"{int(getattr(layer, 'line', 0) or 0)} takes {expected}: .convert({wanted!r}) "
                f"here gives the image {expected}{_NO_BAND_AXIS if expected == 1 else ''} "
                f"(or build the layer for {count}).")
    fault.fix_at = fix_at(path, int(line), int(col), None, sentence)
