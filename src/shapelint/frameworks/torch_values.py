"""PyTorch values as the interpreter sees them: tensors whose shapes flow through torch
operations, leaf layers from the catalogue, containers (Sequential, ModuleList, ModuleDict), and
the record of what a user's nn.Module registered.

The modules that build or transform these values (torch_tensor_ops, torch_tensors,
torch_params, torch_wrap, torch_modules, torch_losses, torch_model) import them from here, and
this module imports none of them: the few things a value does that make new values above this
floor reach their code through OPERATIONS, which frameworks/torch.py plugs in as it loads."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..catalogue import LayerFault
from ..catalogue import torch_indexing as indexing
from ..catalogue.torch_attribute_names import may_have as torch_may_have
from ..catalogue.torch_functional import ELEMENTWISE, OPS, broadcast
from ..catalogue.torch_products import matmul
from ..domain.codes import SHP104
from ..domain.dims import NotKnown, Unknown, is_known
from ..domain.graph import LayerNode
from ..interpreter.values import Builtin, Class, Instance, Repeated
from ..domain.shapes import AFTER_ERROR, Shape, product
from . import softmax_checks
from . import torch_batch_folds as batch_folds
from . import torch_op_log as op_log
from . import torch_partial as partial
from . import torch_provenance as provenance
from . import torch_rnn_hidden as rnn_hidden
from . import torch_rnn_states as rnn_states
from . import torch_score_maps as score_maps
from . import torch_fault_places as fault_places
from . import torch_floored_pools as floored_pools
from . import torch_last_batch as last_batch
from .torch_observed import observed_at
from .layers import LayerObject, apply

CONTAINERS = ("Sequential", "ModuleList", "ModuleDict")
MODULE_BASES = tuple(f"torch.nn.{n}" for n in ("Module",) + CONTAINERS)
RETURNS_TUPLE = {"RNN": 2, "LSTM": 2, "GRU": 2, "MultiheadAttention": 2}
WRAPPERS = ("DataParallel", "DistributedDataParallel")
STACKS = ("TransformerEncoder", "TransformerDecoder")  # built and run by torch_stacks


@dataclass
class Operations:
    """What a value does that makes new values with code above this module: a tensor op or
    method (torch_tensor_ops, torch_tensors), reading or setting a layer's parameter on first
    use (torch_params), nn.Module's own methods (torch_wrap). frameworks/torch.py fills these in
    when it is imported, which is before any torch value can exist: every way to one (the
    Frameworks hooks, einops' torch layers) goes through it."""
    tensor_op: Callable = None  # (interp, name, args, kwargs, node) -> the op's result
    tensor_method: Callable = None  # (tensor, interp, name) -> value, or NotImplemented
    read_parameter: Callable = None  # (layer, name) -> tensor, or NotImplemented
    assign_parameter: Callable = None  # (layer, name, value) -> False for a plain attribute
    module_method: Callable = None  # (module, name) -> a Builtin, or None
    stack_forward: Callable = None  # (a TransformerEncoder/Decoder, interp, args, kwargs, node)


OPERATIONS = Operations()


# -- tensors ----------------------------------------------------------------------------------

@dataclass(eq=False)
class TorchTensor:
    shape: Shape
    parameter: bool = False
    dtype: str | None = None  # "float32", "int64", ... when certain (torch_provenance)
    produced_by: str | None = None  # "softmax", "sigmoid", "unbounded", ... when certain
    channels_first: bool = False  # certainly (N, C, *spatial): its last axis is a spatial one
    requires_grad: object = True  # a parameter's: False counts it as non-trainable
    # Where a loss finding's fix goes (torch_loss_places): (path, line, col) of the op or layer
    # that set produced_by, and (path, line, col, how) of the statement that wrote this shape,
    # how = "built" (a factory given its sizes) or "reshaped" (view, squeeze, ...).
    produced_at: tuple | None = None
    shape_at: tuple | None = None
    # (path, line, col) of the statement that wrote dtype by name: a dtype= given to the
    # factory that made it, or a cast (.long(), .to(torch.int64)) (torch_loss_places)
    dtype_at: tuple | None = None
    # Where the fix of a layer's fault on this tensor goes (torch_fix_origins): the tensor a
    # reshape was applied to (on its result), a reshape of this tensor whose result the code
    # dropped (path, line, col, result shape), and where a script fed it to a model.
    reshaped_from: object = None
    dropped_reshape: tuple | None = None
    fed_at: tuple | None = None
    made_by: object = None  # the leaf module whose output this is
    made_at: tuple | None = None  # (path, line, col) where made_by was applied to make it
    # a model's input as the script's call gave it: (made_by, made_at) of the tensor given,
    # the output of a layer outside this model (torch_fix_origins._made_by_linear)
    fed_made: tuple | None = None
    # a fixed-window pooling's (path, line, col, op) on its output, and a map's positions
    # folded into the batch by view(-1, C) (torch_batch_folds)
    pooled_at: tuple | None = None
    folded: tuple | None = None
    # a fixed-window pooling's output flattened per sample, (N, C*h*w) with h*w > 1:
    # (pooled_at of the map, the map's shape) (torch_batch_folds, torch_fix_origins)
    pooled_flat: tuple | None = None
    # a seq-first RNN's output, and a step of it whose rows are that RNN's batch axis
    # (torch_batch_folds): (where its input was made, that input's shape, the RNN, the maker)
    steps_first: tuple | None = None
    steps_batch: tuple | None = None
    # the batch a script fed the model, (fed_at, its shape), when this tensor is it or is made
    # from it by layers that keep its rows (Linear, ReLU, Dropout: torch_batch_folds)
    row_fed: tuple | None = None
    rows_model: bool = False  # the batch fed to an nn.Sequential of row layers (torch_norm_axis)
    # what a view with a numeric batch size gives on a DataLoader's short last batch
    # (torch_last_batch): (that shape, the full batches' shape, the batch axis, the view's place)
    last_batch: tuple | None = None
    # (path, line, col) of the return statement of the Dataset.__getitem__ that made each
    # sample of this loader batch (torchvision_data.user_dataset, torch_fix_origins)
    sampled_at: tuple | None = None
    # x[k] with an int k: (place of the subscript, x's shape, k), for a loss whose rows are
    # then one sample's (torch_batch_folds.one_sample)
    sample_of: tuple | None = None
    # torch.cat of k batches along dim 0: (its place, k, the rows of each), kept by the
    # layers that keep the rows (torch_batch_folds.joined)
    joined: tuple | None = None
    # F.pad's result: (the shape it padded, its widths, its place) (torch_pad_origins)
    padded_from: tuple | None = None
    # the convolution that made this map, kept by shape-keeping layers, and a one-channel map
    # flattened whole into N * h * w scores (torch_score_maps)
    map_made: tuple | None = None
    # a pooling that rounded a side down, (layer, {axis: (size, with ceil_mode)}), kept by
    # layers that keep the grid (torch_floored_pools)
    pool_floored: tuple | None = None
    scores_flat: tuple | None = None
    # (path, line, col) of the statement where the script called the model whose output this
    # is, untouched since (torch_output_places)
    called_at: tuple | None = None

    def __neg__(self):  # -x, +x: the same shape and dtype (torch refuses -x of a bool tensor)
        return TorchTensor(self.shape, dtype=self.dtype) if self.dtype not in (None, "bool") \
            else TorchTensor(self.shape) if self.dtype is None else Unknown("-x of a bool tensor")

    def __pos__(self):
        return TorchTensor(self.shape, dtype=self.dtype)

    def shapelint_len(self, interp):
        """len(t) is the size of the first axis (torch raises for a 0-d tensor)."""
        shape = self.shape
        if shape.is_partial or not shape.known_rank or shape.rank == 0:
            return Unknown("len() of a tensor of unknown rank")
        return shape[0]

    def shapelint_setattr(self, interp, name, value):
        if name == "requires_grad" and self.parameter:
            self.requires_grad = value if isinstance(value, bool) else Unknown("requires_grad")

    def shapelint_attribute(self, interp, name):
        shape = self.shape
        if name == "requires_grad_" and self.parameter:
            return Builtin("Tensor.requires_grad_", lambda i, a, k, n: (
                self.shapelint_setattr(i, "requires_grad", a[0] if a else k.get(
                    "requires_grad", True)), self)[1])
        if name == "shape":
            if shape.is_partial:
                return partial.PartialSize(shape)
            return tuple(shape.dims) if shape.known_rank else Unknown("shape of unknown rank")
        if name == "ndim":
            return len(shape.dims) if shape.known_rank else Unknown("unknown rank")
        if name in ("size", "dim", "ndimension", "numel", "nelement"):
            return Builtin(f"Tensor.{name}", lambda i, a, k, n: self._size(name, a, k))
        if name == "item":
            return Builtin("Tensor.item", lambda i, a, k, n: self._item(i, n))
        if name == "T":
            return OPERATIONS.tensor_op(interp, "t", (self,), {}, None)
        if name == "type" and self.shape.known_rank:  # x.type(torch.LongTensor): a cast
            return Builtin("Tensor.type", lambda i, a, k, n: OPERATIONS.tensor_op(
                i, "to", (self,) + tuple(a), k, n))
        if name in OPS or name in ELEMENTWISE or name in ("add", "sub", "mul", "div"):
            return Builtin(f"Tensor.{name}", lambda i, a, k, n: OPERATIONS.tensor_op(
                i, name, (self,) + tuple(a), k, n))
        made = OPERATIONS.tensor_method(self, interp, name)
        return Unknown(f"Tensor.{name} is outside the analysis") if made is NotImplemented \
            else made

    def _size(self, name, args, kwargs):
        shape = self.shape
        if shape.is_partial and name == "size":
            dim = args[0] if args else kwargs.get("dim")
            return partial.PartialSize(shape) if dim is None else \
                partial.PartialSize(shape).shapelint_getitem(None, dim)
        if not shape.known_rank:
            return Unknown("size of a tensor of unknown rank")
        if name in ("dim", "ndimension"):
            return shape.rank
        if name in ("numel", "nelement"):
            return product(shape[:])
        dim = args[0] if args else kwargs.get("dim")
        if dim is None:
            return tuple(shape.dims)
        if not is_known(dim) or not -shape.rank <= dim < shape.rank:
            return Unknown("size() of an unknown or invalid dim")
        return shape[dim]

    def shapelint_binary(self, interp, fn, left, right):
        import operator
        shapes = [v.shape for v in (left, right) if isinstance(v, TorchTensor)]
        if any(isinstance(v, Unknown) for v in (left, right)):  # a scalar or a tensor: unknown
            return TorchTensor(Shape.unknown("arithmetic with a value that is not known"))
        name = "matmul" if fn is operator.matmul else "broadcast"
        node = getattr(interp, "operator_node", None)
        if name == "matmul" and len(shapes) != 2:
            return TorchTensor(Shape.unknown("@ with an operand that is not a tensor"))
        if name == "broadcast" and any(not s.known_rank for s in shapes) and \
                partial.broadcastable(shapes):
            try:
                probed = broadcast(*[partial.probe(s) if s.is_partial else s for s in shapes])
            except (LayerFault, NotKnown):
                probed = Shape.unknown("arithmetic on a tensor of unknown rank")
            like = next(s for s in shapes if s.is_partial)
            return TorchTensor(partial.unprobe(probed, like))
        log = interp.state.torch_log
        logged = len(log) if log is not None else 0
        out = TorchTensor(_shape_of(interp, name, node, matmul if name == "matmul" else
                                    broadcast, *shapes))
        if name == "broadcast" and log is not None and len(log) > logged:
            # the fault just logged: its fix may be elsewhere (torch_fault_places)
            fault_places.broadcast(interp, log[-1], [v for v in (left, right) if
                                                     isinstance(v, TorchTensor)])
        if name == "matmul" and log is not None and len(log) > logged:
            # `x @ self.W`: the fault sits where the weight is sized (torch_weight_products)
            from .torch_fix_origins import FixAt
            from .torch_weight_products import product_fault
            product_fault("matmul", log[-1].fault, [left, right], FixAt)
        if name == "matmul":
            op_log.record(interp, "matmul", [shapes_of(v) for v in (left, right)], {}, node, out)
        if name == "broadcast":
            provenance.after_arithmetic(
                [v for v in (left, right) if isinstance(v, TorchTensor)], out)
        return out

    def shapelint_compare(self, interp, left, right):
        """x > 0, a == b: elementwise, a bool tensor of the broadcast shape."""
        if not all(isinstance(v, (TorchTensor, int, float)) for v in (left, right)):
            return Unknown("a tensor compared with a value that is not a number")
        out = self.shapelint_binary(interp, None, left, right)
        out.dtype = "bool"
        return out

    def shapelint_truth(self):
        return None  # `if x.any():` depends on the data (and raises for many elements)

    def shapelint_getitem(self, interp, key):
        if self.shape.is_partial:  # x[:, 0], x[..., :2] of (N, ..., C)
            out = TorchTensor(partial.index(self.shape, list(key) if isinstance(key, tuple)
                                            else [key]))
            provenance.after_index(self, out)
            return out
        keys = tuple(_index_key(k) for k in key) if isinstance(key, tuple) else \
            _index_key(key)
        out = TorchTensor(_shape_of(interp, "indexing", getattr(interp, "operator_node", None),
                                    indexing.index, self.shape, keys))
        provenance.after_index(self, out)
        batch_folds.after_index(self, out)
        if isinstance(key, int) and not isinstance(key, bool):  # x[0]: one sample of a batch?
            node = getattr(interp, "operator_node", None)
            out.sample_of = (interp.position(node), self.shape, key) if node is not None \
                else None
        return out

    def shapelint_repeat(self, interp, node):
        """`for row in x`: torch yields x.unbind(0), as many rows as x's first size, each of
        x's shape without that axis; the loop certainly runs when that size is known and not
        zero, and never when it is 0. A 0-d tensor or one of unknown rank stays itself (not
        iterable as known)."""
        if self.shape.is_partial or not self.shape.known_rank or self.shape.rank == 0:
            return self
        first = self.shape[0]
        if first == 0:
            return []  # no row: the loop does not run
        row = TorchTensor(Shape(self.shape.dims[1:]))
        provenance.after_index(self, row)
        return Repeated(row, is_known(first) and first > 0)

    def _item(self, interp, node):
        """Tensor.item(): a Python number, from a tensor of exactly one element."""
        try:
            count = product(self.shape[:])
            if is_known(count) and count != 1:
                raise LayerFault(SHP104, f"a Tensor with {count} elements cannot be converted "
                                 f"to Scalar (item() of {self.shape})",
                                 input_shape=self.shape.to_json())
        except NotKnown:
            pass
        except LayerFault as fault:
            record_fault(interp, fault, node, "item")
        return Unknown("a tensor's value")


def _index_key(k):
    """One entry of a subscript, tensors as what indexing reads of them."""
    if isinstance(k, TorchTensor):
        return indexing.IndexTensor(k.shape, k.dtype)
    if isinstance(k, list):
        return [_index_key(v) for v in k]
    return k


def _shape_of(interp, name: str, node, rule, *args) -> Shape:
    """rule(*args) as a Shape: a fault is recorded and leaves the shape unknown, as does a
    size or rank the analysis does not know; no rule's failure leaves the lint run."""
    try:
        return rule(*args)
    except LayerFault as fault:
        record_fault(interp, fault, node, name)
        return Shape.unknown(AFTER_ERROR)
    except NotKnown as why:
        return Shape.unknown(why.reason)
    except Exception:  # noqa: BLE001 - operands we cannot read make the result unknown
        return Shape.unknown(f"{name} of operands shapelint cannot read")


def shapes_of(value):
    """Tensor arguments as Shapes (lists of tensors as lists of Shapes); None if not tensors."""
    if isinstance(value, TorchTensor):
        return value.shape
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, TorchTensor)
                                                          for v in value):
        return [v.shape for v in value]
    return value


