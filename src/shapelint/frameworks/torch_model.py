"""A PyTorch model as a graph: the module tree gives the parameters (counted once per module,
as `model.parameters()` does), a forward pass on an abstract input gives the shapes."""
from __future__ import annotations

import re

import libcst as cst

from ..domain.dims import Sym, Unknown
from ..domain.graph import LayerNode, ModelGraph
from ..interpreter.budget import BudgetExhausted
from ..domain.spots import PairsDict
from ..interpreter.values import Instance
from ..domain.shapes import Shape
from . import torch_norm_axis as norm_axis
from . import torch_op_log as op_log
from . import torch_params
from . import torch_size_fit as size_fit
from . import torch_linear_fit as linear_fit
from . import torch_odd_side as odd_side
from . import torch_size_written as size_written
from . import torch_unbatched as unbatched
from . import torch_partial as partial
from .torch_values import (WRAPPERS, ModuleRecord, TorchContainer, TorchLayer, TorchTensor,
                           children_of, is_module_class)

BATCH = partial.BATCH
# what the script's own call of a model recorded, which forward()'s own calls must not replace
_OBSERVED = ("observed_places", "observed_lines", "observed_fed", "observed_sizes",
             "observed_rest", "observed_reshaped", "observed_made", "observed_bands")
_REFINEMENTS = 4  # forward() runs at most this often while the code teaches the input's shape
_COMMENT = re.compile(r"#\s*shapelint:\s*input\s*=\s*\(([^)]*)\)")


def as_model(value):
    if isinstance(value, Instance) and isinstance(value.payload, ModuleRecord):
        return TorchModel(value)
    if isinstance(value, TorchContainer) and value.kind == "Sequential":
        return TorchModel(value)
    if isinstance(value, TorchContainer) and value.kind in WRAPPERS:
        return as_model(value.children["module"])  # DataParallel(m): m's parameters
    if isinstance(value, TorchLayer) and value.interp is not None and \
            id(value) in value.interp.state.observed_inputs:
        return TorchModel(value)  # a layer the script applies itself
    return None


def is_model_class(cls) -> bool:
    return is_module_class(cls)


def leaves(root) -> list:
    """(qualified name, leaf) in registration order, each module and parameter once."""
    out, seen = [], set()

    def walk(module, prefix):
        if id(module) in seen:
            return
        seen.add(id(module))
        if isinstance(module, TorchLayer):
            out.append((prefix.rstrip("."), module))
            for name, child in module.slots.modules if module.slots else ():
                walk(child, f"{prefix}{name}.")  # a parametrization's own module
            return
        if isinstance(module, Instance) and isinstance(module.payload, ModuleRecord):
            for name, param in module.payload.parameters.items():
                if id(param) not in seen:
                    seen.add(id(param))
                    out.append((prefix + name, param))
        for name, child in children_of(module).items():
            if child is None:
                continue
            if isinstance(child, (TorchLayer, TorchContainer, Instance)):
                walk(child, f"{prefix}{name}.")
            else:
                out.append((prefix + name, child))  # a module we could not know
    walk(root, "")
    return out


def _uncertain(root, field: str = "uncertain") -> str:
    """The first reason of this kind found on the module tree ("uncertain": the count may
    differ; "shares_lost": so may each leaf's share of it)."""
    todo, seen = [root], set()
    while todo:
        module = todo.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        record = module.payload if isinstance(module, Instance) else None
        why = getattr(module, field, "") or (getattr(record, field, "") if record else "")
        if why:
            return why
        if field == "uncertain" and record is not None and record.container is not None and \
                record.container.uncertain:
            return record.container.uncertain
        todo.extend(c for c in children_of(module).values() if c is not None)
    return ""


def _rows(named, first_use: dict, model, shares_lost: str = "") -> list:
    """One row per leaf: its share of the total, each parameter tensor counted once over the
    model (tied weights, a Parameter under two names), as `model.parameters()` yields them.
    After a write the analysis lost, which tensors are shared is not known: no share is."""
    rows = _known_rows(named, first_use, model)
    if shares_lost:
        for row in rows:
            row.reason = f"{row.name}'s share is not known: {shares_lost}"
            row.params = row.frozen = Unknown(row.reason)
    return rows


def _known_rows(named, first_use: dict, model) -> list:
    rows, seen = [], set()
    for name, leaf in named:
        if isinstance(leaf, TorchLayer):
            use = first_use.get(id(leaf))
            trainable, frozen = torch_params.split(leaf, seen)
            row = LayerNode(leaf, name, leaf.type_name, leaf.path, leaf.line, leaf.col,
                            output_shape=use.output_shape if use else Shape.unknown(
                                "not called in forward()"),
                            params=trainable, frozen=frozen,
                            tags=leaf.rule.tags if leaf.rule else frozenset())
            row.reason = leaf.reason or getattr(trainable, "reason", "")
        elif isinstance(leaf, TorchTensor):
            size = 0 if id(leaf) in seen else torch_params.numel(leaf)
            flag = leaf.requires_grad
            row = LayerNode(leaf, name, "Parameter", model.path, model.line, model.col,
                            output_shape=leaf.shape,
                            params=size if flag is True else 0 if flag is False else flag,
                            frozen=0 if flag is True else size if flag is False else flag)
            seen.add(id(leaf))
        else:
            why = getattr(leaf, "reason", "") or f"a {type(leaf).__name__}"
            row = LayerNode(leaf, name, type(leaf).__name__, model.path, model.line,
                            model.col, params=Unknown(f"submodule {name} is not known ({why})"))
        rows.append(row)
    return rows


