"""PyTorch objects as the interpreter sees them: nn.Module subclasses run abstractly (`__init__`
on an abstract self, `forward` on abstract tensors), containers, leaf layers from the catalogue,
parameters, and tensors whose shapes flow through torch operations."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..catalogue import LayerFault, lookup
from ..catalogue import torch_indexing as indexing
from ..catalogue.torch_attribute_names import may_have as torch_may_have
from ..catalogue.torch_functional import ELEMENTWISE, OPS, broadcast
from ..catalogue.torch_products import matmul
from ..domain.codes import SHP104
from ..domain.dims import NotKnown, Sym, SymDim, Unknown, is_known
from ..domain.graph import LayerNode
from ..interpreter.statements import RaiseSignal
from ..interpreter.values import Builtin, Class, Instance, Ref
from ..domain.shapes import Shape, product
from . import softmax_checks, torch_losses, torch_tensors, torch_wrap
from . import torch_op_log as op_log
from . import torch_params as params
from . import torch_partial as partial
from . import torch_provenance as provenance
from .arrays import ArrayValue
from .layers import LayerObject, apply, make_layer_object

ROOT = "torch."
CONTAINERS = ("Sequential", "ModuleList", "ModuleDict")
MODULE_BASES = tuple(f"torch.nn.{n}" for n in ("Module",) + CONTAINERS)
FACTORIES = ("zeros", "ones", "empty", "randn", "rand", "full", "randint", "arange", "tensor",
             "zeros_like", "ones_like", "empty_like", "randn_like", "rand_like", "normal")
FROM_DATA = ("from_numpy", "as_tensor", "tensor", "Tensor")
RETURNS_TUPLE = {"RNN": 2, "LSTM": 2, "GRU": 2, "MultiheadAttention": 2}


def knows(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return name.startswith("torch.nn.") and (last in CONTAINERS or last == "Module"
                                             or lookup("torch", last) is not None
                                             or last in torch_losses.MODULES)


def _nn_class(name: str) -> str | None:
    """The class name of a torch.nn module path (torch.nn.modules.conv.Conv2d -> Conv2d)."""
    parts = name.split(".")
    if len(parts) >= 3 and parts[:2] == ["torch", "nn"] and \
            parts[2] not in ("functional", "init", "utils"):
        return parts[-1] if parts[-1][:1].isupper() else None
    return None


def call(interp, name: str, args, kwargs, node):
    if name.startswith("torch.nn.init."):
        return torch_tensors.init_call(name, args, kwargs)
    if name in ("torch._assert", "torch.manual_seed"):
        return None
    if name in ("torch.jit.is_scripting", "torch.jit.is_tracing", "torch.onnx.is_in_onnx_export",
                "torch.compiler.is_compiling", "torch._C._get_tracing_state"):
        return None if name.endswith("_state") else False  # shapes are read in eager mode
    if name == "torch.is_tensor":
        return isinstance(args[0], TorchTensor) if args else Unknown("is_tensor()")
    wrapped = torch_wrap.call(interp, name, args, kwargs, node)
    if wrapped is not NotImplemented:
        return wrapped
    if name.startswith("torch.nn.functional."):
        if name.rsplit(".", 1)[-1] in torch_losses.FUNCTIONS:
            return torch_losses.call_function(interp, name.rsplit(".", 1)[-1], args, kwargs,
                                              node)
        return tensor_op(interp, name.rsplit(".", 1)[-1], args, kwargs, node)
    cls = _nn_class(name)
    if cls is not None:
        if cls in CONTAINERS:
            return make_container(interp, cls, args, kwargs, node)
        if cls == "Parameter":
            data = args[0] if args else kwargs.get("data")
            shape = data.shape if isinstance(data, TorchTensor) else Shape.unknown(
                "nn.Parameter of a tensor shapelint cannot read")
            return TorchTensor(shape, parameter=True)
        if cls == "Buffer":  # self.x = nn.Buffer(t) registers a buffer: never a parameter
            data = args[0] if args else kwargs.get("data")
            return TorchTensor(data.shape if isinstance(data, TorchTensor) else Shape.unknown(
                "nn.Buffer of a tensor shapelint cannot read"))
        if cls == "Module":
            return Unknown("a bare nn.Module()")
        path, line, col = interp.position(node)
        if cls in torch_losses.MODULES:
            return torch_losses.make_loss(TorchLayer, cls, args, kwargs, path, line, col)
        layer = make_layer_object(TorchLayer, "torch", cls, args, kwargs, cls, path, line, col)
        if layer.raises is not None and interp.catches(layer.raises):
            # timm's create_act_layer: act_layer(inplace=True), and on TypeError act_layer()
            raise RaiseSignal(layer.raises)
        return layer
    last = name.rsplit(".", 1)[-1]
    if last in FROM_DATA and name.count(".") == 1 and args and isinstance(args[0], ArrayValue):
        # A tensor of a numpy array's shape (arrays.py); torch.Tensor(...) is always float32,
        # the others keep the array's dtype.
        dtype = "float32" if last == "Tensor" else args[0].dtype
        return TorchTensor(args[0].shape, dtype=dtype)
    made = torch_tensors.call(interp, name, args, kwargs, node)
    if made is not NotImplemented:
        return made
    if name.count(".") == 1 and last in FACTORIES:
        if last == "tensor" and args and provenance.holds_unknown(args[0]):
            return TorchTensor(Shape.unknown("torch.tensor of data shapelint cannot read"))
        made = make_tensor(last, args, kwargs)
        if isinstance(made, TorchTensor):
            made.dtype = provenance.factory_dtype(last, args, kwargs)
        return made
    if name.count(".") == 1 and (last in OPS or last in ELEMENTWISE):
        return tensor_op(interp, last, args, kwargs, node)
    if name == "torch.Size":
        return tuple(args[0]) if args and isinstance(args[0], (tuple, list)) else Unknown("size")
    if torch_wrap.may_build_module(name):  # may be a module: stored on one, its
        return Unknown(f"{name}() is outside the analysis", opaque=True,  # total is unknown
                       where=(interp.current_module, node))
    return Unknown(f"{name}() is outside the analysis")


# -- tensors ----------------------------------------------------------------------------------

def make_tensor(kind: str, args, kwargs):
    if kind.endswith("_like"):
        first = args[0] if args else None
        return TorchTensor(first.shape) if isinstance(first, TorchTensor) else Unknown("like")
    if kind == "tensor":
        data = args[0] if args else None
        dims, level = [], data
        while isinstance(level, (list, tuple)):
            dims.append(len(level))
            level = level[0] if level else None
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
    elif kind in ("full", "normal"):
        args = args[:1]
    size = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
    size = kwargs.get("size", size)
    if not isinstance(size, (tuple, list)) or not all(is_known(d) or isinstance(d, SymDim)
                                                      for d in size):
        return TorchTensor(Shape.unknown("tensor of unknown size"))
    return TorchTensor(Shape(tuple(size)))


@dataclass(eq=False)
class TorchTensor:
    shape: Shape
    parameter: bool = False
    dtype: str | None = None  # "float32", "int64", ... when certain (torch_provenance)
    produced_by: str | None = None  # "softmax", "sigmoid", "unbounded", ... when certain
    channels_first: bool = False  # certainly (N, C, *spatial): its last axis is a spatial one
    requires_grad: object = True  # a parameter's: False counts it as non-trainable

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
            return tensor_op(interp, "t", (self,), {}, None)
        if name == "type" and self.shape.known_rank:  # x.type(torch.LongTensor): a cast
            return Builtin("Tensor.type",
                           lambda i, a, k, n: tensor_op(i, "to", (self,) + tuple(a), k, n))
        if name in OPS or name in ELEMENTWISE or name in ("add", "sub", "mul", "div"):
            return Builtin(f"Tensor.{name}",
                           lambda i, a, k, n: tensor_op(i, name, (self,) + tuple(a), k, n))
        made = torch_tensors.method(self, interp, name)
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
        out = TorchTensor(_shape_of(interp, name, node, matmul if name == "matmul" else
                                    broadcast, *shapes))
        if name == "matmul":
            op_log.record(interp, "matmul", [_shapes(v) for v in (left, right)], {}, node, out)
        if name == "broadcast":
            provenance.after_arithmetic([left, right], out)
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
        return out

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
            _record_fault(interp, fault, node, "item")
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
        _record_fault(interp, fault, node, name)
        return Shape.unknown("after an error upstream")
    except NotKnown as why:
        return Shape.unknown(why.reason)
    except Exception:  # noqa: BLE001 - operands we cannot read make the result unknown
        return Shape.unknown(f"{name} of operands shapelint cannot read")


def _shapes(value):
    """Tensor arguments as Shapes (lists of tensors as lists of Shapes); None if not tensors."""
    if isinstance(value, TorchTensor):
        return value.shape
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, TorchTensor)
                                                          for v in value):
        return [v.shape for v in value]
    return value


def tensor_op(interp, name: str, args, kwargs, node):
    """The result of a torch op, with what is certain about its values (torch_provenance)."""
    result = _tensor_op_shape(interp, name, args, kwargs, node)
    op_log.record(interp, name.removesuffix("_"), [_shapes(a) for a in args],
                  {k: _shapes(v) for k, v in kwargs.items()}, node, result)
    provenance.after_op(name, args, kwargs, result)
    if name in ("softmax", "log_softmax") and isinstance(result, TorchTensor):
        softmax_checks.functional(interp, name, args, kwargs, node)
    return result


def _tensor_op_shape(interp, name: str, args, kwargs, node):
    args = [_shapes(a) for a in args]
    kwargs = {k: _shapes(v) for k, v in kwargs.items()}
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
        return partial.op(interp, name, args, kwargs, node, OPS.get(name)) or \
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
        _record_fault(interp, fault, node, name)
        return TorchTensor(Shape.unknown("after an error upstream"))
    except NotKnown as why:
        return TorchTensor(Shape.unknown(why.reason))
    except Exception:  # noqa: BLE001 - arguments we cannot read make the result unknown
        return TorchTensor(Shape.unknown(f"{name}() arguments not understood"))
    if isinstance(result, Shape):
        return TorchTensor(result)
    if isinstance(result, tuple):
        return tuple(TorchTensor(r) if isinstance(r, Shape) else r for r in result)
    return result


def _record_fault(interp, fault, node, name):
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
    slots: params.Slots | None = None  # its parameters as objects, once read or replaced
    plain: dict | None = None  # attributes the code set that are neither parameter nor module
    requires_grad: object = True  # requires_grad_(False) on it or a module holding it

    def shapelint_call(self, interp, args, kwargs, node):
        inputs = [a for a in args if isinstance(a, TorchTensor)]
        if not inputs or len(inputs) < len([a for a in args if a is not None][:1]):
            return Unknown(f"{self.type_name} applied to an unknown value")
        multi = self.rule is not None and self.rule.multi_input
        shapes = [t.shape for t in inputs] if multi else [inputs[0].shape]
        if any(not s.known_rank and s.reason == "after an error upstream" for s in shapes):
            return TorchTensor(Shape.unknown("after an error upstream"))
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
        provenance.after_layer(self.type_name, inputs[0], out, self.rule)
        applied.channels_first = inputs[0].channels_first
        if self.type_name in ("Softmax", "LogSoftmax") and applied.fault is None:
            softmax_checks.module(interp, self, inputs[0].shape, node)
        extra = RETURNS_TUPLE.get(self.type_name)
        if (self.arguments or {}).get("return_indices") is True:  # max pools: (out, indices)
            extra = 2
        if extra:
            return (out,) + tuple(Unknown(f"{self.type_name} extra output")
                                  for _ in range(extra - 1))
        return out

    built_shapes = None

    def shapelint_attribute(self, interp, name):
        tensor = params.read(self, name)  # before the arguments: `bias` is both
        if tensor is not NotImplemented:
            return tensor
        if name in (self.plain or {}):
            return self.plain[name]
        arguments = self.arguments or {}
        if name in arguments:
            return arguments[name]
        if name == "weight" or name == "bias":
            return Unknown(f"{self.type_name}.{name} tensor")
        method = torch_wrap.module_method(self, name)
        if method is not None:
            return method
        return Unknown(f"{self.type_name}.{name} is outside the analysis")

    def shapelint_setattr(self, interp, name, value):
        if not params.assign(self, name, value):
            self.plain = {**(self.plain or {}), name: value}

    def shapelint_has(self, name):
        """True, False, or Unknown when the name may be the layer class's own (torch's)."""
        if name in (self.plain or {}) or name in (self.arguments or {}) or \
                params.read(self, name) is not NotImplemented:
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
        if self.kind in torch_wrap.WRAPPERS:  # DataParallel(m)(x) runs m(x)
            return interp.call(self.children["module"], tuple(args), kwargs, node)
        if self.kind != "Sequential":
            return Unknown(f"nn.{self.kind} is not callable")
        value = args[0] if args else Unknown("no input")
        if isinstance(value, TorchTensor) and value.shape.known_rank and \
                _outside_modules(interp):
            interp.state.observed_inputs[id(self)] = value.shape
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
        method = torch_wrap.module_method(self, name)
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


def make_container(interp, kind, args, kwargs, node, into: TorchContainer | None = None):
    path, line, col = interp.position(node) if node is not None else ("", 0, 0)
    container = into or TorchContainer(kind, {}, path, line, col)
    container.interp = interp
    if kind == "Sequential":
        if len(args) == 1 and isinstance(args[0], dict):
            for name, module in args[0].items():
                container.children[str(name)] = module
        else:
            for module in args:
                container._add(module)
    elif kind == "ModuleList":
        source = args[0] if args else kwargs.get("modules")
        if source is not None:
            items = interp.iterate(source)
            if items is None:
                container.uncertain = "a ModuleList of unknown modules"
            else:
                for module in items:
                    container._add(module)
    elif kind == "ModuleDict":
        source = args[0] if args else kwargs.get("modules")
        if isinstance(source, dict):
            container.children.update({str(k): v for k, v in source.items()})
        elif source is not None:
            pairs = interp.iterate(source)
            if pairs is None:
                container.uncertain = "a ModuleDict of unknown modules"
            else:
                for pair in pairs:
                    container.children[str(pair[0])] = pair[1]
    if interp.uncertain:
        container.uncertain = container.uncertain or "built under an undecided condition"
    return container


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


def instantiate(interp, cls: Class, args, kwargs, node):
    if not is_module_class(cls):
        return NotImplemented
    path, line, col = interp.position(node) if node is not None else ("", 0, 0)
    if not line:  # built by an ENTRY expression, which has no line: the class's own
        path, line, col = interp.position_in(cls.module, cls.node)
    record = ModuleRecord(path=path, line=line, col=col, interp=interp)
    interp.state.torch_records.append(record)
    container_kind = next((b.rsplit(".", 1)[-1] for b in torch_bases(cls)
                           if b.rsplit(".", 1)[-1] in CONTAINERS), None)
    if container_kind:
        record.container = TorchContainer(container_kind, {}, path, line, col)
        record.children = record.container.children  # one _modules dict, as in torch
    instance = Instance(cls, payload=record)
    instance.attrs["training"] = False  # shapes are read as in eval mode (torchinfo's default)
    if interp.uncertain:
        record.uncertain = "built under an undecided condition"
    try:
        init = cls.lookup("__init__")
    except KeyError:
        init = None
    if init is None:  # the external base's own __init__ runs
        base = next((b for b in torch_bases(cls)), "torch.nn.Module")
        init = external_super(interp, instance, base, "__init__")
        if init is NotImplemented:
            return instance
        done = interp.call(init, tuple(args), kwargs, node)
    else:
        done = interp.call(init, (instance,) + tuple(args), kwargs, node)
    if isinstance(done, Unknown) and done.opaque:
        record.uncertain = f"{cls.name}.__init__ did not run to its end ({done.reason})"
    return instance


def external_super(interp, self_value, base: str, name: str):
    if not base.startswith("torch.nn.") or not isinstance(self_value, Instance) or \
            not isinstance(self_value.payload, ModuleRecord):
        return NotImplemented
    record = self_value.payload
    kind = base.rsplit(".", 1)[-1]
    if base not in MODULE_BASES:
        return _leaf_super(interp, self_value, kind, name)
    if name == "__init__":
        if kind in CONTAINERS and record.container is not None:
            return Builtin(f"nn.{kind}.__init__", lambda i, a, k, n: make_container(
                i, kind, a, k, n, into=record.container) and None)
        return Builtin("nn.Module.__init__", lambda i, a, k, n: None)
    if name == "forward" and record.container is not None:
        return Builtin("nn.Sequential.forward",
                       lambda i, a, k, n: record.container.shapelint_call(i, a, k, n))
    return NotImplemented


def _leaf_super(interp, obj: Instance, kind: str, name: str):
    """A user class deriving from a catalogue layer (class LayerNorm2d(nn.LayerNorm)): the
    base's __init__ builds that layer, whose parameters the subclass owns."""
    record = obj.payload
    if name == "__init__":
        if lookup("torch", kind) is None:
            record.uncertain = f"the base class nn.{kind} is not in shapelint's catalogue"
            return Builtin(f"nn.{kind}.__init__", lambda i, a, k, n: None)

        def init(i, a, k, n):
            leaf = make_layer_object(TorchLayer, "torch", kind, a, k, kind, record.path,
                                     record.line, record.col)
            record.children[""] = leaf  # its parameters are the instance's own
            obj.attrs.update(leaf.arguments or {})
            return None
        return Builtin(f"nn.{kind}.__init__", init)
    if name == "forward":
        leaf = record.children.get("")
        if leaf is not None:
            return Builtin(f"nn.{kind}.forward", lambda i, a, k, n: leaf.shapelint_call(i, a, k, n))
    return NotImplemented


