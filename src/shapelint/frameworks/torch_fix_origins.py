"""Where a torch layer's fault is fixed when the layer is not at fault (issue 16): the statement
that produced the offending property of its input. The finding moves there (LayerFault.fix_at,
read by rules/fix_lines.py) and names the layer call where the mismatch shows.

- A reshape whose result the code drops: `x.view(-1, 576)` as a statement of its own, or
  assigned to a name the file never reads (a misspelt `imagees = images.view(...)`), then the
  untouched `x` reaches a layer that rejects it while the dropped result would fit: the fix is
  to keep that result. Inside forward() the layer's own code stays; on the batch a script
  feeds the model it is SHP109 (the data does not fit the model).
- A batch fed channels-last: a Conv/BatchNorm that rejects the (N, H, W, C) batch the script
  gives the model, and that (N, C, H, W) would fit: SHP109 where the batch enters the model
  (the statement that binds the argument of the model call), with the permute that fixes it.
- A video batch fed frames first, (N, T, C, H, W), to a Conv3d that (N, C, T, H, W) would
  fit: SHP109 where the batch enters the model, with the permute(0, 2, 1, 3, 4).
- A features-last tensor (an Embedding's, a Linear's, an LSTM's output: (N, L, E)) applied to
  a Conv1d/BatchNorm1d that takes channels first and that (N, E, L) would fit: the missing
  permute goes after the layer that made it, so the finding sits on that layer's application.
- A batch without its channel axis ((N, H, W) MNIST rows) fed to a Conv2d(1, ...) that
  (N, 1, H, W) would fit: SHP109 where the batch enters the model, with the unsqueeze(1).
- A BatchNorm1d given (N, L, C) with num_features=C: its own constructor (torch_norm_axis),
  before the two rules above, as what follows reads the features last.
- A size the layer expects that the file writes apart from its constructor call (a constant
  read only there, an argument the one instantiation gives): torch_size_origins; through a
  module-level helper that builds the layer from its parameter: torch_helper_sizes; from a
  side rounded down: torch_floored_sizes. The input the script built is the other side.
- An input size a U-Net's skip connections do not fit (torch_size_fit.explain): SHP107 where
  the script builds the input, with the sizes that fit along each axis that does not.
Facts only: each move needs the layer's own rule to accept the tensor as the fix makes it."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import libcst as cst

from ..catalogue import LayerFault
from ..domain.codes import SHP101, SHP103, SHP106, SHP109
from ..domain.dims import NotKnown, is_known
from ..domain.shapes import Shape
from . import torch_drawn_batch as drawn_batch
from . import torch_norm_axis as norm_axis
from . import torch_floored_sizes as floored_sizes, torch_helper_sizes as helper_sizes
from . import torch_size_origins as size_origins
from .module_constants import constants
from .source_text import call_at
from .torch_batch_flattened import batch_flattened


@dataclass(frozen=True)
class FixAt:
    """Where a fault's fix goes: its position, the code it is reported under there (None: the
    fault's own), and a sentence saying what this line holds."""
    path: str
    line: int
    col: int
    code: object
    sentence: str
    seen_line: int | None = None  # where it shows, when not the layer application itself
    data_at: tuple | None = None  # (path, line, col) of the data side, when either is honest


# -- a reshape whose result is dropped ----------------------------------------------------

def dropped(interp, statement, value, scope) -> None:
    """`x.view(...)` as a statement, or `y = x.view(...)` with y never read in the file: the
    reshape leaves x as it was; remember on x where its result was dropped."""
    source = value.reshaped_from
    if interp.uncertain or source is None or not value.shape.known_rank:
        return
    if isinstance(statement, cst.Assign):
        name = _single_name(statement)
        if name is None or not _never_read(scope, name):
            return
        how = f"its result is assigned to {name}, a name the file never reads"
    else:
        how = "its result is dropped (the statement's value is not assigned)"
    path, line, col = interp.position(statement)
    if path:
        source.dropped_reshape = (path, int(line), int(col), value.shape, how)


def _single_name(statement) -> str | None:
    targets = statement.targets
    if len(targets) == 1 and isinstance(targets[0].target, cst.Name):
        return targets[0].target.value
    return None


def _never_read(scope, name: str) -> bool:
    """The name occurs once in its module's text (its assignment): nothing reads it."""
    module = getattr(scope, "module", None)
    lines = getattr(module, "lines", None)
    if not lines or name.startswith("_"):
        return False
    counts = getattr(module, "name_counts", None)
    if counts is None:  # how often each plain name occurs in the module, counted once
        counts = module.name_counts = Counter(_WORD.findall("\n".join(lines)))
    return counts[name] == 1


