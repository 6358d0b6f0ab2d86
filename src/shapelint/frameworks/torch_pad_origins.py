"""A torch.cat that fails on an operand F.pad made, where the pad broke the agreement (issue 16):
the operand agreed with the others on an axis before the pad and disagrees after it, so the
pad's widths are the fix (U-Net up blocks padding the upsampled map to its skip with the
height and width pairs swapped: F.pad takes (left, right) of the last axis first, then the
axis before it). The finding moves to the pad's line (LayerFault.fix_at, rules/fix_lines.py)
and names the cat where torch raises. Facts only: the shapes before and after the pad are
known, and the pad changed the size of an axis on which the operands agreed."""
from __future__ import annotations

from ..domain.dims import is_known
from ..domain.shapes import Shape


def padded(source, out, pad, at) -> None:
    """Remember on F.pad's result the shape it padded, its widths and where (after_op)."""
    if at is not None and at[0] and isinstance(pad, (tuple, list)) and \
            source.shape.known_rank and out.shape.known_rank:
        out.padded_from = (source.shape, tuple(pad), at)


def cat_fault(fault, tensors, dim, fix_at) -> None:
    """Set fault.fix_at to the pad that made an operand disagree with another where it agreed
    before; the sentence says which axes and, when swapping the pad's pairs makes every axis
    but dim agree, that swap."""
    if getattr(fault, "fix_at", None) is not None or not isinstance(dim, int):
        return
    shapes = [t.shape for t in tensors]
    if not shapes or any(not s.known_rank or s.rank != shapes[0].rank for s in shapes) or \
            not all(is_known(d) for s in shapes for d in s.dims):
        return
    rank = shapes[0].rank
    axis = dim % rank
    for i, t in enumerate(tensors):
        made = getattr(t, "padded_from", None)
        if made is None:
            continue
        before, pad, at = made
        if before.rank != rank or not all(is_known(d) for d in before.dims):
            continue
        others = [s for j, s in enumerate(shapes) if j != i]
        broken = sorted({k for s in others for k in range(rank) if k != axis and
                         before[k] == s[k] != t.shape[k]})
        if not broken:
            continue
        where = ", ".join(f"dim {k}" for k in broken)
        sentence = (f"The F.pad on this line turns {before} into {t.shape}: it changes {where}, "
                    f"where the tensors torch.cat joins already agreed; F.pad's widths run "
                    f"from the last axis backwards, (left, right) of dim {rank - 1} first.")
        swapped = _swapped(before, pad)
        if swapped is not None and all(swapped[k] == s[k] for s in others
                                       for k in range(rank) if k != axis):
            pairs = [pad[n:n + 2] for n in range(0, len(pad), 2)]
            order = ", ".join(str(w) for pair in reversed(pairs) for w in pair)
            sentence += (f" With its pairs in the other order, ({order}), it gives "
                         f"{swapped}, which the cat accepts.")
        fault.fix_at = fix_at(at[0], int(at[1]), int(at[2]), None, sentence)
        return


def _swapped(before: Shape, pad: tuple):
    """The shape F.pad gives with its (left, right) pairs in reverse order; None when the
    widths are not known ints or not pairs."""
    if len(pad) % 2 or not all(isinstance(w, int) and not isinstance(w, bool) for w in pad):
        return None
    pairs = [pad[n:n + 2] for n in range(0, len(pad), 2)][::-1]
    dims = list(before.dims)
    if len(pairs) > len(dims):
        return None
    for i, (left, right) in enumerate(pairs):
        dims[-1 - i] = dims[-1 - i] + left + right
    return Shape(tuple(dims))
