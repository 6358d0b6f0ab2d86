"""What is certain about a torch tensor's values besides its shape: its dtype, and the last
activation that produced it ("softmax", "log_softmax", "sigmoid", "tanh", or "unbounded" for
a Linear/Conv output). Facts only: an op that may change one drops it (None = not known).
Beside them, where they were made: the line of that activation (produced_at) and the line
that wrote the tensor's shape (shape_at: a factory given its sizes, or a reshape), which is
where a loss finding's fix goes (torch_loss_places), and the place that wrote its trailing
sizes (sizes_at: the factory or the resizing transform, kept while they stay the last axes),
where the script's input size is written (torch_size_written)."""
from __future__ import annotations

import re

from ..domain.dims import SymDim, Unknown
from ..interpreter.values import Ref
from . import torch_batch_folds as batch_folds
from . import torch_image_bands as image_bands

# torch dtype names (and their aliases, torch.long is torch.int64) -> one spelling.
_DTYPES = {"float32": "float32", "float": "float32", "float64": "float64", "double": "float64",
           "float16": "float16", "half": "float16", "bfloat16": "bfloat16",
           "int64": "int64", "long": "int64", "int32": "int32", "int": "int32",
           "int16": "int16", "short": "int16", "int8": "int8", "uint8": "uint8", "bool": "bool"}
# Legacy tensor types accepted by Tensor.type(...): torch.LongTensor and the like.
_TENSOR_TYPES = {"FloatTensor": "float32", "DoubleTensor": "float64", "HalfTensor": "float16",
                 "LongTensor": "int64", "IntTensor": "int32", "ShortTensor": "int16",
                 "CharTensor": "int8", "ByteTensor": "uint8", "BoolTensor": "bool"}
INTEGER = frozenset({"int64", "int32", "int16", "int8", "uint8"})
FLOATING = frozenset({"float32", "float64", "float16", "bfloat16"})

# The default dtype of floating factories (torch.get_default_dtype() unless changed).
_FLOAT_FACTORIES = frozenset({"zeros", "ones", "empty", "randn", "rand", "normal"})
# Casts by method name (Tensor.long() is .to(torch.int64), ...).
_CASTS = {"float": "float32", "double": "float64", "half": "float16", "bfloat16": "bfloat16",
          "long": "int64", "int": "int32", "short": "int16", "bool": "bool"}
# Ops that return the same values in the same layout: every fact survives.
_IDENTITY = frozenset({"contiguous", "detach", "clone", "cpu", "cuda", "requires_grad_"})
# Ops that move values without changing them: per-element facts (bounds) survive, but a
# softmax's "sums to one along dim" does not, as the layout changes.
_REARRANGE = frozenset({"view", "reshape", "flatten", "squeeze", "unsqueeze", "permute",
                        "transpose", "t", "view_as", "reshape_as", "movedim", "swapaxes"})
_KEEP_LAYOUT_OPS = frozenset({
    "relu", "relu6", "gelu", "silu", "mish", "elu", "selu", "celu", "leaky_relu", "sigmoid",
    "tanh", "hardtanh", "hardswish", "hardsigmoid", "softplus", "dropout", "dropout2d",
    "dropout3d", "batch_norm", "group_norm", "instance_norm", "exp", "abs", "neg", "clamp",
    "add", "sub", "mul", "div", "masked_fill", "pad"})
_ELEMENTWISE_FACTS = frozenset({"sigmoid", "tanh", "unbounded"})
# Rearrangements that write a new shape (a rank or a size), not only an order of axes.
_RESHAPES = frozenset({"view", "reshape", "flatten", "squeeze", "unsqueeze", "view_as",
                       "reshape_as"})
# Ops that join tensors: a shape written by factories stays written here.
_JOINS = frozenset({"cat", "concat", "concatenate", "stack"})
_INDEX_OPS = frozenset({"argmax", "argmin"})  # their result is int64 whatever the input
ACTIVATIONS = {"softmax": "softmax", "log_softmax": "log_softmax", "sigmoid": "sigmoid",
               "tanh": "tanh"}
_UNBOUNDED_OPS = frozenset({"linear", "bilinear", "conv1d", "conv2d", "conv3d",
                            "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"})