_WORD = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


def _fits(layer, shape: Shape) -> bool:
    """The layer's own rule accepts this input shape."""
    rule = getattr(layer, "rule", None)
    if rule is None or rule.multi_input or not shape.known_rank:
        return False
    try:
        rule.output(shape)
    except (LayerFault, NotKnown):
        return False
    except Exception:  # noqa: BLE001 - a rule we cannot run proves nothing
        return False
    return True


# -- where a script feeds a model ---------------------------------------------------------

_DEF = re.compile(r"^(\s*)(def|class)\s")


class FedAt(tuple):
    """fed_at's (path, line, col, call line), remembering where a Dataset's __getitem__ made
    the samples of the batch fed (TorchTensor.sampled_at), the data side of its fix, or the
    line that wrote the tensor a TensorDataset holds the batch is drawn from (drawn_at)."""
    sampled_at = drawn_at = None


def fed_at(interp, tensor, node) -> tuple | None:
    """(path, line, col, call line) of the statement binding the tensor a script gives a model
    (`x = data` before `model(x)`, or the loop header that binds it), else the call's own."""
    if node is None or not isinstance(node, cst.Call) or not node.args:
        return None
    path, line, col = interp.position(node)
    module = interp.modules.get(path) if path else None
    if module is None or not line:
        return None
    argument = node.args[0].value
    bound = _binding_line(module.lines, int(line), argument.value) \
        if isinstance(argument, cst.Name) else None
    fed = FedAt((path, bound[0], bound[1], int(line)) if bound is not None else
                (path, int(line), int(col), int(line)))
    fed.sampled_at = getattr(tensor, "sampled_at", None)
    fed.drawn_at = getattr(tensor, "drawn_at", None)
    return fed


def _binding_line(lines: list, line: int, name: str):
    """(line, col) of the nearest line above `line` in the same function or module that binds
    name: an assignment (`name = ...`, `name, y = ...`) or a loop header (`for name, y in`)."""
    if not 0 < line <= len(lines):
        return None
    here = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for number in range(line - 1, 0, -1):
        text = lines[number - 1]
        found = _DEF.match(text)
        if found and len(found.group(1)) < here:
            return None
        if name in _bound_names(text):
            return number, len(text) - len(text.lstrip())
    return None


_TARGETS = re.compile(r"^\s*(?:for\s+)?([\w\s,()]+?)\s*(?:=(?!=)|\sin\s)")


def _bound_names(text: str) -> set:
    """The plain names a line binds by assignment or as a loop's targets."""
    match = _TARGETS.match(text)
    if not match:
        return set()
    return {part.strip("() ") for part in match.group(1).split(",")}


# -- the fault, at the layer that shows it ------------------------------------------------

def layer_fault(interp, layer, applied, tensor) -> None:
    """Set where the fault of this layer application on tensor is fixed, if not the layer."""
    fault = applied.fault
    if getattr(fault, "fix_at", None) is not None:
        return
    try:
        at = _unused_reshape(layer, applied, tensor) or (
            norm_axis.unit_axis_of_the_batch(layer, tensor, _fits, FixAt) or
            norm_axis.features_last(layer, tensor, _fits, FixAt) or
            _channels_last(layer, tensor) or _frames_first(layer, tensor) or
            _features_last(layer, tensor) or
            _no_channel_axis(layer, tensor) if fault.code is SHP106 else None)
    except NotKnown:
        at = None
    if at is None and fault.code is SHP103:
        at = _rnn_extra_unit_axes(layer, tensor)
    if at is None and fault.code is SHP101:
        at = _pooled_too_little(layer, fault, tensor) or _view_splits_samples(
            layer, fault, tensor) or batch_flattened(layer, fault, tensor, FixAt)
    if at is None and fault.code in (SHP101, SHP106):
        at = _size_written(interp, layer, fault, tensor)
    if at is not None and at.path == applied.path:
        fault.fix_at = at


