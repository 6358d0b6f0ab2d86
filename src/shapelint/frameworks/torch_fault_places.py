"""Where the fix of a fault torch raises goes, when not where it shows (issue 16): the
placement rules kept out of torch_values and torch_fix_origins are asked in turn, and the
first that is certain sets the fault's fix_at (rules/fix_lines.py moves the finding there)."""
from __future__ import annotations

from . import torch_fix_origins as fix_origins
from . import torch_image_bands as image_bands
from . import torch_loop_carried as loop_carried
from . import torch_floored_pools as floored_pools
from . import torch_overwritten_input as overwritten_input
from . import torch_position_tables as position_tables
from . import torch_rnn_missing_axis as rnn_missing_axis
from .torch_fix_origins import FixAt


def broadcast(interp, applied, tensors) -> None:
    """The failed broadcast (`x + y`, `x += y`) just logged, applied being its LayerNode: a
    shortcut pooling's rounding, then a position table's size left at a default."""
    floored_pools.broadcast_fault(applied.fault, tensors, FixAt)
    position_tables.broadcast_fault(interp, applied, tensors, FixAt)


def layer(interp, module, applied, tensor, args, kwargs) -> None:
    """A layer's fault on tensor: an RNN's input that lacks the axis its initial states say
    it has (torch checks the states first), a layer fed one tensor where the value it takes
    is overwritten unread, an image's bands set by the PIL call that made it, a loop's first
    input fed on every pass while the pass's output is dropped, else torch_fix_origins'
    rules."""
    rnn_missing_axis.layer_fault(module, applied, tensor, args, kwargs, FixAt)
    overwritten_input.layer_fault(interp, module, applied, tensor, fix_origins._fits, FixAt)
    image_bands.layer_fault(module, applied, tensor, fix_origins._fits, FixAt)
    loop_carried.layer_fault(interp, module, applied, tensor, FixAt)
    fix_origins.layer_fault(interp, module, applied, tensor)
