"""SHP204 (torch part): a softmax over an axis of known size 1 outputs 1.0 whatever its input
(a log_softmax, 0.0), so the model's output carries no information."""
from __future__ import annotations

from ..catalogue import LayerFault
from ..domain.codes import SHP204
from ..domain.dims import is_known
from ..domain.graph import LayerNode
from ..domain.shapes import Shape


def _legacy_dim(rank: int) -> int:
    """The dim torch picks when none is given (torch.nn.functional._get_softmax_dim)."""
    return 0 if rank in (0, 1, 3) else 1


def _axis_of_one(shape: Shape, dim, legacy: bool) -> int | None:
    if not shape.known_rank or shape.rank == 0:
        return None
    if dim is None and legacy:
        dim = _legacy_dim(shape.rank)
    if not is_known(dim) or isinstance(dim, bool) or not -shape.rank <= dim < shape.rank:
        return None
    axis = dim % shape.rank
    size = shape[axis]
    return axis if is_known(size) and size == 1 else None


def _message(what: str, log: bool, shape: Shape, axis: int) -> str:
    constant = "0.0 (log 1)" if log else "1.0"
    return (f"{what} normalises over dim {axis} of {shape}, which has size 1: it outputs "
            f"{constant} whatever its input. For one output unit use a sigmoid "
            f"(nn.Sigmoid with BCELoss, or BCEWithLogitsLoss on the raw output); for C classes, "
            f"give the layer before it C outputs.")


def module(interp, layer, shape: Shape, node) -> None:
    """nn.Softmax(dim=...) / nn.LogSoftmax applied to a tensor of this shape."""
    dim = (layer.arguments or {}).get("dim")
    axis = _axis_of_one(shape, dim, legacy=True)
    if axis is not None:
        what = f"nn.{layer.type_name}(dim={dim})"
        _report(interp, node, (layer.path, layer.line, layer.col),
                _message(what, layer.type_name == "LogSoftmax", shape, axis),
                {"input_shape": shape.to_json(), "dim": axis})


def functional(interp, name: str, args, kwargs, node) -> None:
    """F.softmax(x, dim) / torch.softmax(x, dim) / x.softmax(dim): only an explicit dim.
    args[0] is a torch tensor (the caller, torch_tensor_ops, makes sure)."""
    x = args[0]
    dim = args[1] if len(args) > 1 else kwargs.get("dim")
    if dim is None:
        return
    axis = _axis_of_one(x.shape, dim, legacy=False)
    if axis is not None:
        _report(interp, node, None, _message(f"{name}(dim={dim})", name == "log_softmax",
                                             x.shape, axis),
                {"input_shape": x.shape.to_json(), "dim": axis})


def _report(interp, node, where, message: str, data: dict) -> None:
    """Inside a forward pass being read: a fault of the model graph; elsewhere: a finding."""
    from . import record_finding
    log = interp.state.torch_log
    if log is not None:
        if node is None and where is None:
            return
        path, line, col = interp.position(node) if node is not None else where
        applied = LayerNode(None, "softmax", "Softmax", path, line, col, counts=False)
        applied.fault = LayerFault(SHP204, message, **data)
        log.append(applied)
    elif node is not None:
        record_finding(interp, SHP204, node, message, data)