def _view_splits_samples(layer, fault, tensor) -> FixAt | None:
    """A Linear whose in_features is exactly the values of one sample of the map a view
    flattened, given rows of another width: (4, 2048, 1, 1) viewed as (-1, 512) splits each
    sample into 4 rows of 512 for a Linear(2048). The Linear fits the map; the view's width is
    the fault, so the finding sits on the view (a view packing several samples per row meets
    the loss instead: torch_batch_folds)."""
    source, at = tensor.reshaped_from, tensor.shape_at
    expected = fault.data.get("expected", fault.data.get("in_features"))
    if layer.type_name != "Linear" or source is None or at is None or at[3] != "reshaped" or \
            not is_known(expected):
        return None
    a, b = source.shape, tensor.shape
    if not (a.known_rank and b.known_rank) or a.rank < 2 or b.rank != 2 or \
            not all(is_known(d) for d in (*a.dims[1:], b[1])):
        return None
    per_sample = 1
    for d in a.dims[1:]:
        per_sample *= d
    if per_sample != expected or b[1] == expected or expected % b[1]:
        return None
    rows = expected // b[1]
    sentence = (f"The view on this line turns {a} into {b}: each sample's {expected} values "
                f"become {rows} rows of {b[1]}, where the {layer.type_name} takes {expected} "
                f"per sample; x.view(x.size(0), -1) gives one row of {expected} per sample.")
    return FixAt(at[0], int(at[1]), int(at[2]), None, sentence)


def _pooled_too_little(layer, fault, tensor) -> FixAt | None:
    """A Linear built for the channels of a pooled map, fed that map flattened while the
    fixed-window pooling before it leaves h x w > 1 (an AvgPool2d(7) sized for 224px inputs,
    given larger ones): in_features is C, the input C*h*w. A pooling to 1x1 gives C for every
    input size, so the fix is that pooling, and the finding sits there."""
    flat = getattr(tensor, "pooled_flat", None)
    expected = fault.data.get("expected", fault.data.get("in_features"))
    if flat is None or layer.type_name not in ("Linear",) or not is_known(expected):
        return None
    (path, line, col, op), shape, module = flat
    if module is not None and getattr(module, "line", 0):  # nn.AvgPool2d(7): its constructor
        path, line, col = module.path, int(module.line), int(module.col)
    if shape[1] != expected:
        return None
    spatial = "x".join(str(d) for d in shape.dims[2:])
    adaptive = {3: "AdaptiveAvgPool1d", 4: "AdaptiveAvgPool2d", 5: "AdaptiveAvgPool3d"}.get(
        shape.rank, "an adaptive pooling")
    sentence = (f"The {op} on this line leaves {spatial} maps of {shape[1]} channels, "
                f"{tuple(shape.dims)}; flattened they give {fault.data.get('actual')} features "
                f"where the {layer.type_name} takes {expected}, one per channel: pool to 1 "
                f"(nn.{adaptive}(1)) to give {expected} for every input size.")
    return FixAt(path, line, col, None, sentence)


def _size_written(interp, layer, fault, tensor) -> FixAt | None:
    """The constant or instantiation argument that sets the size the layer expects
    (torch_size_origins); a Linear on a feature map that only lacks a flatten is not one."""
    expected = fault.data.get("expected", fault.data.get("in_features"))
    shape = tensor.shape
    if fault.code is SHP101 and (not shape.known_rank or shape.rank >= 3):
        return None
    module = interp.modules.get(getattr(layer, "path", None) or "")
    lines = getattr(module, "lines", None)
    found = next(filter(None, (w(lines, layer, expected, fault.data.get("actual")) for w in (
        size_origins.written_at, helper_sizes.written_at, floored_sizes.written_at))), None) \
        if lines else None
    if found is None:
        return None
    line, col, sentence = found
    # the input as the script built it (a factory given its sizes) is the other honest side:
    # named (data_at), as rules/checks.at_constructor names it for a finding on the layer
    built = getattr(tensor, "shape_at", None)
    if built is None or built[3] != "built" or built[0] != layer.path or \
            int(built[1]) in (0, int(line)):
        made = made_by_linear(layer, getattr(tensor, "fed_made", None), tensor.shape,
                              fault.data.get("actual"), line)
        if made is not None:
            return FixAt(layer.path, line, col, None, f"{sentence} {made[1]}", data_at=made[0])
        return FixAt(layer.path, line, col, None, sentence)
    return FixAt(layer.path, line, col, None, f"{sentence} That input is built at line "
                 f"{int(built[1])}.", data_at=tuple(built[:3]))