# Leaf modules whose output is an activation's, or an affine map's (unbounded).
_LAYER_FACTS = {"Softmax": "softmax", "LogSoftmax": "log_softmax", "Sigmoid": "sigmoid",
                "Tanh": "tanh", "Linear": "unbounded", "LazyLinear": "unbounded",
                "Bilinear": "unbounded"}
_UNBOUNDED_LAYER_PREFIXES = ("Conv", "LazyConv")


def dtype_of(value) -> str | None:
    """torch.long / torch.float32 / torch.LongTensor as one dtype name; None if not one."""
    if isinstance(value, Ref) and value.qualname.startswith("torch."):
        last = value.qualname.rsplit(".", 1)[-1]
        return _DTYPES.get(last) or _TENSOR_TYPES.get(last)
    return None


def _leaves(data, out=None, depth=0):
    """The scalars inside nested lists/tuples (None when a level is empty or too deep)."""
    out = [] if out is None else out
    if isinstance(data, (list, tuple)):
        if not data or depth > 8 or len(out) > 10000:
            return None
        for item in data:
            if _leaves(item, out, depth + 1) is None:
                return None
        return out
    out.append(data)
    return out


def factory_dtype(kind: str, args, kwargs) -> str | None:
    """The dtype torch gives a factory's result (torch.randint -> int64, randn -> float32)."""
    if "dtype" in kwargs:
        return dtype_of(kwargs["dtype"])
    if kind.endswith("_like"):
        return getattr(args[0], "dtype", None) if args else None
    if kind in _FLOAT_FACTORIES:
        return "float32"
    if kind == "randint":
        return "int64"
    if kind in ("tensor", "arange", "full"):
        values = _leaves(args[0] if kind == "tensor" and args else
                         args[1:2] if kind == "full" else args)
        if not values:
            return None
        if all(isinstance(v, bool) for v in values):
            return "bool" if kind != "arange" else None
        if all(isinstance(v, int) for v in values):
            return "int64"
        if kind == "arange" and all(isinstance(v, (int, SymDim)) for v in values):
            return "int64"  # a symbolic size is an int too: torch.arange(x.shape[0])
        if all(isinstance(v, (int, float)) for v in values):
            return "float32"
    return None


# Leaf modules and ops that keep an (N, C, *spatial) layout: elementwise maps and norms.
_KEEP_LAYOUT_LAYERS = re.compile(r"^(ReLU6?|GELU|SiLU|Mish|Tanh|Sigmoid|Hard\w+|LeakyReLU|P?ReLU|"
                                 r"R?ReLU|[CS]?ELU|Softplus|Identity|Dropout[123]?d?|"
                                 r"(Lazy)?BatchNorm[23]d|(Lazy)?InstanceNorm[23]d|GroupNorm|"
                                 r"SyncBatchNorm|LocalResponseNorm|ZeroPad2d|ReflectionPad2d|"
                                 r"ReplicationPad2d|ConstantPad2d|Upsample|UpsamplingNearest2d|"
                                 r"UpsamplingBilinear2d|ChannelShuffle)$")
_SPATIAL_OPS = frozenset({"conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                          "conv_transpose3d", "max_pool1d", "max_pool2d", "max_pool3d",
                          "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
                          "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
                          "adaptive_max_pool2d", "adaptive_max_pool3d", "interpolate",
                          "upsample", "pixel_shuffle", "pixel_unshuffle"})


def built(out, at) -> None:
    """A factory given its sizes (torch.ones(128), torch.randn(64, pred_len)) wrote this
    shape at `at` (path, line, col)."""
    if at is not None and at[0]:
        out.shape_at = (*at[:3], "built")
        if out.shape.known_rank:
            wrote_sizes(out, at, out.shape.dims)


def wrote_sizes(out, at, sizes, how="written") -> None:
    """`at` (path, line, col) wrote out's last len(sizes) sizes: (3, 640, 640) for
    torch.rand(3, 640, 640), (200, 200) for a Resize((200, 200)); how = "dataset" for the
    images' own size in a torchvision dataset (torchvision_data adds, sixth, the place of the
    transforms that keep it). Not a TorchTensor field: set here and read with getattr
    (torch_size_written)."""
    out.sizes_at = (*at[:3], tuple(sizes), how)


