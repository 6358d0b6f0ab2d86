"""Keras models as the interpreter builds them: keras.Input, Sequential (a list, or .add()),
functional models (Model(inputs, outputs)), and the record of a subclassed keras.Model or
Layer instance; each gives its graph, in which every weight counts once per model (shared
layers, nested models), and a model can be used as a layer of another."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from ..catalogue import LayerFault, Rule
from ..domain.codes import SHP109
from ..domain.dims import BATCH, NotKnown, Unknown, is_known
from ..domain.graph import LayerNode, ModelGraph, upstream
from ..interpreter.values import Builtin, Instance, is_indefinite
from ..domain.shapes import Shape
from .keras_calls import CallForm, opaque_edges
from . import keras_sequential_builds as sequential_builds
from .spelled import SPELLED_FOR_TF_KERAS
from .keras_edges import DATA_METHODS, eager_call, model_method
from .keras_faults import explain
from .keras_misuse import layer_as_tensor, layers_in, strict
from .keras_values import (OPERATIONS, KerasLayer, KerasTensor, input_node, input_shape,
                           is_merge, note_trainable, number_shape, placeholder_input,
                           refuse_single_tensor, shape_fault)
from .layers import AFTER_ERROR, InputMarker, apply


def make_input(interp, args, kwargs, node, what="shape"):
    shape_arg = args[0] if args else kwargs.get("shape")
    batch = kwargs.get("batch_size")
    batch = batch if is_known(batch) else BATCH
    if kwargs.get("batch_shape") is not None:
        batch_shape = kwargs["batch_shape"]
        if isinstance(batch_shape, (tuple, list)) and batch_shape:
            first = batch_shape[0]
            shape = input_shape(batch_shape[1:], first if is_known(first) else BATCH)
        else:
            shape = Shape.unknown("batch_shape is not known")
    else:
        shape = input_shape(shape_arg, batch, what)
    name = kwargs.get("name")
    explicit = isinstance(name, str)
    name = name if explicit else interp.state.unique_name("input_layer")
    unreadable = None if kwargs.get("batch_shape") is not None else shape_fault(shape_arg, what)
    if unreadable is not None and SPELLED_FOR_TF_KERAS.get():
        unreadable, shape = None, number_shape(what)
    made = input_node(interp, shape, name, node, unreadable)
    made.explicit_name = explicit  # a dict of data is keyed by it (rules/keras_io.py)
    # Input(shape=x.shape[1:]): the data line that wrote that shape (rules/keras_places.py)
    made.shape_from = getattr(shape_arg, "built_at", None)
    # the text the shape is written in, for where an input size is fixed (keras_size_written)
    made.source_lines = getattr(interp.current_module, "lines", None)
    return KerasTensor(made)


def make_input_layer(interp, args, kwargs, node):
    kwargs = dict(kwargs)
    what = "shape"
    if "shape" not in kwargs and not args and "input_shape" in kwargs:
        kwargs["shape"], what = kwargs.pop("input_shape"), "input_shape"
    if "batch_input_shape" in kwargs:
        kwargs["batch_shape"] = kwargs.pop("batch_input_shape")
    return make_input(interp, args, kwargs, node, what)


# -- models -----------------------------------------------------------------------------------

@dataclass(eq=False)
class KerasSequential:
    name: str
    path: str
    line: int
    col: int
    layers: list = field(default_factory=list)
    input: KerasTensor | None = None
    uncertain: str = ""
    has_input_layer: bool = False  # Keras has made (or been given) its InputLayer
    graph_takes_input = True  # graph(entry, override) is built on the shape it is called with

    @property
    def knows_its_input(self) -> bool:  # `hasattr(model, "input_shape")` in Keras
        return self.has_input_layer

    def shapelint_call(self, interp, args, kwargs, node):
        x = args[0] if args else kwargs.get("inputs")
        if _data(x):  # model(x) of arrays: judged as predict(x) is
            return eager_call(self, interp, x, node)
        declared = sequential_builds.declared_input(self)
        if not self.has_input_layer and isinstance(x, KerasTensor):  # built by this call
            name = sequential_builds.build(interp, self)
            if self.input is None:
                self.input = KerasTensor(input_node(interp, x.shape, name, node))
        # a built Sequential called on a symbolic tensor checks the sizes its InputLayer holds
        self.checks_declared = declared if sequential_builds.symbolic(interp, x) else None
        try:
            out = model_layer(self).shapelint_call(interp, args, kwargs, node)
        finally:
            self.checks_declared = None
        if isinstance(out, KerasTensor) and out.node.fault is not None and not interp.uncertain:
            # no model may hold this call: its finding is recorded where its fix goes
            from .keras_model_into_model import placed_refusal
            placed_refusal(interp, out.node)
        return out

    def shapelint_setattr(self, interp, name, value):
        note_trainable(self, name, interp)

    def shapelint_attribute(self, interp, name):
        if name == "add":
            return Builtin("Sequential.add", self._add)
        if name == "build":
            return Builtin("Sequential.build", self._build)
        if name == "name":
            return self.name
        if name == "layers":  # Sequential.layers leaves out the InputLayer
            if self.uncertain or not all(type(x) is KerasLayer for x in self.layers):
                return Unknown("the layers of this Sequential are not all known")
            return list(self.layers)
        method = model_method(self, name, "Sequential")
        if method is not None:
            if name in DATA_METHODS and not self.has_input_layer:  # fit / predict build it
                sequential_builds.build(interp, self)
            return method
        return Unknown(f"Sequential.{name} is outside the analysis")

    def _add(self, interp, args, kwargs, node):
        if interp.uncertain:
            line = interp.line_of(node)
            self.uncertain = f"layers added under an undecided condition (line {line})"
        item = args[0] if args else kwargs.get("layer")
        self._take(interp, item)
        sequential_builds.rebuild(interp, self)
        return None

    def _take(self, interp, item):
        sequential_builds.taken_first(interp, self, item)
        if isinstance(item, KerasTensor) and item.node.is_input and not self.layers:
            self.input = item
            self.has_input_layer = True
        elif as_layer(item) is not None:
            self.layers.append(item)
        else:
            self.uncertain = self.uncertain or "a layer that is not known was added"

    def _build(self, interp, args, kwargs, node):
        value = args[0] if args else kwargs.get("input_shape")
        if isinstance(value, (tuple, list)) and value:
            first = value[0]
            name = sequential_builds.build(interp, self) or "input_layer"
            self.input = KerasTensor(input_node(
                interp, input_shape(value[1:], first if is_known(first) else BATCH),
                name, node))
        return None

    def _unreadable_input(self, override, first):
        """An input Keras cannot read (shape=784): where it is written, and its fault; the
        Sequential then does not build."""
        if override is not None:
            return self, None
        if self.input is not None:
            given, fault = self.input.node, self.input.node.fault
        else:
            given, fault = first, getattr(first, "shape_fault", None)
        return (given, fault) if fault is not None else (self, None)

    def graph(self, entry: str, override: Shape | None = None) -> ModelGraph:
        reasons, uncertain = [], self.uncertain
        first = self.layers[0] if self.layers else None
        shape = Shape.unknown("no input")
        if override is not None:
            shape = override
        elif self.input is not None:
            shape = self.input.shape
        elif isinstance(first, KerasLayer) and first.input_shape is not None:
            shape = first.input_shape
        where, fault = self._unreadable_input(override, first)
        if fault is not None:
            shape = Shape.unknown(AFTER_ERROR)
        elif not shape.known_rank:
            # Keras needs the rank the first layer accepts; only the sizes are open.
            shape = placeholder_input(first.rule if isinstance(first, KerasLayer) else None)
            reasons.append("the input shape is not given; sizes are symbolic")
        start = LayerNode(InputMarker(shape, "input", fault=fault), "input", "InputLayer",
                          where.path, where.line, where.col, output_shape=shape, is_input=True,
                          fault=fault)
        # where that input shape is written, when a keras.Input (or build()) gave it
        start.input_origin = self.input.node if override is None and self.input is not None \
            else None
        nodes, previous, seen = [start], start, set()
        for layer in self.layers:
            layer = as_layer(layer)
            if layer is None:
                uncertain = uncertain or "a layer that is not known was added"
                break
            applied = LayerNode(layer, layer.name, layer.type_name, layer.path, layer.line,
                                layer.col, inputs=[previous],
                                tags=layer.rule.tags if layer.rule else frozenset())
            if is_merge(layer):  # a Sequential hands every layer one tensor
                refuse_single_tensor(applied, [previous.output_shape])
            else:
                apply(applied, [previous.output_shape], id(layer) not in seen)
            explain(applied, getattr(layer, "declared", None) if previous is start else None)
            seen.add(id(layer))
            nodes.append(applied)
            previous = applied
        nodes = recount(nodes)
        return ModelGraph(self.name, "keras", entry, self.path, self.line, self.col, nodes,
                          [nodes[-1]], show_inputs=False, unknown_reasons=reasons,
                          uncertain=uncertain, apply=apply)


def make_sequential(interp, args, kwargs, node):
    path, line, col = interp.position(node)
    name = kwargs.get("name")
    model = KerasSequential(name if isinstance(name, str) else
                            interp.state.unique_name("sequential"), path, line, col)
    layers = args[0] if args else kwargs.get("layers")
    if layers is not None:
        items = interp.iterate(layers)
        if items is None or is_indefinite(layers):
            model.uncertain = "the list of layers is not known"
        else:
            if interp.is_tainted(layers):
                model.uncertain = "the list of layers was built under an undecided condition"
            for item in items:
                model._take(interp, item)
            sequential_builds.rebuild(interp, model)
    if interp.uncertain:
        model.uncertain = model.uncertain or "built under an undecided condition"
    interp.state.models.append(model)
    return model


@dataclass(eq=False)
class KerasFunctional:
    name: str
    path: str
    line: int
    col: int
    inputs: list
    outputs: list
    uncertain: str = ""
    forms: tuple = ("", "")  # "list" / "dict" / "one": how inputs and outputs were given
    knows_its_input = True  # `hasattr(model, "input_shape")` in Keras (keras_sequential_builds)

    def shapelint_call(self, interp, args, kwargs, node):
        if _data(args[0] if args else kwargs.get("inputs")):  # judged as predict(x) is
            return eager_call(self, interp, args[0] if args else kwargs["inputs"], node)
        return model_layer(self).shapelint_call(interp, args, kwargs, node)

    def shapelint_setattr(self, interp, name, value):
        note_trainable(self, name, interp)

    def shapelint_attribute(self, interp, name):
        if name == "name":
            return self.name
        if name in ("inputs", "outputs", "input", "output"):
            tensors = getattr(self, name.rstrip("s") + "s")
            return list(tensors) if name.endswith("s") else (
                tensors[0] if len(tensors) == 1 else list(tensors))
        if name == "layers":
            return chain_layers(self)
        method = model_method(self, name, "Model")
        if method is not None:
            return method
        return Unknown(f"Model.{name} is outside the analysis")

    def graph(self, entry: str, override: Shape | None = None) -> ModelGraph:
        order = upstream(t.node for t in self.outputs)
        order = recount(order)
        mapped = {id(n.original): n for n in order}
        return ModelGraph(self.name, "keras", entry, self.path, self.line, self.col, order,
                          [mapped[id(t.node)] for t in self.outputs], show_inputs=True,
                          uncertain=self.uncertain or opaque_edges(order), apply=apply)


def chain_layers(model: KerasFunctional):
    """Functional.layers for a model that is one chain of layers from one Input: the
    InputLayer first (an Unknown here: shapelint keeps no object for it), then each layer in
    order. Keras orders the layers of a branching graph by depth, which is not followed here."""
    order = upstream(t.node for t in model.outputs)
    if model.uncertain or len(model.outputs) != 1 or not order or not order[0].is_input:
        return Unknown("the layers of this model are not a plain chain")
    out = [Unknown("the model's InputLayer")]
    for previous, n in zip(order, order[1:]):
        if n.is_input or type(n.layer) is not KerasLayer or n.inputs != [previous] or \
                n.side_inputs or any(n.layer is x for x in out):
            return Unknown("the layers of this model are not a plain chain")
        out.append(n.layer)
    return out


def make_functional(interp, args, kwargs, node):
    path, line, col = interp.position(node)
    inputs = args[0] if args else kwargs.get("inputs")
    outputs = args[1] if len(args) > 1 else kwargs.get("outputs")
    flat_in = _tensors(inputs)
    flat_out = _tensors(outputs)
    if flat_in is None or flat_out is None:
        for what, given in (("inputs", inputs), ("outputs", outputs)):
            layers = [x for x in layers_in(given, KerasLayer) if strict(x)]
            if layers:
                layer_as_tensor(interp, layers, f"Model({what}=...)",
                                f"all `{what}` values must be KerasTensors", node)
                break
        return Unknown("a model whose inputs or outputs are not known")
    name = kwargs.get("name")
    model = KerasFunctional(name if isinstance(name, str) else
                            interp.state.unique_name("functional"), path, line, col,
                            flat_in, flat_out)
    if interp.uncertain:
        model.uncertain = "built under an undecided condition"
    model.forms = tuple("dict" if isinstance(v, dict) else "list" if isinstance(v, (list, tuple))
                        else "one" for v in (inputs, outputs))  # for rules/keras_io.py
    interp.state.models.append(model)
    return model


def _tensors(value):
    if isinstance(value, KerasTensor):
        return [value]
    if isinstance(value, dict):  # keras.tree flattens a dict in the order of its sorted keys
        try:
            value = [value[k] for k in sorted(value)]
        except TypeError:
            return None
    if isinstance(value, (list, tuple)) and all(isinstance(v, KerasTensor) for v in value):
        return list(value)
    return None


@dataclass(eq=False, repr=False)
class Subclass:
    """The record of one subclassed layer or model instance (Instance.payload)."""
    kind: str
    type_name: str
    name: str
    path: str
    line: int
    col: int
    instance: Instance = None  # type: ignore[assignment]
    weights: list = field(default_factory=list)  # (shape, trainable)
    shape: Shape | None = None  # the input it was built for or called on
    uncertain: str = ""
    functional: object = None  # a KerasFunctional when __init__ passed inputs/outputs
    traces: dict = field(default_factory=dict)
    layer: object = None
    dtype_given: object = None  # the dtype= given to Layer.__init__ / Model.__init__
    base_type: str | None = None  # the catalogue layer the class derives from
    base: object = None  # its layer object, made by super().__init__ (keras_base_layer)

    def __repr__(self):
        return f"<keras {self.kind} {self.type_name} {self.name!r}>"

    def graph(self, entry: str, override: Shape | None = None) -> ModelGraph:
        if self.functional is not None:
            g = self.functional.graph(entry, override)
            g.name = self.name
            return g
        shape = override or self.shape
        reasons = [] if shape is not None else [
            f"{self.type_name} is only built with build(), which in Keras 3 creates no "
            "sublayer weights; give --input-shape to count it as called"
            if getattr(self, "build_only", False) else
            f"{self.type_name} is never called on a known input shape"]
        nodes, outputs = [], []
        if shape is not None:
            trace = self.trace([shape])
            if isinstance(trace, str):
                reasons.append(trace)
            else:
                nodes, outputs = trace
        return ModelGraph(self.name, "keras", entry, self.path, self.line, self.col, nodes,
                          outputs, show_inputs=False, unknown_reasons=reasons,
                          uncertain=self.uncertain or "; ".join(reasons), apply=apply)

    def trace(self, shapes: list, form: CallForm | None = None):
        """Run `call` on fresh inputs of these shapes (and the further arguments of `form`,
        each tensor there a fresh input of its shape): (nodes counted once, output nodes), or
        a reason why not."""
        key = (tuple(str(s) for s in shapes), form.key if form is not None else "")
        if key not in self.traces:
            self.traces[key] = OPERATIONS.trace_subclass(self, shapes, form)
        return self.traces[key]


# -- weights counted once per model -----------------------------------------------------------

def recount(order: list) -> list:
    """Copies of a model's nodes in which each weight counts once in this model: a layer at
    its first application, a nested model for the layers not counted before it (a layer
    shared with another model counts in both, as Keras counts it)."""
    seen, mapped, out = set(), {}, []
    for n in order:
        new = copy.copy(n)
        new.original = getattr(n, "original", n)
        new.inputs = [mapped.get(id(i), i) for i in n.inputs]
        new.side_inputs = [mapped.get(id(i), i) for i in n.side_inputs]
        if not n.is_input:
            if not n.counts:
                apply(new, list(n.input_shapes), True)
                if n.__dict__.get("called_output") is not None:
                    new.output_shape = n.called_output
            parts = leaves(new)
            fresh = [p for p in parts if p[0] not in seen]
            seen.update(p[0] for p in parts)
            if not fresh:
                new.counts, new.params, new.frozen = False, 0, 0
            elif len(fresh) < len(parts):
                new.params = sum((p[1].params for p in fresh), 0)
                new.frozen = sum((p[1].frozen for p in fresh), 0)
        mapped[id(n)] = new
        out.append(new)
    return out


def leaves(node) -> list:
    """(layer id, node) for every layer whose weights a node's layer owns."""
    fixed = node.__dict__.get("fixed_leaves")
    if fixed is not None:  # a layer a subclass holds without calling it (keras_tracking)
        return fixed
    inner = getattr(node.layer, "subclass_leaves", None)
    if inner is not None:
        return [(id(node.layer), _ZERO)] + inner(node)
    model = getattr(node.layer, "model", None)
    if model is None or not node.input_shapes:
        return [(id(node.layer), node)]
    override = node.input_shapes[0] if isinstance(model, KerasSequential) else None
    out = [(id(node.layer), _ZERO)]
    for n in model.graph(model.name, override).nodes:
        if n.counts and not n.is_input:
            out.extend(leaves(n))
    return out