def _initial_state(type_name: str, args, kwargs) -> tuple:
    """The h0 (an LSTM's (h0, c0)) an RNN applied by the script is given, as fresh tensors of
    their shapes, to give it again when the layer is read as a model of its own; else ()."""
    if type_name not in ("RNN", "GRU", "LSTM") or kwargs or len(args) != 2:
        return ()
    parts = args[1] if type_name == "LSTM" and isinstance(args[1], tuple) else (args[1],)
    if len(parts) != (2 if type_name == "LSTM" else 1) or not all(
            isinstance(t, TorchTensor) and t.shape.known_rank for t in parts):
        return ()
    fresh = tuple(TorchTensor(t.shape, dtype=t.dtype, shape_at=t.shape_at) for t in parts)
    return (fresh,) if type_name == "LSTM" else fresh


def record_fault(interp, fault, node, name):
    log = interp.state.torch_log
    if log is None:
        return
    path, line, col = interp.position(node) if node is not None else ("", 0, 0)
    applied = LayerNode(None, name, name, path, line, col, counts=False)
    applied.fault = fault
    log.append(applied)


# -- modules ------------------------------------------------------------------------------------

@dataclass(eq=False)
class TorchLayer(LayerObject):
    """A leaf torch.nn module from the catalogue."""
    slots: object = None  # torch_params.Slots: its parameters, once read or replaced
    plain: dict | None = None  # attributes the code set that are neither parameter nor module
    requires_grad: object = True  # requires_grad_(False) on it or a module holding it

    def shapelint_call(self, interp, args, kwargs, node):
        inputs = [a for a in args if isinstance(a, TorchTensor)]
        multi = self.rule is not None and self.rule.multi_input
        # the input is the first argument: with it unknown, a later tensor (an RNN's h0) is
        # not the input; a multi-input layer needs every one of its inputs
        if not args or not isinstance(args[0], TorchTensor) or multi and any(
                a is not None and not isinstance(a, TorchTensor) for a in args):
            return Unknown(f"{self.type_name} applied to an unknown value")
        shapes = [t.shape for t in inputs] if multi else [inputs[0].shape]
        if any(not s.known_rank and s.reason == AFTER_ERROR for s in shapes):
            return TorchTensor(Shape.unknown(AFTER_ERROR))
        if interp.state.torch_log is None and shapes[0].known_rank and outside_modules(interp):
            # applied by the script itself: a model of one layer (torch_model.as_model)
            self.interp = interp
            observed_at(interp, self, inputs[0], node, _initial_state(self.type_name, args,
                                                                      kwargs))
        # Called by the user's own code: report at the call; through a container: at the
        # line that built this layer.
        path, line, col = interp.position(node) if node is not None else (
            self.path, self.line, self.col)
        applied = LayerNode(self, self.name, self.type_name, path, line, col,
                            tags=self.rule.tags if self.rule else frozenset())
        if len(shapes) == 1 and shapes[0].is_partial:
            partial.layer_facts(interp, self.type_name, self.arguments, shapes[0])
        if self.rule is not None and len(shapes) == 1 and shapes[0].is_partial and \
                partial.trailing_layer(self.type_name):
            apply(applied, [partial.probe(shapes[0])], True)
            applied.input_shapes = shapes
            applied.output_shape = partial.unprobe(applied.output_shape, shapes[0])
        elif self.rule is not None and not all(s.known_rank for s in shapes):
            applied.output_shape = Shape.unknown("input of unknown rank")
            applied.input_shapes = shapes
        else:
            apply(applied, shapes if multi else shapes[:1], True)
        applied.counts = False  # torch counts a module's parameters once, from the module tree
        applied.uncertain = interp.uncertain > 0  # may not run: its FLOPs are not certain
        if interp.state.torch_log is not None:
            interp.state.torch_log.append(applied)
        if self.built_shapes is None:
            self.built_shapes = shapes
        out = TorchTensor(applied.output_shape)
        provenance.after_layer(self.type_name, inputs[0], out, self.rule, (path, line, col))
        out.made_by = self  # the layer whose sizes wrote this output (torch_target_places)
        out.made_at = (path, line, col)  # where a missing permute after it goes (fix_origins)
        batch_folds.after_rnn(self, inputs[0], out)
        score_maps.after_layer(self, inputs[0], out)
        floored_pools.after_layer(self, inputs[0], out)
        applied.channels_first = inputs[0].channels_first
        applied.input_shape_at = inputs[0].shape_at  # where a script built what it receives
        applied.input_made = inputs[0].fed_made  # another model's layer made it (fix_origins)
        if applied.fault is None and inputs[0].last_batch is not None:
            applied.fault = last_batch.at_layer(self, inputs[0])
            if applied.fault is not None:  # judged on the last batch's shape
                applied.input_shapes = [inputs[0].last_batch[0]]
            elif out.shape == inputs[0].shape:
                out.last_batch = inputs[0].last_batch  # dropout, relu: the same rows
        if applied.fault is None and shapes[0].known_rank and shapes[0].rank >= 2 and \
                isinstance(shapes[0][0], last_batch.LoaderBatch):
            applied.fault = last_batch.batch_of_one(interp, self, shapes[0])
        if applied.fault is not None:  # where its fix goes (torch_fault_places)
            fault_places.layer(interp, self, applied, inputs[0], args, kwargs)
        if self.type_name in ("Softmax", "LogSoftmax") and applied.fault is None:
            softmax_checks.module(interp, self, inputs[0].shape, node)
        if self.type_name == "LSTMCell":  # (h_1, c_1), both of the output's shape (torch docs)
            return out, TorchTensor(out.shape)
        extra = RETURNS_TUPLE.get(self.type_name)
        if (self.arguments or {}).get("return_indices") is True:  # max pools: (out, indices)
            extra = 2
        if extra and self.type_name in ("RNN", "LSTM", "GRU") and applied.fault is None and \
                out.shape.known_rank:  # (output, h_n): the final states' shapes are known
            given = args[1] if len(args) > 1 else kwargs.get("hx")
            if rnn_hidden.check(interp, self, inputs[0].shape, given, node,  # h0/c0
                                inputs[0]):
                lost = Shape.unknown(AFTER_ERROR)  # torch raises at this call
                return TorchTensor(lost), rnn_states.states(self.type_name, self.arguments,
                                                            lost, given, TorchTensor)
            return out, rnn_states.states(self.type_name, self.arguments, inputs[0].shape,
                                          given, TorchTensor)
        if extra:
            return (out,) + tuple(Unknown(f"{self.type_name} extra output")
                                  for _ in range(extra - 1))
        return out

    built_shapes = None
    interp = None  # the interpreter of the script that called it, when it did (above)

    def shapelint_attribute(self, interp, name):
        tensor = OPERATIONS.read_parameter(self, name)  # before the arguments: `bias` is both
        if tensor is not NotImplemented:
            return tensor
        if name in (self.plain or {}):
            return self.plain[name]
        arguments = self.arguments or {}
        if name in arguments:
            return arguments[name]
        if name == "weight" or name == "bias":
            return Unknown(f"{self.type_name}.{name} tensor")
        method = OPERATIONS.module_method(self, name)
        if method is not None:
            return method
        return Unknown(f"{self.type_name}.{name} is outside the analysis")

    def shapelint_setattr(self, interp, name, value):
        if not OPERATIONS.assign_parameter(self, name, value):
            self.plain = {**(self.plain or {}), name: value}

    def shapelint_has(self, name):
        """True, False, or Unknown when the name may be the layer class's own (torch's)."""
        if name in (self.plain or {}) or name in (self.arguments or {}) or \
                OPERATIONS.read_parameter(self, name) is not NotImplemented:
            return True
        if torch_may_have(name):
            return Unknown(f"hasattr() of {self.type_name}.{name}")
        return False

    def params(self):
        """Parameter count; Lazy modules need the shape of their first input."""
        if self.fault is not None or self.rule is None:
            return Unknown(self.reason or "after-error")
        shapes = self.built_shapes or [Shape.unknown(f"{self.type_name} was not applied")]
        x = shapes if self.rule.multi_input else shapes[0]
        try:
            return self.rule.params(x)
        except NotKnown as why:
            return Unknown(why.reason)
        except Exception:  # noqa: BLE001 - LayerFault included: no count after an error
            return Unknown(f"the parameters of {self.type_name} could not be evaluated")


