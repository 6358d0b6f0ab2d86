"""Judgments over model graphs: what is wrong with the model as written."""
from __future__ import annotations

from ..domain.codes import (SHP101, SHP102, SHP106, SHP109, SHP201, SHP203, SHP204, SHP301,
                            SHP302, SHP303, Diagnostic, RuleDoc)
from ..domain.dims import Expr, NotKnown, Sym, SymDim, Unknown, is_known
from ..domain.graph import LayerNode, ModelGraph, runs_at, sizes_made
from ..domain.spots import unread
from ..domain.shapes import Shape, product
from .data_places import naming_data
from .fix_lines import at_fix_line, naming_data_side


def check_graph(graph: ModelGraph) -> list[Diagnostic]:
    # Keras: a rank fault sits on the line that set the rank it rejects (keras_places)
    if graph.framework == "keras":
        from .keras_places import at_producer  # a torch file loads nothing of Keras's

        def place(node, d):
            return at_producer(graph, node, d)
    else:
        def place(node, d):
            return d
    out = [place(node, fault_diagnostic(node)) for node in graph.nodes if node.fault is not None]
    out += [_torch_place(node) if graph.framework == "torch" else
            fault_diagnostic(node) for node in graph.applications if node.fault is not None]
    if graph.framework == "keras":
        judgments = (dense_on_feature_map, softmax_over_one_unit)
    else:
        judgments = (linear_on_feature_map, linear_input_sizes, batch_folded)
    for judge in judgments + (blind_spots,):
        try:
            out.extend(judge(graph))
        except NotKnown:  # a judgment that needs what the analysis does not know says nothing
            continue
    return out


def blind_spots(graph: ModelGraph) -> list[Diagnostic]:
    """SHP301/SHP302: what the analysis could not know (off by default)."""
    # unread: these are off by default, so their positions are resolved only if reported
    out = [Diagnostic(SHP301, unread(n, "line"), unread(n, "col"),
                      f"{n.type_name} is not in shapelint's catalogue; "
                      "its output shape and parameter count are unknown",
                      {"layer": n.name, "type": n.type_name}, n.path)
           for n in graph.nodes if getattr(n.layer, "unresolved", False) and n.counts]
    missing = [r for r in graph.unknown_reasons if "input shape is not given" in r]
    if missing:
        out.append(Diagnostic(SHP302, unread(graph, "line"), unread(graph, "col"),
                              f"the input shape of {graph.name} is not given; sizes that depend "
                              "on it are symbolic and counts may be unknown",
                              {"model": graph.name}, graph.path))
    # SHP303: skip connections that fit only some input sizes (frameworks/torch_size_fit.py)
    out.extend(graph.size_constraints)
    return out


def _torch_place(node: LayerNode) -> Diagnostic:
    """A torch fault on the line its fix changes: the statement that produced the input's
    offending property (rules/fix_lines.py), else the layer's constructor, else the call."""
    diagnostic = fault_diagnostic(node)
    return at_fix_line(node, diagnostic) or naming_data_side(node, at_constructor(
        node, diagnostic))


def fault_diagnostic(node: LayerNode) -> Diagnostic:
    fault = node.fault
    data = {"layer": node.name, "type": node.type_name, **fault.data}
    message = fault.message
    if fault.code is SHP101 and node.type_name == "Linear" and node.input_shapes:
        message, extra = _linear_mismatch(node, node.input_shapes[0])
        data.update(extra)
    if getattr(fault, "note", None) and not fault.data.get("batch_flattened"):
        # the input sizes it fits (torch_linear_fit); none when the batch is the fault
        message = message.rstrip()  # (torch_size_written's note follows a bare message)
        message = f"{message}{'' if message.endswith('.') else '.'} {fault.note}"
    return Diagnostic(fault.code, node.line, node.col, message, data, node.path)


