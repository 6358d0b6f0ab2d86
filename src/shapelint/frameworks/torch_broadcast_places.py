"""Where the fix of a failed broadcast (`x + y`, `x += y`) goes, when not on the add itself
(issue 16): each placement rule is asked in turn, the first that is certain sets the fault's
fix_at (rules/fix_lines.py moves the finding there, naming the add)."""
from __future__ import annotations

from . import torch_floored_pools as floored_pools
from . import torch_position_tables as position_tables
from .torch_fix_origins import FixAt


def placed(interp, applied, tensors) -> None:
    """Give the broadcast fault just logged (applied: its LayerNode) its fix's place."""
    # a shortcut pooling's rounding, then a position table's size left at a default
    floored_pools.broadcast_fault(applied.fault, tensors, FixAt)
    position_tables.broadcast_fault(interp, applied, tensors, FixAt)