def keep_sizes(source, out) -> None:
    """out keeps the place that wrote source's trailing sizes while its own shape still ends
    with them (unsqueeze(0), x / 255, a batch stacked from samples); so does the place that
    decides an image's channels (channels_at, with the sample's dims)."""
    dims = tuple(out.shape.dims) if out.shape.known_rank else ()
    for key in ("sizes_at", "channels_at"):  # channels_at: torchvision_data's ImageFolder
        at = getattr(source, key, None)
        if at is not None and 0 < len(at[3]) <= len(dims) and \
                dims[len(dims) - len(at[3]):] == at[3]:
            setattr(out, key, at)


def after_join(tensors, out, at) -> None:
    """torch.cat / torch.stack of tensors whose shapes were all built in the file: the join
    writes the result's shape (torch.cat([torch.ones(64), torch.zeros(64)]))."""
    if tensors and all(getattr(t, "shape_at", None) and t.shape_at[3] == "built"
                       for t in tensors):
        built(out, at)


def after_layer(type_name: str, source, out, rule=None, at=None) -> None:
    """Set what a leaf module's output certainly is, from the module and its input; `at` is
    where the layer is applied (its own line inside an nn.Sequential)."""
    out.channels_first = bool(rule is not None and "spatial" in rule.tags) or (
        source.channels_first and bool(_KEEP_LAYOUT_LAYERS.match(type_name)))
    batch_folds.after_layer(type_name, source, out, at)
    fact = _LAYER_FACTS.get(type_name)
    if fact is None and type_name.startswith(_UNBOUNDED_LAYER_PREFIXES):
        fact = "unbounded"
    if fact is not None:
        out.produced_by, out.produced_at = fact, at
    elif type_name in ("Identity",):
        out.produced_by, out.dtype = source.produced_by, source.dtype
        out.produced_at = source.produced_at
    elif type_name in ("Flatten", "Unflatten"):
        out.dtype = source.dtype
        if at is not None and at[0]:  # a reshape, as x.flatten(1) is (torch_fix_origins)
            out.reshaped_from, out.shape_at = source, (*at[:3], "reshaped")
        if source.produced_by in _ELEMENTWISE_FACTS:
            out.produced_by, out.produced_at = source.produced_by, source.produced_at
    if fact is not None and source.dtype in FLOATING:
        out.dtype = source.dtype


def after_op(name: str, args, kwargs, out, at=None) -> None:
    """Set what a tensor op's result certainly is; args[0] is the tensor it acted on (both
    are torch tensors: the caller, torch_tensor_ops, makes sure); `at` is the op's place."""
    source = args[0]
    _keep_places(name, source, out, at)
    batch_folds.after_op(name, source, out, at)
    image_bands.after_op(name, args, out)
    if name in _REARRANGE:  # a dropped result leaves `source` as it was (torch_fix_origins)
        out.reshaped_from = source
    elif name in _IDENTITY or name in _CASTS or name == "to":  # the same batch, its values
        out.fed_at, out.dropped_reshape = source.fed_at, source.dropped_reshape  # as given
    out.channels_first = name in _SPATIAL_OPS or (source.channels_first and (
        name in _IDENTITY or name in _CASTS or name == "to" or name in _KEEP_LAYOUT_OPS))
    if name in _IDENTITY or (name == "to" and _moves_only(args, kwargs)):
        out.dtype, out.produced_by = source.dtype, source.produced_by
        out.dtype_at = source.dtype_at
    elif name in _CASTS or name == "to":
        out.dtype = _CASTS.get(name) or _target_dtype(args, kwargs)
        out.dtype_at = at if at is not None and at[0] and out.dtype else None
        if out.dtype in FLOATING:
            out.produced_by = source.produced_by
    elif name in _REARRANGE:
        out.dtype, out.dtype_at = source.dtype, source.dtype_at
        if source.produced_by in _ELEMENTWISE_FACTS:
            out.produced_by = source.produced_by
    elif name in ACTIVATIONS:
        out.produced_by, out.produced_at = ACTIVATIONS[name], at
        out.dtype = source.dtype if source.dtype in FLOATING else None
    elif name in _UNBOUNDED_OPS:
        out.produced_by, out.produced_at = "unbounded", at
    elif name in _INDEX_OPS:
        out.dtype = "int64"