class _Zero:
    params = frozen = 0


_ZERO = _Zero()


# -- a model used as a layer of another model -------------------------------------------------

def as_layer(item):
    """The layer object for an item of a Sequential list (a layer, or a nested model)."""
    if isinstance(item, KerasLayer):
        return item
    if isinstance(item, (KerasSequential, KerasFunctional)):
        return model_layer(item)
    record = getattr(item, "payload", None)
    if isinstance(record, Subclass):
        return OPERATIONS.subclass_layer(record)
    return None


def _data(x) -> bool:
    """x is a data array (or a list of them, one per input) shapelint knows the shape of."""
    from .arrays import ArrayValue
    items = x if isinstance(x, (list, tuple)) and x else [x]
    return all(isinstance(i, ArrayValue) and i.shape.known_rank for i in items)


def model_layer(model) -> KerasLayer:
    """One persistent layer object per nested model, so that sharing it counts it once; its
    params are the nested model's total, as Keras's summary row shows."""
    made = getattr(model, "_as_layer", None)
    if made is None:
        type_name = "Sequential" if isinstance(model, KerasSequential) else "Functional"
        made = KerasLayer(type_name, model.name, model.path, model.line, model.col,
                          rule=_model_rule(model))
        made.model = model
        model._as_layer = made
    return made


