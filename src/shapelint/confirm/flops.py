"""FLOPs of one forward pass as torch.utils.flop_counter.FlopCounterMode counts them: a torch
module on the meta device, a Keras 3 model (torch backend) on CPU zeros, with the CPU attention
kernel counted by torch's own sdpa formula (FlopCounterMode leaves that one kernel out; on the
meta device attention runs as counted bmm). The input is the one the static figure is for.

Runs only in the `shapelint confirm` child process (see _confirm_child)."""
from __future__ import annotations

from .errors import error_text as _text


def _counter(torch):
    from torch.utils import flop_counter
    op = getattr(torch.ops.aten, "_scaled_dot_product_flash_attention_for_cpu", None)

    def cpu_sdpa(query_shape, key_shape, value_shape, *args, out_shape=None, **kwargs):
        return flop_counter.sdpa_flop_count(query_shape, key_shape, value_shape)
    mapping = {op: cpu_sdpa} if op is not None else {}
    return flop_counter.FlopCounterMode(display=False, custom_mapping=mapping)


def count(torch, run, shape, out: dict) -> None:
    """out["flops"]: FlopCounterMode's total of run(shape), or None with a note why."""
    out["flops"] = None
    if not isinstance(shape, list) or not all(isinstance(d, int) for d in shape):
        return
    try:
        with torch.no_grad(), _counter(torch) as counted:
            run(shape)
        out["flops"] = counted.get_total_flops()
        out["flops_input_shape"] = list(shape)
    except Exception as error:  # noqa: BLE001 - the user's forward: say so, keep the rest
        out["notes"].append(f"FLOPs not counted: the forward pass on {shape} failed "
                            f"({_text(error)})")