def instance_attribute(interp, obj: Instance, name: str):
    record = obj.payload
    if not isinstance(record, ModuleRecord):
        return NotImplemented
    leaf = record.children.get("")
    if leaf is not None and name in ("weight", "bias"):
        tensor = params.read(leaf, name)
        return tensor if tensor is not NotImplemented else TorchTensor(
            Shape.unknown(f"{leaf.type_name}.{name}"), parameter=True)
    if name in record.children:
        return record.children[name]
    if name in record.parameters:
        return record.parameters[name]

    def add_module(i, a, k, n):
        if len(a) == 2 and isinstance(a[0], str):
            _register(i, obj, a[0], a[1])
        else:
            record.uncertain = "add_module with an unknown name"
        return None

    def register_parameter(i, a, k, n):
        if len(a) == 2 and isinstance(a[0], str) and isinstance(a[1], TorchTensor):
            record.parameters[a[0]] = a[1]
        elif len(a) != 2 or a[1] is not None:
            record.uncertain = record.uncertain or "register_parameter() of a name or value " \
                "shapelint cannot read"
        return None
    hooks = {"add_module": add_module, "register_module": add_module,
             "register_parameter": register_parameter,
             "get_submodule": lambda i, a, k, n: _get_submodule(i, obj, *a, **k),
             "get_parameter": lambda i, a, k, n: _get_tensor(i, obj, True, *a, **k),
             "get_buffer": lambda i, a, k, n: _get_tensor(i, obj, False, *a, **k),
             "register_buffer": lambda i, a, k, n: torch_tensors.register_buffer(obj, a, k),
             "modules": lambda i, a, k, n: [obj] + [m for _, m in _leaves_and_modules(obj)],
             "children": lambda i, a, k, n: list(record.children.values()),
             "named_children": lambda i, a, k, n: list(record.children.items())}
    if name in hooks and not _defines(obj.cls, name):
        return Builtin(f"nn.Module.{name}", hooks[name])
    method = torch_wrap.module_method(obj, name)
    if method is not None and not _defines(obj.cls, name):
        return method
    if record.container is not None:
        return record.container.shapelint_attribute(interp, name)
    return NotImplemented


