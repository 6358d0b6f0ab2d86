"""The model graph: layer applications with their input and output shapes and params."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

from .dims import Dim, SymDim, Unknown, is_known
from .spots import Settled
from .shapes import Shape


@dataclass(eq=False)
class LayerNode:
    layer: Any  # the layer object; the same object twice is a shared layer
    name: str
    type_name: str
    path: str
    line: int
    col: int
    inputs: list = field(default_factory=list)  # producing LayerNodes
    # producers of the other tensors a call receives (Keras initial_state=, mask=, ...): edges
    # of the graph, so their layers belong to the model, but not inputs of the shape rule
    side_inputs: list = field(default_factory=list)
    input_shapes: list = field(default_factory=list)
    output_shape: Shape = Shape.unknown("not built")
    params: Dim = 0  # trainable
    frozen: Dim = 0  # non-trainable
    reason: str = ""  # why a shape or count is unknown
    fault: Any = None  # a catalogue LayerFault raised by this application
    tags: frozenset = frozenset()
    is_input: bool = False
    counts: bool = True  # False for the second application of a shared layer
    children: "ModelGraph | None" = None  # a nested model used as a layer

    @property
    def total(self) -> Dim:
        return self.params + self.frozen


# Positions are resolved when read (interpreter/spots.py): a check or reporter reads an int.
LayerNode.line, LayerNode.col = Settled("line"), Settled("col")


@dataclass(eq=False)
class ModelGraph:
    name: str
    framework: str
    entry: str
    path: str
    line: int
    col: int
    nodes: list  # topological order, input nodes included
    outputs: list
    show_inputs: bool = False  # Keras shows InputLayer rows for functional models only
    unknown_reasons: list = field(default_factory=list)
    uncertain: str = ""  # why the layer list itself is not certain: every total is then unknown
    apply: Callable | None = None  # framework function re-applying a layer (for what-ifs)
    applications: list = field(default_factory=list)  # torch: each call made by forward()
    line_shapes: dict = field(default_factory=dict)  # (path, line) -> Shape a line assigned
    # torch: FLOP-bearing ops forward() ran outside its modules (frameworks/torch_op_log.py),
    # and the (path, line, op, uncertain) of each call site spelled like one that it evaluated
    op_calls: list | None = None
    op_sites: list = field(default_factory=list)
    # torch: SHP303 Diagnostics for skip connections that fit only some input sizes
    size_constraints: list = field(default_factory=list)

    @property
    def inputs(self) -> list:
        return [n for n in self.nodes if n.is_input]

    @property
    def rows(self) -> list:
        return [n for n in self.nodes if (self.show_inputs or not n.is_input)
                and not getattr(n.layer, "hidden", False)]

    def _sum(self, attr: str) -> int | None:
        if self.uncertain:
            return None
        total = 0
        for node in self.nodes:
            if node.counts:
                value = getattr(node, attr)
                if not is_known(value):
                    return None
                total += value
        return total

    @property
    def split_unknown(self) -> str:
        """Why the trainable / non-trainable split is not known though the total may be: a
        layer or model of it had `.trainable` assigned (frameworks/keras_values.note_trainable),
        here or in a nested model."""
        for node in self.nodes:
            for layer in (node.layer, getattr(node.layer, "model", None)):  # a nested model's
                why = getattr(layer, "__dict__", {}).get("trainable_set") if layer is not None \
                    else None
                if why:
                    return why
            if node.children is not None and node.children.split_unknown:
                return node.children.split_unknown
        return ""

    @property
    def trainable(self) -> int | None:
        return None if self.split_unknown else self._sum("params")

    @property
    def non_trainable(self) -> int | None:
        return None if self.split_unknown else self._sum("frozen")

    @property
    def total(self) -> int | None:
        if self.split_unknown:
            return self._sum("total")
        t, f = self.trainable, self.non_trainable
        return None if t is None or f is None else t + f

    @property
    def assumptions(self) -> list[str]:
        """The defaults the counts and shapes rest on (`--hidden=100`): the script builds this
        model when run without arguments, and another one with them."""
        from .assumed import labels, merge
        found = []
        for node in self.nodes:
            layer = node.layer
            found.append(labels(getattr(layer, "arguments", None) or {}))
            found.append(getattr(layer, "context_assumptions", ()))
            shape = getattr(layer, "shape", None) if node.layer is not None else node.output_shape
            if node.is_input or layer is not None and not hasattr(layer, "arguments"):
                found.append(labels(tuple(getattr(shape, "dims", None) or ())))
        return list(merge(*found))

    @property
    def exact(self) -> bool:
        return self.total is not None and not self.unknown_reasons

    def reasons(self) -> list[str]:
        out = ([self.uncertain] if self.uncertain else []) + list(self.unknown_reasons)
        if self.split_unknown:
            out.append(f"trainable and non-trainable counts: {self.split_unknown}")
        for node in self.nodes:
            if node.counts and not (is_known(node.params) and is_known(node.frozen)):
                why = node.reason or _why(node.params) or _why(node.frozen)
                out.append(f"{node.name} ({node.type_name}, line {node.line}): "
                           f"params unknown: {why}")
        return list(dict.fromkeys(out))

    def replay(self, transform_before: dict) -> "ModelGraph":
        """Re-derive every shape and count with some inputs transformed first (a what-if:
        transform_before maps a node to a function applied to its input shapes)."""
        assert self.apply is not None
        mapped: dict = {}
        seen_layers: set = set()
        nodes = []
        for node in self.nodes:
            if node.is_input:
                mapped[node] = node
                nodes.append(node)
                continue
            inputs = [mapped[i] for i in node.inputs]
            shapes = [i.output_shape for i in inputs] if inputs else list(node.input_shapes)
            if node in transform_before:
                shapes = transform_before[node](shapes)
            first = id(node.layer) not in seen_layers
            seen_layers.add(id(node.layer))
            new = replace(node, inputs=inputs, input_shapes=shapes,
                          side_inputs=[mapped.get(i, i) for i in node.side_inputs])
            self.apply(new, shapes, first)
            mapped[node] = new
            nodes.append(new)
        return replace(self, nodes=nodes, outputs=[mapped[o] for o in self.outputs])


ModelGraph.line, ModelGraph.col = Settled("line"), Settled("col")


def upstream(outputs) -> list:
    """Every node the outputs depend on, producers before their consumers, each once."""
    order: list = []
    seen: set = set()

    def visit(n):
        if id(n) in seen:
            return
        seen.add(id(n))
        for i in list(n.inputs) + list(n.side_inputs):
            visit(i)
        order.append(n)
    for node in outputs:
        visit(node)
    return order


def _why(value) -> str:
    if isinstance(value, Unknown):
        return value.reason
    if not is_known(value):
        return f"depends on the input size ({value})"
    return ""


def sizes_made(applications) -> list:
    """The symbolic sizes of every tensor these layer applications (a graph's, or the log of
    a forward pass) took or made."""
    out = []
    for applied in applications:
        for shape in (*applied.input_shapes, applied.output_shape):
            if shape is not None and shape.known_rank:
                out.extend(d for d in shape.dims if isinstance(d, SymDim))
    return out


def runs_at(made, values: dict) -> bool:
    """No map is empty or negative at these input sizes. A size a symbolic forward pass
    computes can still fit a Linear where torch raises earlier: AvgPool2d(7) on a 5x5 map gives
    (5 - 7 + 1) = -1 per side, and 512 * (-1) ** 2 = 512 features; torch says "Output size is
    too small". A size with symbols other than these is not judged here."""
    for d in made:
        if not d.symbols() <= values.keys():
            continue
        try:
            if d.evaluate(values) < 1:
                return False
        except (ZeroDivisionError, KeyError):
            return False
    return True