def made_by_linear(layer, fed_made, shape: Shape, actual, line: int):
    """((path, line, col), sentence) of the Linear constructor whose out_features is the width
    a Linear's input has, when that input is the output of another model (or a layer) the
    script called, given to this model as it came (fed_made: ISDA's separate classifier given
    the class scores of a network that kept its own last Linear): that out_features is the
    other honest side. None when the Linear that rejects it is on `line` or in another file."""
    made, at = fed_made or (None, None)
    if made is None or at is None or layer.type_name != "Linear" or \
            getattr(made, "type_name", None) != "Linear" or made is layer or \
            not isinstance(actual, int) or \
            (getattr(made, "arguments", None) or {}).get("out_features") != actual:
        return None
    made_line, path = int(getattr(made, "line", 0) or 0), getattr(made, "path", "")
    if path != layer.path or made_line in (0, int(line)) or not shape.known_rank or \
            shape[-1] != actual:
        return None
    return ((path, made_line, int(getattr(made, "col", 0) or 0)),
            f"That input is the output of the Linear at line {made_line} (out_features "
            f"{actual}), applied at line {int(at[1])}: the other side to change.")


def _unused_reshape(layer, applied, tensor) -> FixAt | None:
    dropped_at = tensor.dropped_reshape
    if dropped_at is None:
        return None
    path, line, col, shape, how = dropped_at
    if not _fits(layer, shape):
        return None
    fed = tensor.fed_at is not None
    what = "batch fed to the model" if fed else "tensor"
    sentence = (f"The reshape on this line gives {shape}, which {layer.type_name} accepts, "
                f"but {how}: the {what} stays {tensor.shape}; assign the result to the name "
                f"that is used.")
    return FixAt(path, line, col, SHP109 if fed else None, sentence,
                 tensor.fed_at[3] if fed else None)


# layers that read dim 1 as the channels (an LSTM or a Linear reads the last dim)
_CHANNELS_FIRST = re.compile(r"^(Lazy)?(Conv|ConvTranspose|BatchNorm|InstanceNorm)[123]d$")


def _channels_last(layer, tensor) -> FixAt | None:
    """The fed batch is (N, *spatial, C) where the layer wants (N, C, *spatial)."""
    fed, shape = tensor.fed_at, tensor.shape
    if fed is None or not shape.known_rank or not 3 <= shape.rank <= 5 or \
            not all(is_known(d) for d in shape.dims):
        return None
    if shape[1] == shape[-1] or not _CHANNELS_FIRST.match(layer.type_name):
        return None
    first = Shape((shape[0], shape[-1]) + tuple(shape.dims[1:-1]))
    if not _fits(layer, first):
        return None
    order = ", ".join(map(str, (0, shape.rank - 1) + tuple(range(1, shape.rank - 1))))
    sentence = (f"The batch given to the model here is {shape}, channels-last; "
                f"{layer.type_name} takes channels first: .permute({order}) gives {first}, "
                f"which it accepts.")
    return FixAt(fed[0], fed[1], fed[2], SHP109, sentence)


def _frames_first(layer, tensor) -> FixAt | None:
    """The fed batch is a video clip (N, T, C, H, W), frames before channels, where a Conv3d
    (or another channels-first 3d layer) wants (N, C, T, H, W)."""
    fed, shape = tensor.fed_at, tensor.shape
    if fed is None or not shape.known_rank or shape.rank != 5 or \
            not all(is_known(d) for d in shape.dims) or shape[1] == shape[2] or \
            not layer.type_name.endswith("3d") or not _CHANNELS_FIRST.match(layer.type_name):
        return None
    first = Shape((shape[0], shape[2], shape[1]) + tuple(shape.dims[3:]))
    if not _fits(layer, first):
        return None
    sentence = (f"The clips given to the model here are {shape}, frames before channels; "
                f"{layer.type_name} takes (N, C, T, H, W): .permute(0, 2, 1, 3, 4) gives "
                f"{first}, which it accepts.")
    return FixAt(fed[0], fed[1], fed[2], SHP109, sentence)


# layers whose output carries its features on the last axis: (*, L, E)
_FEATURES_LAST = frozenset({"Embedding", "Linear", "LazyLinear", "LSTM", "GRU", "RNN"})