def at_constructor(node: LayerNode, diagnostic: Diagnostic) -> Diagnostic:
    """A torch layer that rejects its input where forward() applies it (SHP101 in_features,
    SHP106 in_channels / input_size / num_features, SHP102 a pooling window larger than the map
    it gets): the fix is the constructor's argument, so the finding sits on the constructor and
    names the call (data["seen_at_line"], SARIF's relatedLocation). The application is never
    the line to change: the size is written in the constructor, or the input is resized
    elsewhere (named as data_at_line where known). A Linear that only lacks a flatten is fixed
    at the call, and stays there; so does a layer built in another file or by code shapelint
    did not see."""
    layer = node.layer
    line, path = getattr(layer, "line", 0), getattr(layer, "path", "")
    if not (diagnostic.code in (SHP101, SHP106) or _window_shrinks(node, diagnostic)) or \
            getattr(layer, "arguments", None) is None or not line or path != node.path or \
            diagnostic.data.get("missing_flatten"):
        return diagnostic
    call_line, call_col = int(node.line), int(node.col)
    if int(line) == call_line:
        return diagnostic
    stop = "" if diagnostic.message.endswith(".") else "."
    message = (f"{diagnostic.message}{stop} Its input arrives where it is applied, line "
               f"{call_line}; the {node.type_name}(...) on this line sets what it expects.")
    data = {**diagnostic.data, "seen_at_line": call_line, "seen_at_col": call_col}
    placed = Diagnostic(diagnostic.code, line, getattr(layer, "col", 0), message, data, path)
    built = getattr(node, "input_shape_at", None)  # the tensor as the script built it
    if not built or built[3] != "built":  # a reshape may be the model's own code: not named
        from ..frameworks.torch_fix_origins import made_by_linear
        made = made_by_linear(layer, getattr(node, "input_made", None),
                              node.input_shapes[0] if node.input_shapes else Shape.unknown(""),
                              diagnostic.data.get("actual"), int(line))
        if made is None:
            return placed
        return naming_data(placed, made[0], made[1].replace("{", "{{").replace("}", "}}"))
    return naming_data(placed, built, "That input is built at line {line}: change either the "
                       "layer on this line or the input there.")


_POOLS = ("MaxPool", "AvgPool", "LPPool")


def _window_shrinks(node: LayerNode, diagnostic: Diagnostic) -> bool:
    """SHP102 of a pooling module whose window leaves no output (catalogue _shrinks: its data
    names the axis and the size it would give), not a norm's too-small input."""
    return diagnostic.code is SHP102 and node.type_name.startswith(_POOLS) and \
        "size" in diagnostic.data and "axis" in diagnostic.data and \
        "shrinks" in diagnostic.message


def _linear_mismatch(node: LayerNode, x: Shape) -> tuple[str, dict]:
    """SHP101 for a Linear: what torch will say, and the counts as written and as intended."""
    arguments = getattr(node.layer, "arguments", None) or {}
    declared, out, bias = (arguments.get("in_features"), arguments.get("out_features"),
                           bool(arguments.get("bias", True)))
    actual = x[-1]
    features = x.features() if x.known_rank else Unknown("rank not known")
    rows = product(x[:-1]) if x.known_rank else "*"
    rows = f"({rows})" if isinstance(rows, Expr) else rows
    message = (f"Linear({declared}, {out}) receives {x}: its input has {actual} features where "
               f"in_features is {declared}; torch will raise \"mat1 and mat2 shapes cannot be "
               f"multiplied ({rows}x{actual} and {declared}x{out})\".")
    data = {"in_features": declared, "actual_features": actual if is_known(actual) else None}
    if not (is_known(declared) and is_known(out)):
        return message, data
    data["params_as_written"] = declared * out + out * bias
    if x.known_rank and x.rank >= 3 and is_known(features) and features == declared:
        message += (f" The feature map is not flattened: torch.flatten(x, 1) gives "
                    f"{Shape((x[0], features))}, which this Linear expects.")
        data["missing_flatten"] = True
    elif x.known_rank and x.rank >= 4 and getattr(node, "channels_first", False) and \
            is_known(features):
        # a conv's (N, C, *spatial) map: Linear multiplies its width axis only, so neither
        # in_features = that width nor another input size is the fix (the loss after it still
        # fails); a flatten is, sized for the whole map
        data.update(params_intended=features * out + out * bias, in_features_intended=features,
                    unflattened_map=True)
        message += (f" The feature map reaches it unflattened, and Linear multiplies its last "
                    f"axis only: torch.flatten(x, 1) gives {Shape((x[0], features))}; flatten "
                    f"it and make in_features {features} ({data['params_as_written']:,} "
                    f"parameters as written, {data['params_intended']:,} then).")
    elif is_known(actual) and getattr(getattr(node.fault, "fix_at", None), "code", None) \
            is not SHP109 and not any(getattr(node.fault, "data", {}).get(key)
                                      for key in ("last_batch", "batch_flattened")):
        # (a sample fed without its batch axis, a view on the last batch, a batch flattened
        # into one vector: in_features is right)
        data["params_intended"] = actual * out + out * bias
        message += (f" As written it has {data['params_as_written']:,} parameters; with "
                    f"in_features={actual} it would have {data['params_intended']:,}.")
    return message, data


