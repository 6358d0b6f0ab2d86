"""A loss side drawn from a DataLoader and then bound again by the loop body before the loss
(issue 16): `for image, depth in loader: depth = depth.float(); ...; loss(out, depth)`. The
batch the loss gets is made by that statement, the loop's own preparation of each batch, and
a reshape there (depth.float().unsqueeze(1)) fixes every batch; the tensor the dataset holds
is the other place, named. Only the place of a finding changes here, never whether it is
reported: the side's shape and the fix are torch_loss_places'."""
from __future__ import annotations

_WHERE = ("torch: a loss side drawn from a `DataLoader` that the loop body binds again before "
          "the loss (`y = y.float()`) is reported on that statement, naming the tensor the "
          "dataset holds and the loss call.")
DOC_ADDENDA = {"SHP110": {"what": _WHERE}, "SHP206": {"what": _WHERE}}


def rebound(interp, node, side: int):
    """(path, line, col) of the statement that last bound, by name, the loss call's positional
    argument `side` (0 the input, 1 the target), when that statement is an assignment inside
    the same function or module and not a loop header (which binds the batch as drawn) nor
    the call's own line; None otherwise."""
    import libcst as cst
    from .torch_fix_origins import _binding_line
    args = getattr(node, "args", None)
    if interp is None or not isinstance(node, cst.Call) or args is None or len(args) <= side \
            or any(a.keyword is not None or a.star for a in args[:side + 1]) or \
            not isinstance(args[side].value, cst.Name):
        return None
    path, line, _ = interp.position(node)
    lines = getattr(interp.modules.get(path), "lines", None) if path else None
    if not lines or not line:
        return None
    bound = _binding_line(lines, int(line), args[side].value.value)
    if bound is None or bound[0] == int(line) or \
            lines[bound[0] - 1].lstrip().startswith(("for ", "async for ", "with ")):
        return None
    return (path, bound[0], bound[1])