def _get_submodule(interp, module, target=None):
    """nn.Module.get_submodule: the module at a dotted path of child names."""
    if not isinstance(target, str):
        return Unknown("get_submodule() of a name shapelint cannot read")
    for part in target.split(".") if target else ():
        module = interp.get_attribute(module, part)
        if not is_module(module):
            return Unknown(f"get_submodule({target!r}): {part!r} is not a module shapelint knows")
    return module


def _get_tensor(interp, module, parameter: bool, target=None):
    """nn.Module.get_parameter / get_buffer at a dotted path."""
    if not isinstance(target, str):
        return Unknown("get_parameter() of a name shapelint cannot read")
    owner, _, name = target.rpartition(".")
    module = _get_submodule(interp, module, owner)
    if isinstance(module, Unknown):
        return module
    value = interp.get_attribute(module, name)
    if isinstance(value, TorchTensor) and (value.parameter is True) == parameter:
        return value
    return Unknown(f"{target!r} is not a {'parameter' if parameter else 'buffer'} shapelint "
                   "knows")


def _leaves_and_modules(module, seen=None):
    seen = set() if seen is None else seen
    out = []
    for name, child in _children(module).items():
        if id(child) in seen:
            continue
        seen.add(id(child))
        out.append((name, child))
        out.extend(_leaves_and_modules(child, seen))
    return out