@dataclass(eq=False)
class TorchContainer:
    kind: str
    children: dict
    path: str = ""
    line: int = 0
    col: int = 0
    uncertain: str = ""
    interp: object = None
    plain: dict | None = None  # attributes the code set that are neither parameter nor module

    def shapelint_setattr(self, interp, name, value):
        if is_module(value):  # nn.Module.__setattr__ registers it as a child
            self._mutating(interp)
            self.children[name] = value
        elif name in self.children:
            self.uncertain = f"child '{name}' replaced by a value shapelint cannot read"
        else:
            self.plain = {**(self.plain or {}), name: value}

    def shapelint_has(self, name):
        if name in self.children or name in (self.plain or {}):
            return True
        if self.uncertain or torch_may_have(name):
            return Unknown(f"hasattr() of nn.{self.kind}.{name}")
        return False

    def _add(self, module, name=None):
        key = str(len(self.children)) if name is None else str(name)
        self.children[key] = module

    def shapelint_call(self, interp, args, kwargs, node):
        if self.kind in WRAPPERS:  # DataParallel(m)(x) runs m(x)
            return interp.call(self.children["module"], tuple(args), kwargs, node)
        if self.kind in STACKS:
            return OPERATIONS.stack_forward(self, interp, args, kwargs, node)
        if self.kind != "Sequential":
            return Unknown(f"nn.{self.kind} is not callable")
        value = args[0] if args else Unknown("no input")
        if isinstance(value, TorchTensor) and value.shape.known_rank and \
                outside_modules(interp):
            observed_at(interp, self, value, node)
        for child in list(self.children.values()):
            value = interp.call(child, (value,), {}, None)
        return value

    def shapelint_attribute(self, interp, name):
        methods = {"append": self._m_append, "extend": self._m_extend,
                   "add_module": self._m_add_module, "insert": self._m_insert,
                   "items": lambda i, a, k, n: list(self.children.items()),
                   "keys": lambda i, a, k, n: list(self.children),
                   "values": lambda i, a, k, n: list(self.children.values()),
                   "children": lambda i, a, k, n: list(self.children.values()),
                   "named_children": lambda i, a, k, n: list(self.children.items()),
                   "forward": lambda i, a, k, n: self.shapelint_call(i, a, k, n)}
        if name in methods:
            return Builtin(f"{self.kind}.{name}", methods[name])
        if name in self.children:
            return self.children[name]
        if name in (self.plain or {}):
            return self.plain[name]
        method = OPERATIONS.module_method(self, name)
        if method is not None:
            return method
        return Unknown(f"nn.{self.kind}.{name} is outside the analysis")

    def _mutating(self, interp):
        if interp.uncertain:
            self.uncertain = "modules added under an undecided condition"

    def _m_append(self, interp, args, kwargs, node):
        self._mutating(interp)
        self._add(args[0])
        return self

    def _m_extend(self, interp, args, kwargs, node):
        self._mutating(interp)
        items = interp.iterate(args[0]) if args else None
        if items is None:
            self.uncertain = "extended with an unknown list"
        else:
            for item in items:
                self._add(item)
        return self

    def _m_insert(self, interp, args, kwargs, node):
        self._mutating(interp)
        items = list(self.children.values())
        if len(args) == 2 and is_known(args[0]):
            items.insert(args[0], args[1])
            self.children.clear()  # in place: a subclass's record shares this dict
            self.children.update({str(i): m for i, m in enumerate(items)})
        else:
            self.uncertain = "insert at an unknown index"
        return None

    def _m_add_module(self, interp, args, kwargs, node):
        self._mutating(interp)
        if len(args) == 2 and isinstance(args[0], str):
            self.children[args[0]] = args[1]
        else:
            self.uncertain = "add_module with an unknown name"
        return None

    def shapelint_getitem(self, interp, key):
        items = list(self.children.values())
        if self.kind == "ModuleDict":
            return self.children.get(key, Unknown(f"no module named {key!r}"))
        if isinstance(key, int) and -len(items) <= key < len(items):
            return items[key]
        if isinstance(key, slice):
            if not all(v is None or isinstance(v, int) for v in (key.start, key.stop, key.step)):
                return Unknown("a slice of modules with bounds the analysis does not know")
            return TorchContainer(self.kind, {str(i): m for i, m in enumerate(items[key])},
                                  self.path, self.line, self.col, self.uncertain)
        return Unknown("module index out of range")

    def shapelint_iter(self, interp):
        return list(self.children) if self.kind == "ModuleDict" else list(self.children.values())

    def shapelint_len(self, interp):
        return len(self.children)