def shows_at(graph, called) -> None:
    """A layer that rejects the script's input where it was built (inside an nn.Sequential, or
    a layer the script applies itself) shows the mismatch where the script calls the model:
    its fault names that line (data["seen_at_line"], SARIF's relatedLocation)."""
    if called is None:
        return
    path, line = called
    for node in graph.applications:
        layer = node.layer
        if node.fault is None or layer is None or node.path != path or \
                int(node.line) != int(getattr(layer, "line", -1)) or int(node.line) == line:
            continue
        node.fault.data.setdefault("seen_at_line", line)
        if not node.fault.message.rstrip().endswith(")"):
            node.fault.message = f"{node.fault.message.rstrip('.')} (called at line {line})"


def _has_comment(module, lines: list) -> bool:
    """Does a line of module hold `# shapelint: input=(...)`? Asked for each model built from
    its classes, so searched once per module read (kept on it with the lines searched): a
    transformers module is thousands of lines."""
    known = getattr(module, "shape_comment", None)
    if known is None or known[0] is not lines:
        known = (lines, any(_COMMENT.search(text) for text in lines))
        try:
            module.shape_comment = known
        except AttributeError:  # no module (None), or one that keeps no attributes
            pass
    return known[1]


def comment_shape(interp, instance) -> Shape | None:
    """`# shapelint: input=(N, 3, 224, 224)` on the class line or on its forward's def line."""
    if not isinstance(instance, Instance):
        return None
    cls = instance.cls
    nodes = [cls.node]
    try:
        # a forward that is not a def (`forward = _CachedForward()`) has no line of its own
        nodes.append(getattr(cls.lookup("forward"), "node", None))
    except KeyError:
        pass
    lines = getattr(cls.module, "lines", None) or []
    if not _has_comment(cls.module, lines):
        return None  # no line to read: no position resolved to find it
    for node in nodes:
        if node is None:
            continue
        _, line, _ = interp.position_in(cls.module, node)
        for text in lines[max(line - 2, 0):line + len(getattr(node, "decorators", ())) + 1]:
            match = _COMMENT.search(text)
            if match:
                dims = []
                for item in match.group(1).split(","):
                    item = item.strip()
                    if item.isdigit():
                        dims.append(int(item))
                    elif item.isidentifier():
                        dims.append(Sym(item))
                return Shape(tuple(dims)) if dims else None
    return None


