"""What torch says about one built nn.Module: parameter counts (parameters(), shared tensors
once), per-module counts under their qualified names, and the shapes a forward pass produces.

Runs only in the `shapelint confirm` child process (see _confirm_child)."""
from __future__ import annotations

from .errors import error_text as _text


def _counts(params) -> tuple[int, int]:
    unique = {id(p): p for p in params}.values()
    trainable = sum(p.numel() for p in unique if p.requires_grad)
    return trainable, sum(p.numel() for p in unique) - trainable


def _shape(torch, value):
    """A tensor's shape as a list; a tuple/list output is its first tensor (LSTM, GRU...)."""
    if isinstance(value, torch.Tensor):
        return list(value.shape)
    if isinstance(value, (tuple, list)):
        for item in value:
            found = _shape(torch, item)
            if found is not None:
                return found
    return None


def _layers(model):
    """Leaf modules and modules holding parameters of their own, by qualified name. Each tensor
    counts once, on the row of the first name `named_parameters()` gives it (as shapelint's
    rows do: a tied weight on the module registered first); a parametrized tensor's original
    counts on the module it parametrizes."""
    rows = {}
    for name, module in model.named_modules():
        kind = type(module).__name__
        if not name or kind == "ParametrizationList" or \
                name.endswith(".parametrizations") and kind == "ModuleDict":
            continue
        own = next(iter(module.parameters(recurse=False)), None) is not None
        leaf = next((n for n, _ in module.named_children() if n != "parametrizations"),
                    None) is None
        if leaf or own:
            rows[name] = {"name": name, "type": kind, "module": module, "params": 0,
                          "trainable_params": 0, "non_trainable_params": 0,
                          "output_shape": None}
    for name, tensor in model.named_parameters():  # each tensor once
        owner = max((r for r in rows if name.startswith(r + ".")), key=len, default=None)
        if owner is not None:
            row = rows[owner]
            row["params"] += tensor.numel()
            row["trainable_params" if tensor.requires_grad else "non_trainable_params"] += \
                tensor.numel()
    return list(rows.values())


def _forward(torch, model, shape, device):
    """Run the model on zeros of SHAPE; embeddings want integer indices, so retry with long."""
    with torch.no_grad():
        try:
            return model(torch.zeros(shape, device=device) if device != "meta"
                         else torch.empty(shape, device="meta"))
        except RuntimeError as error:
            if "Long" not in str(error) and "Int" not in str(error):
                raise
            return model(torch.zeros(shape, dtype=torch.long, device=device)
                         if device != "meta" else
                         torch.empty(shape, dtype=torch.long, device="meta"))


def describe(torch, model, spec, device) -> dict:
    trainable, frozen = _counts(model.parameters())
    rows = _layers(model)
    out = {"name": type(model).__name__, "framework": "torch", "line": None,
           "input_shape": spec.get("input_shape"), "output_shape": None,
           "total_params": trainable + frozen, "trainable_params": trainable,
           "non_trainable_params": frozen, "exact": True, "unknown_reasons": [],
           "notes": [], "device": device}
    shape = spec.get("input_shape")
    if shape is None:
        out["notes"].append("no input shape known: parameters only, no forward pass "
                            "(give --input-shape)")
    else:
        _run(torch, model, rows, shape, device, out)
        _flops(torch, model, spec.get("flops_input_shape"), out)
    for row in rows:
        del row["module"]
    out["layers"] = rows
    return out


def _flops(torch, model, shape, out) -> None:
    """FlopCounterMode's figure on the meta device, the convention the static figure follows
    (on CPU torch runs attention as a kernel FlopCounterMode does not count)."""
    if shape is None or out.get("error"):
        return
    if out["device"] != "meta":
        out["flops"] = None
        out["notes"].append("FLOPs not counted: the model did not run on the meta device")
        return
    from .flops import count
    count(torch, lambda s: _forward(torch, model, s, "meta"), shape, out)


def _run(torch, model, rows, shape, device, out) -> None:
    # A module called more than once (one pooling layer reused) shows its first call's output,
    # as the static table does. The hook must return None: a value would replace the output.
    seen = {}

    def keep_first(name, result) -> None:
        seen.setdefault(name, result)
    handles = [row["module"].register_forward_hook(
        lambda module, args, result, name=row["name"]: keep_first(name, result))
        for row in rows]
    model.eval()
    meta_error = None
    try:
        try:
            result = _forward(torch, model, shape, device)
        except Exception as error:  # noqa: BLE001 - the user's forward: report it
            if device != "meta":
                raise
            # Meta kernels word their errors their own way, and a few ops read tensor data:
            # rerun on CPU (uninitialised weights) for torch's own message or the real shapes.
            meta_error = _text(error)
            seen.clear()
            model.to_empty(device="cpu")
            out["device"] = "cpu"
            result = _forward(torch, model, shape, "cpu")
            out["notes"].append(f"the forward pass failed on the meta device ({meta_error}); "
                                "it ran on CPU with uninitialised weights")
    except Exception as error:  # noqa: BLE001
        out.update(stage="forward", error=_text(error), error_type=type(error).__name__)
        if meta_error:
            out["notes"].append(f"on the meta device: {meta_error}; on CPU (shown): torch's "
                                "own message")
        result = None
    finally:
        for handle in handles:
            handle.remove()
    out["output_shape"] = _shape(torch, result) if result is not None else None
    for row in rows:
        if row["name"] in seen:
            row["output_shape"] = _shape(torch, seen[row["name"]])
