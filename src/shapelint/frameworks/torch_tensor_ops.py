"""torch ops on tensors (torch.cat, F.relu, x.view, ...): their result's shape from the
catalogue's rules, what is certain about its values (torch_provenance), the FLOP log
(torch_op_log), and the softmax judgment that reads the op's own arguments."""
from __future__ import annotations

from ..catalogue import LayerFault
from ..catalogue.torch_functional import ELEMENTWISE, OPS, broadcast
from ..domain.dims import NotKnown, SymDim, Unknown, is_known
from ..interpreter.values import Ref
from ..domain.shapes import AFTER_ERROR, Shape
from . import softmax_checks
from . import torch_batch_folds as batch_folds
from . import torch_image_bands as image_bands
from . import torch_weight_products as weight_products
from . import torch_op_log as op_log
from . import torch_pad_origins as pad_origins
from . import torch_precedence_guards as precedence_guards
from . import torch_partial as partial
from . import torch_provenance as provenance
from . import torch_score_maps as score_maps
from . import torch_last_batch as last_batch
from . import torch_size_fit as size_fit
from .torch_values import TorchTensor, record_fault, shapes_of


def make_tensor(kind: str, args, kwargs):
    if kind.endswith("_like"):
        first = args[0] if args else None
        return TorchTensor(first.shape) if isinstance(first, TorchTensor) else Unknown("like")
    if kind == "tensor":
        data = args[0] if args else kwargs.get("data")
        if isinstance(data, TorchTensor):  # a copy (torch warns, and makes it)
            return TorchTensor(data.shape)
        dims, level = [], data
        while isinstance(level, (list, tuple)):
            dims.append(len(level))
            level = level[0] if level else None
        if not (isinstance(level, (int, float, complex)) or level is None and dims or
                isinstance(level, TorchTensor) and level.shape.known_rank and
                not level.shape.dims):
            # an object, or a list of tensors of more than one element (torch raises)
            return TorchTensor(Shape.unknown("torch.tensor of data shapelint cannot read"))
        return TorchTensor(Shape(tuple(dims)))
    if kind == "arange":
        numbers = [a for a in args if not isinstance(a, (Ref, Unknown))]
        try:
            return TorchTensor(Shape((len(range(*numbers)),)))
        except (TypeError, ValueError, NotKnown):  # NotKnown: a symbolic bound
            pass
        if len(numbers) in (1, 2) and len(numbers) == len(args) and all(
                isinstance(n, (int, SymDim)) and not isinstance(n, bool) for n in numbers):
            # arange(B), arange(0, B): B - 0 elements (a size is never negative)
            return TorchTensor(Shape((numbers[-1] - (numbers[0] if len(numbers) == 2 else 0),)))
        return TorchTensor(Shape.unknown("arange of unknown bounds"))
    if kind == "randint":
        size = args[2] if len(args) > 2 else kwargs.get("size")
        args = (size,) if size is not None else ()
    elif kind == "normal":
        return _normal(args, kwargs)
    elif kind == "full":
        args = args[:1]
    size = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
    size = kwargs.get("size", size)
    if not isinstance(size, (tuple, list)) or not all(is_known(d) or isinstance(d, SymDim)
                                                      for d in size):
        return TorchTensor(Shape.unknown("tensor of unknown size"))
    return TorchTensor(Shape(tuple(size)))


def _normal(args, kwargs):
    """torch.normal(mean, std, size) of two numbers is of that size (its third argument); of a
    tensor mean or std (or both), of their broadcast shape."""
    size = args[2] if len(args) > 2 else kwargs.get("size")
    if size is not None:
        return make_tensor("zeros", (size,), {})
    given = list(args[:2]) + [kwargs[k] for k in ("mean", "std") if k in kwargs]
    shapes = [t.shape for t in given if isinstance(t, TorchTensor)]
    if not shapes or any(isinstance(t, Unknown) for t in given) or \
            not all(s.known_rank for s in shapes):
        return TorchTensor(Shape.unknown("torch.normal of a size shapelint cannot read"))
    try:
        return TorchTensor(broadcast(*shapes))
    except (LayerFault, NotKnown):  # torch raises: what follows is not known
        return TorchTensor(Shape.unknown(AFTER_ERROR))