def _model_rule(model) -> Rule:
    sequential = isinstance(model, KerasSequential)

    def graph(x):
        return model.graph(model.name, x if sequential else None)

    def output(x):
        if sequential:
            declared = model.__dict__.get("checks_declared")
            if declared is not None:
                _declared_takes(model, declared, x, "its InputLayer", "a built Sequential "
                                "called on a symbolic tensor checks the sizes its InputLayer "
                                "holds")
            return graph(x).outputs[0].output_shape
        if len(model.inputs) == 1:
            _declared_takes(model, model.inputs[0].node, x, "its Input",
                            "keras.Model checks the sizes its Input declares")
        shapes = [t.shape for t in model.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def count(attr):
        def formula(x):
            g = graph(x[0] if isinstance(x, list) else x)
            if g.split_unknown and g.total is not None:
                # the row holds the total; the holding model's split is unknown too
                return g.total if attr == "trainable" else 0
            value = getattr(g, attr)
            if value is None:
                why = "; ".join(g.reasons()) or "params unknown"
                raise NotKnown(f"nested model {model.name}: {why}")
            return value
        return formula
    multi = not sequential and len(model.inputs) > 1
    return Rule(output=output, params=count("trainable"), frozen=count("non_trainable"),
                multi_input=multi)


def _declared_takes(model, node, x, written: str, checks: str) -> None:
    """A model called on a tensor checks it against its one InputLayer's shape
    (Functional.input_spec: every size but the batch, a trailing axis of 1 aside) and raises
    ValueError, even where its layers would take that size: a keras.Model on every call, a
    built Sequential on a symbolic one (its Functional's compute_output_spec; eagerly its layers
    run one by one). Judged for the same rank, every size known on both sides; `node` holds the
    declared shape and where it is written."""
    ref = node.output_shape
    if not isinstance(x, Shape) or not x.known_rank or not ref.known_rank or \
            len(ref.dims) != len(x.dims) or not any(
                is_known(a) and is_known(b) and a != b for a, b in zip(x.dims[1:], ref.dims[1:])):
        return
    dims = tuple(d if is_known(d) else None for d in ref.dims)
    given = tuple(d if is_known(d) else None for d in x.dims)
    raise LayerFault(SHP109, f"the model {model.name!r} declares its input {dims} ({written} "
                     f"at line {node.line}) and is called on {given}: {checks} and raises "
                     f"ValueError, though its layers might take this size",
                     input_at=(node.path, node.line, node.col),
                     declared=list(dims), given=list(given))


MODEL_TYPES = (KerasSequential, KerasFunctional, Subclass)


def as_model(value):
    """A Keras model: Sequential, functional, or the record of a subclassed keras.Model."""
    value = getattr(value, "payload", value)
    return value if isinstance(value, MODEL_TYPES) else None