def _register(interp, obj, name, value):
    record = obj.payload
    leaf = record.children.get("")
    if leaf is not None and params.is_slot(leaf, name) and params.assign(leaf, name, value):
        # `self.weight = shared` on a subclass of a catalogue layer replaces that layer's own
        # weight, as nn.Module.__setattr__ replaces _parameters["weight"]
        if interp.uncertain:
            record.uncertain = f"parameter '{name}' is set under an undecided condition"
        return
    # Under an undecided condition, what may add or replace a module or parameter leaves the
    # total unknown; a plain attribute (a config object, a flag) changes no count.
    if interp.uncertain and (is_module(value) or isinstance(value, TorchTensor) and (
            value.parameter) or isinstance(value, Unknown) and value.opaque or
            name in record.children or name in record.parameters):
        record.uncertain = f"submodule '{name}' is set under an undecided condition"
    if is_module(value):
        record.children[name] = value
    elif isinstance(value, TorchTensor) and value.parameter:
        record.parameters[name] = value
    elif isinstance(value, Unknown) and (name in record.children or value.opaque):
        record.uncertain = record.uncertain or (
            f"self.{name} = {value.reason}{_at_line(interp, value)}; it may be a module or "
            "a parameter shapelint cannot read, so the total is unknown")
    obj.attrs[name] = value