def tensor_op(interp, name: str, args, kwargs, node):
    """The result of a torch op, with what is certain about its values (torch_provenance)."""
    log = interp.state.torch_log
    logged = len(log) if log is not None else 0
    result = _tensor_op_shape(interp, name, args, kwargs, node)
    if name in ("cat", "concat", "concatenate") and log is not None and len(log) > logged \
            and args and isinstance(args[0], (list, tuple)) and \
            all(isinstance(t, TorchTensor) for t in args[0]):
        # the fault just logged: a pad that broke the operands' agreement is its fix
        from .torch_fix_origins import FixAt
        dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
        pad_origins.cat_fault(log[-1].fault, args[0], dim, FixAt)
    if log is not None and len(log) > logged and args and isinstance(args[0], TorchTensor):
        # a product with a hand-made weight: the fault sits where the weight is sized
        from .torch_fix_origins import FixAt
        weight_products.product_fault(name, log[-1].fault, args[:2], FixAt)
    if name in ("view", "reshape") and log is not None and len(log) > logged:
        # a size check whose precedence skipped the block that resizes it (the fix)
        precedence_guards.reshape_fault(interp, log[-1], node,
                                        interp.frames[-1][1] if interp.frames else None)
    size_fit.record(interp, name, args, kwargs, node)
    op_log.record(interp, name.removesuffix("_"), [shapes_of(a) for a in args],
                  {k: shapes_of(v) for k, v in kwargs.items()}, node, result)
    if isinstance(result, TorchTensor) and args and isinstance(args[0], TorchTensor):
        provenance.after_op(name, args, kwargs, result, interp.position(node))
        score_maps.after_op(name, args[0], result)
        last_batch.after_op(interp, name, args, result, node)
        if name == "pad":
            pad_origins.padded(args[0], result, args[1] if len(args) > 1 else kwargs.get("pad"),
                               interp.position(node))
        if args[0].last_batch is not None and result.shape == args[0].shape:
            result.last_batch = args[0].last_batch  # relu, dropout: the same rows
        if name in ("softmax", "log_softmax"):
            softmax_checks.functional(interp, name, args, kwargs, node)
    elif isinstance(result, TorchTensor) and name in ("cat", "concat", "concatenate", "stack") \
            and args and isinstance(args[0], (list, tuple)):
        provenance.after_join(args[0], result, interp.position(node))
        if name == "stack":  # images of one PIL call, their band axis (torch_image_bands)
            image_bands.after_stack(args[0], args[1] if len(args) > 1 else
                                    kwargs.get("dim", 0), result)
        if name != "stack":  # k batches side by side in the rows (torch_batch_folds)
            batch_folds.after_cat(args[0], result, args[1] if len(args) > 1 else
                                  kwargs.get("dim", 0), interp.position(node))
    return result


def _tensor_op_shape(interp, name: str, args, kwargs, node):
    args = [shapes_of(a) for a in args]
    kwargs = {k: shapes_of(v) for k, v in kwargs.items()}
    if name.endswith("_") and name[:-1] in OPS:
        name = name[:-1]
    shapes = [a for a in args if isinstance(a, Shape)] + [
        s for a in args if isinstance(a, list) for s in a if isinstance(s, Shape)]
    if not shapes or any(isinstance(a, Unknown) for a in args):
        return Unknown(f"torch.{name}() of an unknown value")
    if name in ELEMENTWISE:  # the shape of the first tensor; weights and the like aside
        return TorchTensor(shapes[0])
    if name in ("view", "reshape") and isinstance(args[0], Shape) and \
            not args[0].known_rank:  # the output is the size asked for, whatever the input
        target = tuple(args[1]) if len(args) == 2 and isinstance(args[1], (tuple, list)) \
            else tuple(args[1:])
        if target and all(isinstance(d, SymDim) or type(d) is int and d >= 0 for d in target):
            return TorchTensor(Shape(target))
    if any(not s.known_rank for s in shapes):
        return _as_tensors(partial.op(interp, name, args, kwargs, node, OPS.get(name))) or \
            TorchTensor(Shape.unknown(f"{name}() of a tensor of unknown rank"))
    if name in ("add", "sub", "mul", "div", "maximum", "minimum", "where"):
        function = lambda *a, **k: broadcast(*[s for s in a if isinstance(s, Shape)])  # noqa
    else:
        function = OPS.get(name)
    if function is None:
        return Unknown(f"torch.{name}() is outside the analysis")
    try:
        result = function(*args, **kwargs)
    except LayerFault as fault:
        record_fault(interp, fault, node, name)
        return TorchTensor(Shape.unknown(AFTER_ERROR))
    except NotKnown as why:
        return TorchTensor(Shape.unknown(why.reason))
    except Exception:  # noqa: BLE001 - arguments we cannot read make the result unknown
        return TorchTensor(Shape.unknown(f"{name}() arguments not understood"))
    if isinstance(result, Shape):
        return TorchTensor(result)
    if isinstance(result, tuple):
        return tuple(TorchTensor(r) if isinstance(r, Shape) else r for r in result)
    return result


def _as_tensors(result):
    """Shapes as tensors: one, or a tuple of them (and of what is not a shape); None stays."""
    if isinstance(result, tuple):
        return tuple(TorchTensor(r) if isinstance(r, Shape) else r for r in result)
    return TorchTensor(result) if isinstance(result, Shape) else None