def _features_last(layer, tensor) -> FixAt | None:
    """An (N, L, E) tensor straight from an Embedding/Linear/RNN where a channels-first layer
    wants (N, E, L): the permute belongs after the layer that made it."""
    made, at, shape = tensor.made_by, tensor.made_at, tensor.shape
    if made is None or at is None or not at[0] or made.type_name not in _FEATURES_LAST or \
            not shape.known_rank or not 3 <= shape.rank <= 5 or \
            not _CHANNELS_FIRST.match(layer.type_name) or \
            not (is_known(shape[1]) and is_known(shape[-1])) or shape[1] == shape[-1]:
        return None
    first = Shape((shape[0], shape[-1]) + tuple(shape.dims[1:-1]))
    if not _fits(layer, first):
        return None
    order = ", ".join(map(str, (0, shape.rank - 1) + tuple(range(1, shape.rank - 1))))
    sentence = (f"The {made.type_name} applied on this line gives {shape}, its features on the "
                f"last axis; {layer.type_name} takes channels first: .permute({order}) of "
                f"this output gives {first}, which it accepts.")
    return FixAt(at[0], int(at[1]), int(at[2]), None, sentence)


_SPATIAL_RANK = re.compile(r"^(?:Lazy)?(?:Conv|ConvTranspose|BatchNorm|InstanceNorm)([123])d$")


def _no_channel_axis(layer, tensor) -> FixAt | None:
    """The fed batch is (N, *spatial) where the layer wants (N, 1, *spatial): the batch lacks
    its channel axis (torch reads the batch axis as the channels of one unbatched image)."""
    fed, shape = tensor.fed_at, tensor.shape
    found = _SPATIAL_RANK.match(layer.type_name)
    if fed is None or found is None or not shape.known_rank or \
            shape.rank != int(found.group(1)) + 1 or not all(is_known(d) for d in shape.dims):
        return None
    batched = Shape((shape[0], 1) + tuple(shape.dims[1:]))
    if not _fits(layer, batched):
        return None
    sentence = (f"The batch given to the model here is {shape}, without a channel axis; "
                f"{layer.type_name} takes (N, C, ...): .unsqueeze(1) gives {batched}, which it "
                f"accepts.")
    drawn = drawn_batch.no_channel_axis(fed, shape, batched, layer.type_name, FixAt)
    if drawn is not None:
        return drawn
    sampled = getattr(fed, "sampled_at", None)
    if sampled is not None and sampled[0] == fed[0] and sampled[1] != fed[1]:
        # the DataLoader stacks what __getitem__ returns: each sample lacks the axis there
        sentence += (f" Each sample is made by the Dataset's __getitem__ at line {sampled[1]}, "
                     f"{Shape(shape.dims[1:])}: .unsqueeze(0) of it there gives "
                     f"{Shape(batched.dims[1:])}, which the DataLoader stacks to {batched}.")
    return FixAt(fed[0], fed[1], fed[2], SHP109, sentence,
                 data_at=sampled if sampled is not None and sampled[0] == fed[0] else None)


_RNNS = frozenset({"RNN", "LSTM", "GRU"})


def _rnn_extra_unit_axes(layer, tensor) -> FixAt | None:
    """The fed batch reaches an RNN with axes of size one besides its batch axis ((N, 1, T, F)
    MNIST-like images into a batch_first LSTM): rank 4 where the RNN takes (N, T, F). Dropping
    those axes gives the batch the RNN accepts, so the fix is the batch, where it is bound."""
    fed, shape = tensor.fed_at, tensor.shape
    if fed is None or layer.type_name not in _RNNS or not shape.known_rank or \
            shape.rank <= 3 or not all(is_known(d) for d in shape.dims[1:]):
        return None
    units = [axis for axis in range(1, shape.rank) if shape.dims[axis] == 1]
    kept = Shape((shape[0],) + tuple(d for i, d in enumerate(shape.dims) if i and d != 1))
    if kept.rank != 3 or not _fits(layer, kept):
        return None
    squeeze = "".join(f".squeeze({axis})" for axis in reversed(units))
    sizes = ", ".join(str(d) for d in kept.dims[1:])
    sentence = (f"The batch given to the model here is {shape}; {layer.type_name} takes "
                f"a 3-D input: {squeeze} (or .reshape(-1, {sizes})) gives "
                f"{kept}, which it accepts.")
    return FixAt(fed[0], fed[1], fed[2], SHP109, sentence)


# -- an input size the model's skip connections do not fit -------------------------------