class TorchModel:
    def __init__(self, root):
        self.root = root
        self.record = root.payload if isinstance(root, Instance) else None
        self.name = root.cls.name if isinstance(root, Instance) else \
            root.type_name if isinstance(root, TorchLayer) else "Sequential"
        self.line = self.record.line if self.record else root.line
        self.path = self.record.path if self.record else root.path
        self.col = self.record.col if self.record else root.col
        self.interp = self.record.interp if self.record else root.interp

    def input_shape(self, override) -> tuple[Shape, str]:
        if override is not None:
            return override, ""
        found = comment_shape(self.interp, self.root)
        if found is not None:
            return found, ""
        observed = self.interp.state.observed_inputs.get(id(self.root))
        if observed is not None:
            return observed, ""
        return partial.placeholder(), "the input shape is not given; sizes are symbolic"

    def graph(self, entry: str, override: Shape | None = None) -> ModelGraph:
        shape, reason = self.input_shape(override)
        # An undeclared input is (N, ...): run forward(), learn what the code proves about the
        # input (its rank, its last dim, its channels) and run again on what was learned.
        for _ in range(_REFINEMENTS):
            learning = partial.Learning() if shape.is_partial else None
            state = self.interp.state
            saved_cats, state.cat_log = state.cat_log, []  # the skip connections met
            try:
                result, log, line_shapes, outside = self._forward(
                    shape, learning, self._place(shape))
                cats = state.cat_log
            finally:
                state.cat_log = saved_cats
            refined = partial.refine(shape, learning) if learning and learning.learned else None
            if refined is None:
                break
            shape = refined
            for _, leaf in leaves(self.root):  # a Lazy layer is built by its first input
                if isinstance(leaf, TorchLayer):
                    leaf.built_shapes = None
        graph = self._graph(entry, shape, reason, result, log, line_shapes)
        graph.op_calls, graph.op_sites = outside
        if override is None and id(self.root) in self.interp.state.observed_inputs:
            shows_at(graph, self.interp.state.observed_lines.get(id(self.root)))
        try:  # which input sizes a skip connection fits: a better message, never a failure
            size_fit.explain(self, graph, shape)
            graph.size_constraints = size_fit.symbolic_constraints(cats, log)
        except Exception:  # noqa: BLE001
            graph.size_constraints = []
        try:  # a sample without its batch axis; else the sizes a failing Linear fits
            unbatched.explain(self, graph, shape)
            linear_fit.explain(self, graph, shape)
            size_written.explain(self, graph, shape)  # a view's, a pooling window's
            odd_side.explain(self, graph, shape)  # a non-square input's odd side
        except Exception:  # noqa: BLE001
            pass
        return graph

    def _place(self, shape: Shape):
        """Where the file built the tensor the model is called on, when that is the input."""
        state = self.interp.state
        return state.observed_places.get(id(self.root)) \
            if state.observed_inputs.get(id(self.root)) is shape else None

    def _forward(self, shape: Shape, learning, place=None):
        """forward() on an abstract input: its result, the layer applications, line shapes."""
        interp = self.interp
        log, saved, saved_trace = [], interp.state.torch_log, interp.trace
        saved_learning = interp.state.partial_learning
        # the abstract call below is ours, not an input the file gives the model
        saved_observed = dict(interp.state.observed_inputs)
        saved_places = [dict(getattr(interp.state, k)) for k in _OBSERVED]
        line_shapes: list = []  # ((path, line), shape), a dict once read (spots.PairsDict)

        def trace(statement, value):  # what each line of forward() leaves in its variable
            if isinstance(value, tuple) and value and isinstance(value[0], TorchTensor):
                value = value[0] if isinstance(statement, cst.Assign) and isinstance(
                    statement.targets[0].target, cst.Tuple) else None
            if isinstance(value, TorchTensor):
                path, line, _ = interp.position(statement)
                line_shapes.append(((path, line), value.shape))
        interp.state.torch_log, interp.trace = log, trace
        ops, sites, saved_ops, saved_visit = [], [], interp.state.op_log, interp.visit
        interp.state.op_log, interp.visit = ops, op_log.site_visitor(interp, sites)
        interp.state.partial_learning = learning
        steps, interp.budget.steps = interp.budget.steps, 0  # forward() gets its own budget
        try:
            given = TorchTensor(shape, shape_at=place)
            if interp.state.observed_inputs.get(id(self.root)) is shape:
                given.fed_at, given.dropped_reshape = interp.state.observed_fed.get(
                    id(self.root), (None, None))
                given.reshaped_from = interp.state.observed_reshaped.get(id(self.root))
                given.fed_made = interp.state.observed_made.get(id(self.root))
                given.bands_from = interp.state.observed_bands.get(id(self.root))
                given.rows_model = norm_axis.rows_model(self.root)
            # a multi-input forward(a, b, ...) the script called gets its further tensors too
            rest, keywords = interp.state.observed_rest.get(id(self.root), ((), {})) \
                if interp.state.observed_inputs.get(id(self.root)) is shape else ((), {})
            result = interp.call(self.root, (given,) + tuple(rest), dict(keywords), None)
        except BudgetExhausted as why:
            result = Unknown(f"forward() needs more work than the budget allows ({why})")
        finally:
            interp.state.torch_log, interp.trace = saved, saved_trace
            interp.state.op_log, interp.visit = saved_ops, saved_visit
            interp.state.partial_learning = saved_learning
            interp.state.observed_inputs = saved_observed
            for k, kept in zip(_OBSERVED, saved_places):
                setattr(interp.state, k, kept)
            interp.budget.steps = max(interp.budget.steps, steps)
        return result, log, PairsDict(line_shapes), (ops, sites)

    def _graph(self, entry, shape, reason, result, log, line_shapes) -> ModelGraph:
        named = leaves(self.root)
        names = {id(leaf): name for name, leaf in named}
        first_use = {}
        for applied in log:
            if applied.layer is not None:
                applied.name = names.get(id(applied.layer), applied.type_name)
                first_use.setdefault(id(applied.layer), applied)
        rows = _rows(named, first_use, self, _uncertain(self.root, "shares_lost"))
        start = LayerNode(None, "input", "Input", self.path, self.line, self.col,
                          output_shape=shape, is_input=True, counts=False)
        out_shape = result.shape if isinstance(result, TorchTensor) else Shape.unknown(
            getattr(result, "reason", "forward() returns a value that is not a tensor"))
        end = LayerNode(None, "output", "Output", self.path, self.line, self.col,
                        output_shape=out_shape, counts=False)
        return ModelGraph(self.name, "torch", entry, self.path, self.line, self.col,
                          [start] + rows, [end], unknown_reasons=[reason] if reason else [],
                          uncertain=_uncertain(self.root), applications=log,
                          line_shapes=line_shapes)
