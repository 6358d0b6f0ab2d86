"""What Keras 3 (torch backend) says about one built keras.Model: count_params() and its
trainable / non-trainable split, per-layer counts and output shapes by layer name, and the
output of a symbolic call on a KerasTensor of the input shape.

Runs only in the `shapelint confirm` child process (see _confirm_child)."""
from __future__ import annotations

from .errors import error_text as _text


def _size(weights) -> int:
    total = 0
    for weight in weights:
        size = 1
        for dim in weight.shape:
            size *= int(dim)
        total += size
    return total


def _shape(value):
    if isinstance(value, (list, tuple)) and value and not isinstance(value[0], (int, type(None))):
        shapes = [_shape(v) for v in value]
        return shapes[0] if len(shapes) == 1 else shapes
    shape = getattr(value, "shape", value)
    return None if shape is None else [None if d is None else int(d) for d in shape]


def _layer_row(layer) -> dict:
    built = getattr(layer, "built", False)
    trainable = _size(layer.trainable_weights) if built else None
    frozen = _size(layer.non_trainable_weights) if built else None
    try:
        shape = _shape(layer.output)
    except (AttributeError, ValueError):  # a subclassed model's layers keep no symbolic output
        shape = None
    return {"name": layer.name, "type": type(layer).__name__, "output_shape": shape,
            "params": None if trainable is None else trainable + frozen,
            "trainable_params": trainable, "non_trainable_params": frozen}


def describe(keras, model, spec) -> dict:
    out = {"name": model.name, "framework": "keras", "line": None, "input_shape": None,
           "output_shape": None, "exact": True, "unknown_reasons": [], "notes": [],
           "device": "cpu"}
    shape = spec.get("input_shape")
    has_graph = bool(getattr(model, "outputs", None))
    try:
        if shape is not None and (spec.get("override") or not has_graph):
            out["input_shape"] = list(shape)
            out["output_shape"] = _shape(model(keras.KerasTensor(tuple(shape))))
        elif has_graph:
            out["input_shape"] = _shape(model.inputs)
            out["output_shape"] = _shape(model.outputs)
        else:
            out["notes"].append("no input shape known and the model is not built: nothing to "
                                "call it on (give --input-shape)")
    except Exception as error:  # noqa: BLE001 - the user's model: report it
        out.update(stage="forward", error=_text(error), error_type=type(error).__name__)
    if model.built:
        trainable, frozen = _size(model.trainable_weights), _size(model.non_trainable_weights)
        out.update(total_params=trainable + frozen, trainable_params=trainable,
                   non_trainable_params=frozen)
    else:
        out.update(total_params=None, trainable_params=None, non_trainable_params=None,
                   exact=False, unknown_reasons=["the model was never built"])
    out["layers"] = [_layer_row(layer) for layer in model.layers]
    flops_shape = spec.get("flops_input_shape")
    if flops_shape is not None and not out.get("error") and model.built:
        import torch
        from .flops import count
        count(torch, lambda s: model(torch.zeros(s)), flops_shape, out)
    return out