def input_size(model, shape: Shape, node, sizes: list) -> None:
    """A torch.cat that fails for the size the script's input has (torch_size_fit.explain):
    the fix is that size, where the script built the input (else where it feeds it); sizes
    holds (axis, the sizes that fit there) for each axis whose size does not fit."""
    state = model.interp.state
    if state.observed_inputs.get(id(model.root)) is not shape:
        return
    built = state.observed_places.get(id(model.root))
    fed, _ = state.observed_fed.get(id(model.root), (None, None))
    at = built if built is not None and built[3] == "built" else fed
    if at is None or at[0] != node.path or not at[1]:
        return
    wanted = "; ".join(f"dim {axis} is {shape.dims[axis]}, make it {fits}"
                       for axis, fits in sizes)
    constant = _size_constant(model, at, shape, [axis for axis, _ in sizes]) \
        if at is built else None
    if constant is not None:
        bound, text, callee, name = constant
        fits = {fit for _, fit in sizes}
        if len(fits) == 1 and name:  # one constant for every axis, the same sizes fit each
            wanted = f"make {name} {fits.pop()}"
        sentence = (f"{text} on this line sets the size of the input the {callee}(...) at "
                    f"line {at[1]} builds: {wanted}.")
        node.fault.fix_at = FixAt(at[0], bound, 0, None, sentence)
        return
    sentence = (f"The input is {'built' if at is built else 'given to the model'} on this "
                f"line: {wanted}.")
    node.fault.fix_at = FixAt(at[0], int(at[1]), int(at[2]), None, sentence)


_FACTORY = re.compile(r"torch\.(randn|rand|zeros|ones|empty|full|randint|normal)\s*\(")


def _size_constant(model, at, shape: Shape, axes: list):
    """(line, statement, callee, read) of the one module constant, bound once to an int, that the
    factory building the input (`torch.randn(1, 3, crop_size, crop_size)`) reads for every
    size that does not fit, and read by nothing but such factories: changing it is the fix,
    and every use of it changes together. A constant bound once to a tuple or list of ints may
    be read by index (`torch.rand(2, 3, SIZE[0], SIZE[1])`, `SIZE = [600, 800]`): its element
    is the size, and `read` the element as written (`SIZE[0]`; None when the failing axes
    read two of its elements). None when an axis is a literal, a computed value or another
    name, or the constant is read elsewhere too (the model's own arguments)."""
    lines = getattr(model.interp.modules.get(at[0]), "lines", None) or []
    call = call_at(lines, int(at[1]), int(at[2])) if 0 < int(at[1]) <= len(lines) else None
    if call is None or any(a.star for a in call.args):
        return None
    given = [a.value for a in call.args if a.keyword is None]
    sized = [a.value for a in call.args if a.keyword is not None and a.keyword.value == "size"]
    if len(given) == 1 and isinstance(given[0], (cst.Tuple, cst.List)) or sized:
        tuple_ = sized[0] if sized else given[0]
        if not isinstance(tuple_, (cst.Tuple, cst.List)):
            return None
        given = [e.value for e in tuple_.elements]
    if len(given) != shape.rank:
        return None
    bound = constants("\n".join(lines))
    reads = [_constant_read(given[axis], bound) for axis in axes]
    names = {read[0] for read in reads if read is not None}
    if len(names) != 1 or None in reads or \
            any(value != shape.dims[axis] for axis, (_, _, value) in zip(axes, reads)):
        return None
    [name] = names
    line, _, text = bound[name]
    # read by tensor factories only: a model built from it too would change with it, and the
    # sizes that fit were found for the model as it is
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    if any(word.search(t.split("#", 1)[0]) and not _FACTORY.search(t)
           for number, t in enumerate(lines, 1) if number != line):
        return None
    written = {written for _, written, _ in reads}  # two elements of it: no one name to set
    return line, text, cst.Module([]).code_for_node(call.func), \
        written.pop() if len(written) == 1 else None


def _constant_read(node, bound: dict):
    """(constant, the read as written, its value) of a factory argument that reads a module
    constant: `NAME` bound to an int, or `NAME[i]` of one bound to a tuple or list of ints
    (a literal index, in range); None for anything else."""
    if isinstance(node, cst.Name):
        value = bound.get(node.value, (0, None))[1]
        return (node.value, node.value, value) if isinstance(value, int) else None
    if not isinstance(node, cst.Subscript) or not isinstance(node.value, cst.Name) or \
            len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index) or \
            not isinstance(node.slice[0].slice.value, cst.Integer):
        return None
    name, index = node.value.value, int(node.slice[0].slice.value.value, 0)
    value = bound.get(name, (0, None))[1]
    if not isinstance(value, tuple) or not 0 <= index < len(value):
        return None
    return name, f"{name}[{index}]", value[index]