def _at_line(interp, value: Unknown) -> str:
    if value.where is None:
        return ""
    path, line, _ = interp.position_in(*value.where)
    return f" at line {line}" if line else ""


def _defines(cls, name: str) -> bool:
    """True when the user's class (or a user base) defines `name` itself."""
    try:
        found = cls.lookup(name)
    except KeyError:
        return False
    return not isinstance(found, Builtin)


def lost_write(interp, reason: str) -> None:
    for record in interp.state.torch_records:
        record.uncertain = record.uncertain or reason
        record.shares_lost = record.shares_lost or reason


def lost_call(interp, reason: str, given) -> None:
    values = list(given)
    for value in list(values):  # one level into containers: `fn([self.a, self.b])`
        if isinstance(value, (list, tuple)):
            values.extend(value)
        elif isinstance(value, dict):
            values.extend(value.values())
    if any(isinstance(v, (TorchLayer, TorchContainer)) for v in values):
        lost_write(interp, reason)  # a layer has no record of its own: any model may hold it
        return
    for value in values:
        if isinstance(value, Instance) and isinstance(value.payload, ModuleRecord):
            value.payload.uncertain = value.payload.uncertain or reason
            value.payload.shares_lost = value.payload.shares_lost or reason


def set_instance_attribute(interp, obj: Instance, name: str, value):
    if not isinstance(obj.payload, ModuleRecord):
        return NotImplemented
    if is_module(value) or (isinstance(value, TorchTensor) and value.parameter) or \
            name in obj.payload.children or (isinstance(value, Unknown) and value.opaque):
        _register(interp, obj, name, value)
        return True
    return NotImplemented