def _on_feature_map(node: LayerNode) -> bool:
    shape = node.input_shapes[0] if node.input_shapes else None
    return "dense" in node.tags and shape is not None and shape.known_rank and shape.rank >= 4 \
        and not all(d == 1 for d in shape.dims[1:-1])


# A map whose positions are all known to be one (GlobalAveragePooling2D(keepdims=True)) gives
# a Dense the same weights with or without Flatten(): no count is wrong, and the unit axes
# left in its output are judged against the labels (SHP110), not here.


def dense_on_feature_map(graph: ModelGraph) -> list[Diagnostic]:
    """SHP201: a Dense fed a rank-4+ tensor, reported at the root cause only (a later Dense fed
    by the first one's per-position output is the same mistake, not a new one)."""
    memo: dict = {}

    def carries(node) -> bool:  # is this tensor per-position output of a flagged Dense?
        if id(node) not in memo:
            memo[id(node)] = False
            memo[id(node)] = _on_feature_map(node) or (
                "flattens" not in node.tags and any(carries(i) for i in node.inputs))
        return memo[id(node)]

    out = []
    for node in graph.nodes:
        if _on_feature_map(node) and node.counts and not any(carries(i) for i in node.inputs):
            out.append(_dense_diagnostic(graph, node))
    return out


def linear_on_feature_map(graph: ModelGraph) -> list[Diagnostic]:
    """SHP201 for torch: a Linear that runs on a rank-4+ tensor because its in_features happens
    to equal the last axis. (When it does not, the Linear's own SHP101 reports the crash.)
    Only on a tensor certainly laid out (N, C, *spatial), as a Conv or pool leaves it: a Linear
    on a channels-last map (after permute(0, 2, 3, 1), as ConvNeXt does) is meant."""
    out, flagged = [], set()
    for node in graph.applications:
        if not _on_feature_map(node) or node.fault is not None or id(node.layer) in flagged \
                or not getattr(node, "channels_first", False):
            continue
        flagged.add(id(node.layer))
        shape = node.input_shapes[0]
        arguments = getattr(node.layer, "arguments", None) or {}
        out_features, bias = arguments.get("out_features"), arguments.get("bias", True)
        features = shape.features()
        data = {"layer": node.name, "type": node.type_name, "input_shape": shape.to_json(),
                "rank": shape.rank, "in_features_intended": features if is_known(features)
                else None}
        message = (f"{node.type_name} is applied to a rank-{shape.rank} tensor {shape}; it acts "
                   "on the last axis only.")
        if is_known(features) and is_known(out_features):
            intended = features * out_features + out_features * bool(bias)
            data["params_intended"] = intended
            message += (f" With torch.flatten(x, 1) before it, in_features={features:,} "
                        f"({intended:,} parameters).")
        out.append(Diagnostic(SHP201, node.line, node.col, message, data, node.path))
    return out


def batch_folded(graph: ModelGraph) -> list[Diagnostic]:
    """SHP203: x.view(-1) or torch.flatten(x) made one long vector of the whole batch, and a
    Linear reads it: it runs for a batch of one and fails for any other."""
    first = graph.inputs[0].output_shape if graph.inputs else None
    batch = first[0] if first is not None and first.known_rank and first.rank else None
    if not isinstance(batch, Sym):
        return []
    out, seen = [], set()
    for node in graph.applications:
        x = node.input_shapes[0] if node.input_shapes else None
        if node.type_name != "Linear" or x is None or not x.known_rank or x.rank != 1 or \
                id(node.layer) in seen or not isinstance(x[0], SymDim) or \
                batch.name not in x[0].symbols():
            continue
        seen.add(id(node.layer))
        out.append(Diagnostic(
            SHP203, node.line, node.col,
            f"{node.type_name} receives {x}: the batch axis {batch} was folded into the "
            f"features (x.view(-1) or torch.flatten(x) with start_dim=0); it runs for a batch "
            f"of one and fails for any other. Flatten from dim 1: torch.flatten(x, 1) or "
            f"x.view(x.size(0), -1)", {"layer": node.name, "input_shape": x.to_json()},
            node.path))
    return out


