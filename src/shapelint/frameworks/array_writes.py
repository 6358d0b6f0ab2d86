"""A PIL picture written into a slot of a preallocated batch whose bands it lacks (issue 16):
`data = np.ndarray((1, 224, 224, 3)); data[0] = np.asarray(image) / 127.0 - 1` (the snippet
Teachable Machine exports) with a grayscale (224, 224) or RGBA (224, 224, 4) picture. NumPy
raises ValueError ("could not broadcast input array from shape ...") on the write, whatever
the pixels: the write is where it shows, the call that set the picture's mode (Image.new, or
the last convert) where `.convert('RGB')` goes, as the exported snippet itself converts right
after Image.open. Only a picture whose mode the code sets is judged (an opened file's mode is
unknown), and only when its height and width are the slot's: then the bands alone differ."""
from __future__ import annotations

from ..domain.codes import SHP109, Diagnostic
from ..domain.dims import is_known

# the PIL mode whose bands a slot's channel axis takes (Pillow's "Modes" page)
WANTED = {1: "L", 3: "RGB", 4: "RGBA"}


def written(interp, slot, value) -> None:
    """`array[key] = value`, `slot` being array[key] (as arrays.py reads it): a finding when
    value is a PIL picture's array whose bands cannot fill the slot's channel axis."""
    origin = getattr(value, "origin", None)
    mode, made = getattr(origin, "pil_mode", ""), getattr(origin, "mode_at", None)
    statement = getattr(interp, "statement", None)
    if not mode or made is None or not made[1] or statement is None or interp.uncertain or \
            type(value) is not type(slot) or not value.shape.known_rank:
        return
    if not slot.shape.known_rank or len(slot.dims) != 3:
        return
    height, width, channels = slot.dims
    picture = tuple(value.dims)
    bands = picture[2] if len(picture) == 3 else 1 if len(picture) == 2 else None
    if bands is None or not all(is_known(d) for d in (height, width, channels, bands)) or \
            picture[:2] != (height, width) or channels not in WANTED or \
            not _cannot_broadcast(picture, tuple(slot.dims)):
        return
    path, line, col = interp.position(statement)
    if path != made[0]:
        return
    wanted = WANTED[channels]
    message = (f"The PIL image made on this line has mode {mode!r}, {bands} "
               f"band{'s' if bands > 1 else ''}: its array {picture} is written at line "
               f"{line} into a slot of {tuple(slot.dims)}, which numpy cannot broadcast "
               f"(ValueError). Convert it to the slot's bands: .convert({wanted!r})")
    data = {"data_shape": list(picture), "slot_shape": list(slot.dims), "image_mode": mode,
            "wanted_mode": wanted, "seen_at_line": int(line), "seen_at_col": int(col)}
    interp.state.findings.append(Diagnostic(SHP109, made[1], made[2], message, data, made[0]))


def _cannot_broadcast(value: tuple, slot: tuple) -> bool:
    """NumPy's rule for `a[k] = v`: v's axes, aligned from the right with the slot's, are each
    1 or the slot's size, and any extra leading ones are 1. A (3, 3) picture fills a (3, 3, 3)
    slot, and an (h, w, 1) one any (h, w, c) slot: only a certain mismatch counts."""
    extra = len(value) - len(slot)
    if extra > 0:
        if any(d != 1 for d in value[:extra]):
            return True
        value = value[extra:]
    pairs = zip(reversed(value), reversed(slot))
    return any(is_known(v) and is_known(s) and v != 1 and v != s for v, s in pairs)
