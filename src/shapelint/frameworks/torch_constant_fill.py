"""Issue 16 (torch): a loss target the script builds as one repeated value from its sizes
(`torch.ones(batch_size)`, `torch.zeros(n, 1)`, `torch.full((n,), 0.9)`: a GAN's real/fake
labels) carries no data, only the shape it was written with for the loss. When it and the
model's output differ by an axis of size one, the fill is where the fix goes, even where the
output's shape was written by a reshape in forward (which other uses of the model share):
torch_loss_places reads this before its reshape-first order. Read from the source text of the
statement that built the target (TorchTensor.shape_at, "built")."""
from __future__ import annotations

import libcst as cst

from .source_text import call_at

_FILLS = frozenset({"ones", "zeros", "full"})


def filled(at, interp) -> bool:
    """The tensor whose shape_at is `at` was built by torch.ones / zeros / full on that line."""
    if at is None or at[3] != "built" or not at[0] or not at[1] or interp is None:
        return False
    module = interp.modules.get(at[0])
    lines = getattr(module, "lines", None) or []
    if not 0 < int(at[1]) <= len(lines):
        return False
    call = call_at(lines, int(at[1]), int(at[2] or 0))
    func = call.func if call is not None else None
    return isinstance(func, cst.Attribute) and func.attr.value in _FILLS and \
        isinstance(func.value, cst.Name) and func.value.value == "torch"