def _fitting_sizes(features, wanted: int, made=(), limit: int = 2048) -> list[int] | None:
    """Input sizes (square when two symbols) for which a symbolic feature count equals wanted
    and no size in `made` (sizes_made: the graph's maps) is below one; None when the
    expression has symbols we do not search over."""
    names = sorted(features.symbols())
    if len(names) == 1 or set(names) == {"H", "W"} or set(names) == {"D", "H", "W"}:
        fits = []
        for size in range(1, limit + 1):
            try:
                values = {n: size for n in names}
                if features.evaluate(values) == wanted and runs_at(made, values):
                    fits.append(size)
            except ZeroDivisionError:
                continue
        return fits
    return None


def _span(sizes: list[int]) -> str:
    """"28", "28 to 29", or the sizes themselves when they are not one run ("5, 6, 13, 14")."""
    if len(sizes) == 1:
        return str(sizes[0])
    if sizes == list(range(sizes[0], sizes[-1] + 1)):
        return f"{sizes[0]} to {sizes[-1]}"
    return ", ".join(map(str, sizes[:8])) + (", ..." if len(sizes) > 8 else "")


def _constant_factor(d) -> int:
    """The integer every value of a symbolic product is a multiple of (64 in 64 * (...))."""
    if is_known(d):
        return abs(d) or 1
    if isinstance(d, SymDim) and getattr(d, "op", None) == "*":
        return _constant_factor(d.left) * _constant_factor(d.right)
    return 1


def linear_input_sizes(graph: ModelGraph) -> list[Diagnostic]:
    """A Linear fed a feature count that depends on the unknown input size: say which sizes
    fit its in_features (SHP303), or that none can (SHP101)."""
    out, seen = [], set()
    for node in graph.applications:
        if node.type_name != "Linear" or node.fault is not None or id(node.layer) in seen:
            continue
        seen.add(id(node.layer))
        x = node.input_shapes[0] if node.input_shapes else None
        declared = (getattr(node.layer, "arguments", None) or {}).get("in_features")
        if x is None or not x.known_rank or x.rank < 2 or not is_known(declared) or \
                not isinstance(x[-1], SymDim):
            continue  # (rank 1: the batch folded into the features is SHP203's)
        fits = _fitting_sizes(x[-1], declared, sizes_made(graph.applications))
        if fits is None:
            continue
        names = " = ".join(sorted(x[-1].symbols()))
        data = {"layer": node.name, "in_features": declared, "features": str(x[-1]),
                "fitting_sizes": fits}
        factor = _constant_factor(x[-1])
        if declared % factor:
            out.append(at_constructor(node, Diagnostic(
                SHP101, node.line, node.col, f"Linear({declared}, ...) receives {x[-1]} "
                f"features, a multiple of {factor}: no input size can give {declared}", data,
                node.path)))
        elif not fits:
            out.append(Diagnostic(SHP303, node.line, node.col,
                                  f"Linear(in_features={declared}) fits no input with {names} "
                                  f"from 1 to 2048 (its input has {x[-1]} features)", data,
                                  node.path))
        else:
            span = _span(fits)
            out.append(Diagnostic(SHP303, node.line, node.col,
                                  f"Linear(in_features={declared}) fits only inputs with "
                                  f"{names} = {span} (its input has {x[-1]} features)", data,
                                  node.path))
    return out


# No SHP201 for a softmax Dense on a sequence (after Conv1D, or an RNN returning sequences):
# a per-step softmax is the intended design of seq2seq decoders and taggers (Keras's own
# seq2seq example), so the graph alone proves no fault; only labels contradicting the
# sequence axis could (issue 16), and edges.py is where labels are judged.


def _flatten(shapes: list) -> list:
    return [Shape((s[0], s.features())) for s in shapes]


def _dense_diagnostic(graph: ModelGraph, node: LayerNode, why: str = "") -> Diagnostic:
    shape = node.input_shapes[0]
    units = node.output_shape[-1] if node.output_shape.known_rank else "?"
    fixed = graph.replay({node: _flatten})
    fixed_node = next(n for n in fixed.nodes if n.layer is node.layer and n.line == node.line)
    as_written, intended = node.params, fixed_node.params
    total, total_fixed = graph.total, fixed.total
    data = {
        "layer": node.name, "type": node.type_name, "units": units if is_known(units) else None,
        "input_shape": shape.to_json(), "rank": shape.rank,
        "params_as_written": as_written if is_known(as_written) else None,
        "params_intended": intended if is_known(intended) else None,
        "total_as_written": total, "total_intended": total_fixed,
    }
    message = (f"{node.type_name}({units}) is applied to a rank-{shape.rank} tensor {shape}; "
               f"it acts on the last axis only and builds {_count(as_written)} parameters.")
    if is_known(intended):
        message += f" With Flatten() before it, this layer would build {intended:,}"
        if total is not None and total_fixed is not None:
            message += f" (model total {total_fixed:,} instead of {total:,})."
        else:
            message += "."
    else:
        message += (" With Flatten() before it, its size would depend on the input size, "
                    "which is not known here.")
    message += why
    return Diagnostic(SHP201, node.line, node.col, message, data, node.path)