def after_arithmetic(operands, out) -> None:
    """x + shortcut, x * scale: the layout of a channels-first operand of the result's rank
    (operands: the torch tensors among them); a tensor scaled by a number keeps the line
    that wrote its shape (torch.rand(32, 1) * 16)."""
    out.channels_first = any(v.channels_first and v.shape == out.shape for v in operands)
    image_bands.after_arithmetic(operands, out)
    if len(operands) == 1 and operands[0].shape == out.shape:
        out.shape_at = operands[0].shape_at
        keep_sizes(operands[0], out)
        # x / 255 is the batch as fed, scaled (torch_fix_origins)
        out.fed_at, out.dropped_reshape = operands[0].fed_at, operands[0].dropped_reshape
    same = [v for v in operands if v.shape == out.shape]
    at = getattr(same[0], "sizes_at", None) if len(operands) > 1 and len(same) == 1 else None
    if at is not None and all(v is same[0] or v.shape.known_rank and all(
            d == 1 for d in v.shape.dims[-len(at[3]):]) for v in operands):
        out.sizes_at = at  # (im - mean) / std, mean (C, 1, 1): the sizes are still im's


def _keep_places(name: str, source, out, at) -> None:
    """The places that survive an op: its produced_at with its produced_by (set after), the
    line that wrote the shape through ops that keep it, or this op's line for a reshape."""
    if name in _RESHAPES:
        if at is not None and at[0]:
            out.shape_at = (*at[:3], "reshaped")
    elif out.shape == source.shape and name not in _INDEX_OPS:
        out.shape_at = source.shape_at
        out.drawn_at = getattr(source, "drawn_at", None)  # y.float() of a loader's batch
    if name not in _INDEX_OPS:
        keep_sizes(source, out)
    out.produced_at = source.produced_at
    if name in ("interpolate", "upsample") and at is not None and at[0]:
        _resized_to(out, at)


def _resized_to(out, at) -> None:
    """F.interpolate(x, size=(h, w)) writes the trailing sizes of its result at its own line
    (gcn demos resizing the photo to `image_size`): where the script sets the input's size.
    Only a result whose spatial sizes are all known (a scale_factor's are computed too)."""
    if not out.shape.known_rank or out.shape.rank < 3:
        return
    sizes = tuple(out.shape.dims[2:])
    if all(isinstance(d, int) and not isinstance(d, bool) for d in sizes):
        wrote_sizes(out, at, sizes, "resized")  # (torch_odd_side: the line to change)


def after_index(source, out) -> None:
    """x[...] picks elements: their dtype and per-element bounds stay."""
    out.dtype = source.dtype
    if source.produced_by in _ELEMENTWISE_FACTS:
        out.produced_by, out.produced_at = source.produced_by, source.produced_at


def _moves_only(args, kwargs) -> bool:
    """.to("cuda") / .to(device="cpu", non_blocking=True): a device named by a string, no
    dtype (an unknown argument may be a dtype or a tensor whose dtype .to() takes)."""
    return all(isinstance(a, str) for a in args[1:]) and all(
        isinstance(v, (str, bool)) for k, v in kwargs.items() if k != "dtype") and \
        "dtype" not in kwargs


def _target_dtype(args, kwargs) -> str | None:
    """The dtype a cast names, when it names exactly one (.to(torch.long), .type(...))."""
    for value in list(args[1:]) + [kwargs.get("dtype")]:
        found = dtype_of(value)
        if found is not None:
            return found
    return None


def holds_unknown(data) -> bool:
    """Nested lists whose innermost values include an unknown one (which may be a list, so
    the tensor's rank is not known either)."""
    if isinstance(data, Unknown):
        return True
    leaves = _leaves(data) if isinstance(data, (list, tuple)) else None
    return leaves is not None and any(isinstance(v, Unknown) for v in leaves)