@dataclass(eq=False)
class ModuleRecord:
    """What nn.Module.__setattr__ would have registered on a user module."""
    children: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    container: TorchContainer | None = None  # for subclasses of Sequential/ModuleList/Dict
    uncertain: str = ""
    # a write the analysis lost may have tied or replaced tensors: each row's share is unknown
    shares_lost: str = ""
    path: str = ""
    line: int = 0
    col: int = 0
    interp: object = None  # the analysis that built it (its forward runs there later)


def torch_bases(cls: Class) -> list[str]:
    from . import canonical
    return [canonical(b) for b in cls.framework_bases()]


def is_module_class(cls) -> bool:
    return isinstance(cls, Class) and any(b in MODULE_BASES or b.startswith("torch.nn.")
                                          for b in torch_bases(cls))


def is_module(value) -> bool:
    return isinstance(value, (TorchLayer, TorchContainer)) or (
        isinstance(value, Instance) and isinstance(value.payload, ModuleRecord))


def outside_modules(interp) -> bool:
    """A model called at the top level or from a training function, not from a module's own
    methods (forward, or __init__ probing sizes with a dummy input)."""
    return not any(is_module_class(getattr(func, "owner", None)) for func, _ in interp.frames)


def children_of(module) -> dict:
    if isinstance(module, TorchContainer):
        return module.children
    if isinstance(module, Instance) and isinstance(module.payload, ModuleRecord):
        record = module.payload
        return record.children
    return {}