def call_instance(interp, obj: Instance, args, kwargs, node):
    if not isinstance(obj.payload, ModuleRecord):
        return NotImplemented
    if _outside_modules(interp) and args and isinstance(args[0], TorchTensor) and \
            args[0].shape.known_rank:
        interp.state.observed_inputs[id(obj)] = args[0].shape
    try:
        forward = obj.cls.lookup("forward")
    except KeyError:
        if obj.payload.container is not None:
            return obj.payload.container.shapelint_call(interp, args, kwargs, node)
        return Unknown(f"{obj.cls.name} has no forward()")
    out = interp.call(interp.bind_attribute(forward, obj, obj.cls), tuple(args), kwargs, node)
    if isinstance(out, TorchTensor) and out.produced_by and _outside_modules(interp) and \
            provenance.reads_training_flag(obj):
        # shapes are read in eval mode; a forward that branches on self.training may end
        # in another activation when trained, so its output's activation is not certain
        out = TorchTensor(out.shape, out.parameter, out.dtype, None)
    return out


def _outside_modules(interp) -> bool:
    """A model called at the top level or from a training function, not from a module's own
    methods (forward, or __init__ probing sizes with a dummy input)."""
    return not any(is_module_class(getattr(func, "owner", None)) for func, _ in interp.frames)