def _count(value) -> str:
    return f"{value:,}" if is_known(value) else "an unknown number of"


_SOFTMAX_LAYERS = {"Softmax": "Softmax() after a layer of one unit",
                   "Activation": "Activation('softmax') after a layer of one unit"}


def _softmax_axis(arguments: dict):
    """Softmax(axis=-1, **kwargs) as the catalogue bound it (a generic entry keeps *args)."""
    extra = arguments.get("kwargs") or {}
    positional = arguments.get("args") or ()
    if positional:
        return positional[0]
    return arguments.get("axis", extra.get("axis", -1))


def softmax_over_one_unit(graph: ModelGraph) -> list[Diagnostic]:
    """SHP204: a softmax over an axis of size 1 (Dense(1, activation="softmax"), or an
    Activation("softmax") / Softmax() after a one-unit layer) is 1.0 for every input."""
    from .edges import activation_name
    out = []
    for node in graph.nodes:
        layer = node.layer
        if node.is_input or node.fault is not None or \
                activation_name(getattr(layer, "activation", None)) != "softmax":
            continue
        arguments = getattr(layer, "arguments", None) or {}
        axis = _softmax_axis(arguments) if node.type_name == "Softmax" else -1
        shape = node.output_shape
        if not shape.known_rank or not isinstance(axis, int) or \
                not -shape.rank <= axis < shape.rank or shape[axis] != 1:
            continue
        what = _SOFTMAX_LAYERS.get(node.type_name,
                                   f"{node.type_name}(1, activation='softmax')")
        out.append(Diagnostic(SHP204, node.line, node.col, (
            f"{what}: a softmax over an axis of size 1 outputs exactly 1.0 for every input "
            f"(output {shape}), so the model cannot learn; for a binary output use "
            f"activation='sigmoid' with binary_crossentropy, or 2 units with softmax"),
            {"layer": node.name, "type": node.type_name, "output_shape": shape.to_json()},
            node.path))
    return out


