"""PyTorch as the interpreter meets it: the hooks frameworks/__init__ calls (knows, call,
instantiate, ...), answered for torch names. The values live in torch_values; tensor ops in
torch_tensor_ops and torch_tensors; nn.Module's machinery in torch_modules; a model's graph and
counts in torch_model."""
from __future__ import annotations

from ..catalogue import lookup
from ..catalogue.torch_functional import ELEMENTWISE, OPS
from ..domain.dims import Sym, Unknown, is_known
from ..domain.shapes import Shape
from ..interpreter.statements import RaiseSignal
from . import torch_losses, torch_params, torch_stacks, torch_tensors, torch_wrap
from .torch_autograd_functions import class_attribute  # noqa: F401 - the framework hook
from .arrays import ArrayValue
from .layers import make_layer_object
from .torch_modules import (call_instance, external_super, instance_attribute,
                            instantiate, isinstance_of, lost_call, lost_write, make_container,
                            nn_class, set_instance_attribute)
from . import torch_provenance as provenance
from . import torch_image_bands as image_bands
from . import torch_weight_products as weight_products
from .torch_provenance import dtype_of, factory_dtype, holds_unknown
from .torch_tensor_ops import make_tensor, tensor_op
from .torch_values import (CONTAINERS, OPERATIONS, STACKS, TorchContainer, TorchLayer,
                           TorchTensor, is_module, is_module_class)

ROOT = "torch."
FACTORIES = ("zeros", "ones", "empty", "randn", "rand", "full", "randint", "arange", "tensor",
             "zeros_like", "ones_like", "empty_like", "randn_like", "rand_like", "normal")
FROM_DATA = ("from_numpy", "as_tensor", "tensor", "Tensor")

# The hooks frameworks/__init__ looks up on this module, and the values tests and einops reach
# through it.
__all__ = ["ROOT", "knows", "call", "instantiate", "instance_attribute", "set_instance_attribute",
           "call_instance", "external_super", "isinstance_of", "lost_write", "lost_call",
           "as_model", "is_model_class", "observe_summary", "TorchTensor", "TorchLayer",
           "TorchContainer"]

# What torch values do that makes new values (torch_values.Operations): plugged in here, the
# module every way to a torch value loads first.
OPERATIONS.tensor_op = tensor_op
OPERATIONS.tensor_method = torch_tensors.method
OPERATIONS.read_parameter = torch_params.read
OPERATIONS.assign_parameter = torch_params.assign
OPERATIONS.module_method = torch_wrap.module_method
OPERATIONS.stack_forward = torch_stacks.forward


def knows(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return name.startswith("torch.nn.") and (last in CONTAINERS or last in STACKS
                                             or last == "Module"
                                             or lookup("torch", last) is not None
                                             or last in torch_losses.MODULES)


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
    if name.startswith("torch.distributions."):
        from . import torch_distributions
        made = torch_distributions.call(name, args, kwargs, TorchTensor)
        if made is not NotImplemented:
            return made
    wrapped = torch_wrap.call(interp, name, args, kwargs, node)
    if wrapped is not NotImplemented:
        return wrapped
    if name.startswith("torch.nn.functional."):
        if name.rsplit(".", 1)[-1] in torch_losses.FUNCTIONS:
            return torch_losses.call_function(interp, name.rsplit(".", 1)[-1], args, kwargs,
                                              node)
        return tensor_op(interp, name.rsplit(".", 1)[-1], args, kwargs, node)
    cls = nn_class(name)
    if cls is not None:
        if cls in CONTAINERS:
            return make_container(interp, cls, args, kwargs, node)
        if cls in STACKS:
            return torch_stacks.build(interp, cls, args, kwargs, node)
        if cls == "Parameter":
            data = args[0] if args else kwargs.get("data")
            shape = data.shape if isinstance(data, TorchTensor) else Shape.unknown(
                "nn.Parameter of a tensor shapelint cannot read")
            parameter = TorchTensor(shape, parameter=True)
            weight_products.made(parameter, interp.position(node))  # its products' faults
            return parameter
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
        # torch.tensor / as_tensor take a dtype= given (casting the values), and the others
        # keep the array's dtype.
        dtype = "float32" if last == "Tensor" else args[0].dtype
        made = TorchTensor(args[0].shape, dtype=dtype)
        if last in ("tensor", "as_tensor") and "dtype" in kwargs:
            made.dtype = dtype_of(kwargs["dtype"])
            made.dtype_at = interp.position(node) if made.dtype else None
        image_bands.from_array(args[0], made)  # an image's bands (torch_image_bands)
        return made
    made = torch_tensors.call(interp, name, args, kwargs, node)
    if made is not NotImplemented:
        return made
    if name.count(".") == 1 and last in FACTORIES:
        if last == "tensor" and args and holds_unknown(args[0]):
            return TorchTensor(Shape.unknown("torch.tensor of data shapelint cannot read"))
        made = make_tensor(last, args, kwargs)
        if isinstance(made, TorchTensor):
            made.dtype = factory_dtype(last, args, kwargs)
            if "dtype" in kwargs and made.dtype:
                made.dtype_at = interp.position(node)
            if not last.endswith("_like") and made.shape.known_rank:
                provenance.built(made, interp.position(node))
        return made
    if name.count(".") == 1 and (last in OPS or last in ELEMENTWISE):
        return tensor_op(interp, last, args, kwargs, node)
    if name == "torch.Size":
        return tuple(args[0]) if args and isinstance(args[0], (tuple, list)) else Unknown("size")
    if torch_wrap.may_build_module(name):  # may be a module: stored on one, its
        return Unknown(f"{name}() is outside the analysis", opaque=True,  # total is unknown
                       where=interp.call_site(node))
    return Unknown(f"{name}() is outside the analysis")


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