def isinstance_of(value, qualname: str):
    """isinstance(value, torch.nn.X) for the modules we model; None when we cannot tell."""
    if qualname in ("torch.Tensor", "torch.nn.Parameter", "torch.nn.parameter.Parameter"):
        if isinstance(value, TorchTensor):
            return value.parameter or qualname == "torch.Tensor"
        if isinstance(value, (int, float, str, tuple, list, dict, type(None))) or \
                is_module(value):
            return False
        return None
    cls = _nn_class(qualname)
    if cls is None:
        return None
    if isinstance(value, TorchLayer):
        return value.type_name == cls or cls == "Module"
    if isinstance(value, TorchContainer):
        return value.kind == cls or cls == "Module"
    if isinstance(value, Instance) and isinstance(value.payload, ModuleRecord):
        return cls == "Module" or f"torch.nn.{cls}" in torch_bases(value.cls)
    if isinstance(value, (int, float, str, tuple, list, dict, type(None))):
        return False
    return None


def _children(module) -> dict:
    if isinstance(module, TorchContainer):
        return module.children
    if isinstance(module, Instance) and isinstance(module.payload, ModuleRecord):
        record = module.payload
        return record.children
    return {}


__all__ = ["Sym", "TorchTensor", "TorchLayer", "TorchContainer", "instantiate", "call"]


def as_model(value):
    from .torch_model import as_model as make
    return make(value)


def is_model_class(cls) -> bool:
    return is_module_class(cls)


def observe_summary(interp, name: str, args, kwargs) -> None:
    """summary(model, (3, 224, 224)) (torchsummary: no batch) or summary(model, input_size=
    (1, 3, 224, 224)) (torchinfo: batch first) names the model's input shape."""
    model = args[0] if args else kwargs.get("model")
    size = args[1] if len(args) > 1 else kwargs.get("input_size")
    if not is_module(model) or not isinstance(size, (tuple, list)) or \
            not all(is_known(d) for d in size):
        return
    dims = tuple(size) if name.startswith("torchinfo") else (Sym("N"),) + tuple(size)
    interp.state.observed_inputs[id(model)] = Shape(dims)
