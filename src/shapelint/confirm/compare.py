"""Static vs runtime, figure by figure. Pure functions over the two JSON blocks.

Verdicts: "agrees"; "differs" (both sides know the figure and it is not the same: the only
verdict that makes `confirm` fail); "static unknown" (shapelint gave no number, which is never a
wrong one); "not run" (the runtime side has no figure, e.g. no forward pass)."""
from __future__ import annotations

COUNTS = (("total params", "total_params"), ("trainable params", "trainable_params"),
          ("non-trainable params", "non_trainable_params"))


def _count(static, runtime) -> str:
    if runtime is None:
        return "not run"
    if static is None:
        return "static unknown"
    return "agrees" if static == runtime else "differs"


def _dims(static, runtime, token, batch) -> str:
    """One shape: a static symbol equal to the static batch dim stands for the runtime batch;
    other symbols and unknown dims are 'static unknown' unless runtime is unknown there too."""
    if len(static) != len(runtime):
        return "differs"
    verdict = "agrees"
    for s, r in zip(static, runtime):
        if isinstance(s, int):
            if s != r:
                return "differs"
        elif s is not None and s == token:
            if r != batch:
                return "differs"
        elif not (s is None and r is None):
            verdict = "static unknown"
    return verdict


def shape(static, runtime, token=None, batch=None) -> str:
    if runtime is None:
        return "not run"
    if static is None:
        return "static unknown"
    nested_s = bool(static) and isinstance(static[0], list)
    nested_r = bool(runtime) and isinstance(runtime[0], list)
    if nested_s != nested_r:
        return "differs"
    if not nested_s:
        return _dims(static, runtime, token, batch)
    if len(static) != len(runtime):
        return "differs"
    verdicts = [_dims(s, r, token, batch) if s is not None else "static unknown"
                for s, r in zip(static, runtime)]
    for worst in ("differs", "static unknown"):
        if worst in verdicts:
            return worst
    return "agrees"


def _batch_token(static_input):
    if isinstance(static_input, list) and static_input and not isinstance(static_input[0], list):
        first = static_input[0]
        return None if isinstance(first, int) else first
    return None


def _static_layers(rows) -> dict:
    """name -> (params, output shape): a layer applied twice counts once (Keras and torch
    both count a shared layer once) and shows its last application's shape."""
    out: dict = {}
    for row in rows:
        params, _ = out.get(row["name"], (0, None))
        more = row.get("params")
        params = None if params is None or more is None else params + more
        out[row["name"]] = (params, row.get("output_shape"))
    return out


def compare(static: dict, runtime: dict, failed: bool = False) -> list[tuple]:
    """(what, static figure, runtime figure, verdict) for totals, output shape and every layer
    both sides name. After a failed forward pass only the counts are compared."""
    checks = [(label, static.get(key), runtime.get(key), _count(static.get(key), runtime.get(key)))
              for label, key in COUNTS]
    token = _batch_token(static.get("input_shape"))
    batch = _first(runtime.get("input_shape"))
    if not failed and (static.get("flops") is not None or runtime.get("flops") is not None):
        # FlopCounterMode's count for the input the static figure is for (flops_input_shape)
        label = "FLOPs per sample" if static.get("cost_batch") == 1 else "FLOPs"
        checks.append((label, static.get("flops"), runtime.get("flops"),
                       _count(static.get("flops"), runtime.get("flops"))))
    if not failed:
        verdict = shape(static.get("output_shape"), runtime.get("output_shape"), token, batch)
        checks.append(("output shape", static.get("output_shape"), runtime.get("output_shape"),
                       verdict))
    runtime_layers = {row["name"]: row for row in runtime.get("layers") or []}
    for name, (params, out) in _static_layers(static.get("layers") or []).items():
        row = runtime_layers.get(name)
        if row is None:
            continue
        checks.append((f"{name} params", params, row.get("params"),
                       _count(params, row.get("params"))))
        if not failed and row.get("output_shape") is not None:
            checks.append((f"{name} shape", out, row["output_shape"],
                           shape(out, row["output_shape"], token, batch)))
    return checks


def _first(shape_json):
    if isinstance(shape_json, list) and shape_json and not isinstance(shape_json[0], list):
        return shape_json[0]
    return None