# The pages of the codes raised here (docs/rules/SHPxxx.md, generated by rules/docs.py,
# which gathers every module's DOCS); their Example and Use instead are run by
# tests/test_rule_docs.py. SHP204 is also raised for torch by frameworks/softmax_checks.py,
# while the forward pass is read; its page shows the Keras case judged here.
DOCS = {
    "SHP201": RuleDoc(
        what="Checks for a `Dense` (Keras) or `Linear` (torch) applied to a feature map of rank "
             "4 or more, reported at the first such layer only.",
        why="Dense and Linear act on the last axis alone: on a `(None, 13, 13, 256)` feature "
            "map, `Dense(4096)` is applied at each of the 169 positions with 1,052,672 weights "
            "instead of seeing the whole map with 177,213,440. The model builds and trains, "
            "just not as the model the author meant (the classic missing `Flatten()`; AlexNet "
            "typed from the paper has 25,678,184 parameters instead of about 60 million). The "
            "message gives both layer counts and both model totals.",
        example="from keras import Sequential, layers\n\n"
                "model = Sequential([\n"
                "    layers.Conv2D(32, 3, input_shape=(28, 28, 1)),\n"
                "    layers.Dense(10),\n"
                "])\n",
        use_instead="from keras import Sequential, layers\n\n"
                    "model = Sequential([\n"
                    "    layers.Conv2D(32, 3, input_shape=(28, 28, 1)),\n"
                    "    layers.Flatten(),\n"
                    "    layers.Dense(10),\n"
                    "])\n",
        known_problems="A deliberate per-position head (a 1x1-convolution written as `Dense`, "
                       "as in some segmentation models) is reported too; silence it with "
                       "`# noqa: SHP201` on that line.",
        fix="Keras: a **safe** fix inserts `Flatten()` before the flagged Dense, spelled the way "
            "the file spells its layers (`tf.keras.layers.Flatten()`, `layers.Flatten()`, or "
            "`Flatten()` added to the `from ... import Dense` line): in a `Sequential([...])` "
            "list, as a `model.add(...)` before the flagged one, or, in a functional model, "
            "around its input (`Dense(64)(layers.Flatten()(x))`). Dense infers its input width, "
            "so no number changes and the new totals are those the message printed. torch: an "
            "**unsafe** fix flattens the input and sets `in_features` to the flattened count; "
            "the model as written runs, so this changes its behaviour and a number."),
    "SHP203": RuleDoc(
        what="Reports a `Linear` fed a one-dimensional tensor whose length contains the batch "
             "size: `x.view(-1)` or `torch.flatten(x)` (start_dim=0) folded the batch into the "
             "features.",
        why="With a batch of one the sizes happen to match and the model runs; with any "
            "other batch size `in_features` no longer matches and torch raises, usually only "
            "once training starts.",
        example="import torch\nimport torch.nn as nn\n\n\n"
                "class Net(nn.Module):  # shapelint: input=(B, 4, 3, 3)\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.fc = nn.Linear(36, 2)\n\n"
                "    def forward(self, x):\n"
                "        return self.fc(torch.flatten(x))\n",
        use_instead="import torch\nimport torch.nn as nn\n\n\n"
                    "class Net(nn.Module):  # shapelint: input=(B, 4, 3, 3)\n"
                    "    def __init__(self):\n"
                    "        super().__init__()\n"
                    "        self.fc = nn.Linear(36, 2)\n\n"
                    "    def forward(self, x):\n"
                    "        return self.fc(torch.flatten(x, 1))\n"),
    "SHP204": RuleDoc(
        what="Reports a softmax over an axis of size 1: `Dense(1, activation='softmax')`, or "
             "`Activation('softmax')` / `Softmax()` after a layer of one unit.",
        why="A softmax divides each value by the sum over its axis; over one value that is "
            "exactly 1.0 for every input, so the model predicts a constant and cannot learn. "
            "A binary output wants a sigmoid (or two softmax units).",
        example="from keras import Sequential, Input, layers\n\n"
                "model = Sequential([Input((20,)), layers.Dense(1, activation='softmax')])\n",
        use_instead="from keras import Sequential, Input, layers\n\n"
                    "model = Sequential([Input((20,)), layers.Dense(1, activation='sigmoid')])\n"),
    "SHP301": RuleDoc(
        what="Reports a layer that is not in shapelint's catalogue (off by default).",
        why="Its output shape and parameter count are unknown, so every count that depends on "
            "it is reported as unknown rather than guessed. Select `SHP3` to see where the "
            "analysis is blind.",
        known_problems="Custom layers are reported here until their class is read as "
                       "ordinary model code."),
    "SHP302": RuleDoc(
        what="Reports a model whose input shape could not be learned (off by default).",
        why="Sizes that depend on the input stay symbolic (`H`, `W`), and counts that depend "
            "on them are unknown. Give the shape with `input_shape=`, `keras.Input`, a "
            "`# shapelint: input=(N, 3, 224, 224)` comment, `[tool.shapelint.input-shapes]` or "
            "`summary --input-shape`."),
    "SHP303": RuleDoc(
        what="Reports the input sizes a `Linear` fits when its input width depends on an "
             "unknown input size, and those a `torch.cat` skip connection (a U-Net) fits when "
             "both sides depend on it (off by default).",
        why="`Linear(9216, 4096)` after a convolution stack fits only inputs of 224 to 227 "
            "pixels; saying so documents an assumption the code does not state.",
        example="import torch.nn as nn\n\n\n"
                "class Net(nn.Module):\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.conv = nn.Conv2d(3, 4, 3)\n"
                "        self.fc = nn.Linear(4 * 30 * 30, 10)\n\n"
                "    def forward(self, x):\n"
                "        return self.fc(self.conv(x).flatten(1))\n",
        use_instead="import torch.nn as nn\n\n\n"
                    "class Net(nn.Module):  # shapelint: input=(B, 3, 32, 32)\n"
                    "    def __init__(self):\n"
                    "        super().__init__()\n"
                    "        self.conv = nn.Conv2d(3, 4, 3)\n"
                    "        self.fc = nn.Linear(4 * 30 * 30, 10)\n\n"
                    "    def forward(self, x):\n"
                    "        return self.fc(self.conv(x).flatten(1))\n"),
}
