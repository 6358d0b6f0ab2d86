"""Keras objects as the interpreter sees them: layers, symbolic tensors, Sequential and
functional models, and how a layer application becomes a node of the model graph."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..catalogue import LayerFault, Rule, lookup
from ..catalogue.keras.merge import FUNCTIONAL_FORMS
from ..domain.codes import SHP105
from ..domain.dims import BATCH, NotKnown, Sym, Unknown, is_known
from ..domain.graph import LayerNode, ModelGraph, upstream
from ..interpreter.values import Builtin, is_indefinite
from ..domain.shapes import Shape
from .keras_calls import (check_states, initial_state, opaque_argument, opaque_edges,
                          side_tensors)
from .keras_edges import model_method
from .keras_faults import explain
from .layers import InputMarker, LayerObject, apply, make_layer_object

ROOT = "keras."
_MODEL_NAMES = {"Sequential": "sequential", "Model": "functional", "Functional": "functional"}


def to_snake_case(name: str) -> str:
    """Keras's automatic layer names: MaxPooling2D -> max_pooling2d (keras.src.utils.naming)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


@dataclass
class KerasState:
    uids: dict = field(default_factory=dict)
    models: list = field(default_factory=list)  # every model object made, in order

    def unique_name(self, prefix: str) -> str:
        count = self.uids.get(prefix, 0)
        self.uids[prefix] = count + 1
        return prefix if count == 0 else f"{prefix}_{count}"


def knows(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return name.startswith("keras.") and (last in _MODEL_NAMES or last in ("Input", "InputLayer")
                                          or lookup("keras", last) is not None)


def call(interp, name: str, args, kwargs, node):
    parts = name.split(".")
    last = parts[-1]
    if last in ("Sequential",):
        return make_sequential(interp, args, kwargs, node)
    if last in ("Model", "Functional") and "layers" not in parts:
        return make_functional(interp, args, kwargs, node)
    if last == "Input":
        return make_input(interp, args, kwargs, node)
    if last == "InputLayer":
        return make_input_layer(interp, args, kwargs, node)
    if name in ("keras.backend.image_data_format", "keras.config.image_data_format"):
        from ..catalogue.keras import _common as keras_common
        return keras_common.DEFAULT_DATA_FORMAT
    if len(parts) > 2 and parts[1] in ("ops", "activations"):
        from . import keras_ops  # stateless operations: graph nodes without weights
        return keras_ops.call(interp, name, args, kwargs, node)
    if "layers" in parts and last[:1].isupper():
        return make_layer(interp, last, args, kwargs, node)
    if "layers" in parts and last in FUNCTIONAL_FORMS:
        inputs = args[0] if args else kwargs.get("inputs")
        rest = {k: v for k, v in kwargs.items() if k != "inputs"}
        made = make_layer(interp, FUNCTIONAL_FORMS[last], args[1:], rest, node)
        return made.shapelint_call(interp, (inputs,), {}, node)
    return Unknown(f"{name}() is outside the analysis")


# -- shapes of inputs ---------------------------------------------------------------------

_SYMBOLS = {1: ("features",), 2: ("steps", "features"), 3: ("H", "W", "C"),
            4: ("D", "H", "W", "C")}


def input_shape(value, batch=BATCH, what="input_shape") -> Shape:
    """A batch-first Shape from a user's shape tuple; None sizes become named symbols."""
    if is_known(value):
        value = (value,)
    items = list(value) if isinstance(value, (tuple, list)) else None
    if items is None:
        return Shape.unknown(f"{what} is not known")
    names = _SYMBOLS.get(len(items), tuple(f"d{i + 1}" for i in range(len(items))))
    dims = []
    for i, (item, sym) in enumerate(zip(items, names)):
        if item is None:
            dims.append(Sym(sym))
        elif is_known(item):
            dims.append(item)
        else:
            dims.append(Unknown(f"{what}[{i}] is not known"))
    return Shape((batch,) + tuple(dims))


def placeholder_input(rule: Rule | None) -> Shape:
    """A symbolic input of the rank the first layer needs, when no input shape was given."""
    rank = None if rule is None else (rule.ndim or rule.min_ndim)
    if rank is None or rank < 2:
        return Shape.unknown("the model's input shape is not given")
    return input_shape((None,) * (rank - 1))


# -- layers and tensors ---------------------------------------------------------------------

class KerasLayer(LayerObject):
    """A Keras layer instance: called on KerasTensors, it adds a node to the graph."""

    def shapelint_call(self, interp, args, kwargs, node):
        if args:
            from .keras_ops import tensors_for_constants
            args = (tensors_for_constants(args[0]),) + tuple(args[1:])
        tensors = call_tensors(self.rule, args, kwargs)
        if not tensors or not all(isinstance(t, KerasTensor) for t in tensors):
            return Unknown(f"{self.name} applied to an unknown value")
        if self.rule is not None and "cell" in self.rule.tags:
            return Unknown(f"{self.type_name} called directly, not through keras.layers.RNN")
        side = side_tensors(args, kwargs, tensors, KerasTensor)
        applied = LayerNode(self, self.name, self.type_name, self.path, self.line, self.col,
                            inputs=[t.node for t in tensors], side_inputs=[t.node for t in side],
                            tags=self.rule.tags if self.rule else frozenset())
        opaque = opaque_argument(args, kwargs)
        if opaque:  # a tensor hidden there would bring layers into the model we do not see
            applied.opaque = f"{self.name} (line {self.line}) receives {opaque}"
        applied.call_form = getattr(self, "pending_form", None)
        first = args[0] if args else kwargs.get("inputs")
        if is_merge(self) and isinstance(first, KerasTensor):
            refuse_single_tensor(applied, [t.shape for t in tensors])
        else:
            apply(applied, [t.shape for t in tensors], not self.built)
            _call_output(applied, self.rule, tensors, args, kwargs)
            check_states(applied, self.rule, initial_state(self.rule, args, kwargs), KerasTensor)
        explain(applied)
        if not self.built:
            self.first_node = applied  # the application that built it (keras_tracking)
        self.built = True
        outs = getattr(applied, "output_shapes", None)
        if outs:
            return [KerasTensor(applied, i) for i in range(len(outs))]
        return KerasTensor(applied)

    def shapelint_attribute(self, interp, name):
        if name == "name":
            return self.name
        return Unknown(f"{self.type_name}.{name} is outside the analysis")


def _call_output(node: LayerNode, rule, tensors, args, kwargs) -> None:
    """The output of a layer whose call's further arguments choose it (rule.call_output)."""
    if rule is None or rule.call_output is None or node.fault is not None or len(tensors) != 1:
        return
    shape = tensors[0].shape
    try:
        if not shape.known_rank:
            raise NotKnown("input of unknown rank")
        node.output_shape = rule.call_output(shape, tuple(args[1:]), {
            k: v for k, v in kwargs.items() if k != "inputs"})
        node.called_output = node.output_shape  # kept when keras_graph.recount re-applies
    except (NotKnown, TypeError, ValueError, IndexError) as why:
        node.output_shape = Shape.unknown(getattr(why, "reason", "the call is not understood"))


def is_merge(layer) -> bool:
    rule = getattr(layer, "rule", None)
    return getattr(layer, "fault", None) is None and rule is not None and "merge" in rule.tags


def refuse_single_tensor(node: LayerNode, shapes: list) -> None:
    """Keras merge layers (Add, Concatenate, Dot, ...) take a list of tensors; on a single
    one they raise "A merge layer should be called on a list of inputs"."""
    node.input_shapes = list(shapes)
    if any(s.reason == "after an error upstream" for s in shapes):
        node.output_shape = Shape.unknown("after an error upstream")
    else:
        node.fault = LayerFault(SHP105, f"{node.type_name} must be called on a list of tensors, "
                                f"not on the single tensor {shapes[0]}")
        node.output_shape = Shape.unknown("after an error upstream")
    node.params = node.frozen = Unknown("after-error")


def call_tensors(rule, args, kwargs) -> list:
    """The tensors a layer call receives: `inputs` (a tensor or a list of them), and for
    layers taking several (MultiHeadAttention's query, value, key) the further ones too."""
    inputs = args[0] if args else kwargs.get("inputs", kwargs.get("query"))
    tensors = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    if rule is not None and rule.multi_input and not isinstance(inputs, (list, tuple)):
        more = list(args[1:3]) + [kwargs[k] for k in ("value", "key") if k in kwargs]
        tensors += [t for t in more if isinstance(t, KerasTensor)]
    return tensors


@dataclass(eq=False)
class KerasTensor:
    node: LayerNode  # the application (or Input) that produced it
    index: int = 0  # which output of a layer with several

    @property
    def shape(self) -> Shape:
        outs = getattr(self.node, "output_shapes", None)
        return outs[self.index] if outs and self.index < len(outs) else self.node.output_shape

    def shapelint_binary(self, interp, fn, left, right):
        return tensor_binary(interp, fn, left, right)

    def shapelint_compare(self, interp, left, right):
        """x > 0, a <= b: elementwise, a tensor of bools of the broadcast shape."""
        from .keras_ops import apply_op
        return apply_op(interp, "less", (left, right), {})

    def __neg__(self):  # -x: an elementwise operation (the interpreter applies unary ops)
        from .keras_ops import apply_op
        return apply_op(None, "negative", (self,), {})

    def shapelint_join(self, values):
        from .keras_ops import join_tensors
        return join_tensors(values)

    def shapelint_getitem(self, interp, key):
        from .keras_ops import apply_op
        return apply_op(interp, "__getitem__", (self, key), {})

    def shapelint_attribute(self, interp, name):
        if name == "shape":  # as Keras shows it: None for every size not known statically
            shape = self.shape
            return tuple(d if is_known(d) else None for d in shape.dims) if shape.known_rank \
                else Unknown("shape of unknown rank")
        if name == "ndim":
            return len(self.shape.dims) if self.shape.known_rank else Unknown("unknown rank")
        return Unknown(f"tensor.{name} is outside the analysis")


def make_layer(interp, type_name: str, args, kwargs, node):
    path, line, col = interp.position(node)
    own_name = kwargs.get("name")
    name = own_name if isinstance(own_name, str) else interp.state.unique_name(
        to_snake_case(type_name))
    return build_layer(type_name, args, kwargs, name, path, line, col)


def build_layer(type_name: str, args, kwargs, name="layer", path="", line=0, col=0):
    """A KerasLayer from constructor arguments (values as the interpreter computes them)."""
    layer = make_layer_object(KerasLayer, "keras", type_name, args, kwargs, name, path, line, col)
    if "input_dim" in kwargs and kwargs["input_dim"] is not None:
        layer.input_shape = input_shape((kwargs["input_dim"],))
    elif "input_shape" in kwargs and kwargs["input_shape"] is not None:
        layer.input_shape = input_shape(kwargs["input_shape"])
        layer.declared = kwargs["input_shape"]
    activation = kwargs.get("activation", args[1] if type_name == "Dense" and len(args) > 1
                            else args[0] if type_name == "Activation" and args else None)
    layer.activation = "softmax" if type_name == "Softmax" else activation
    return layer


def _input_node(interp, shape: Shape, name: str, node) -> LayerNode:
    path, line, col = interp.position(node) if node is not None else ("", 0, 0)
    marker = InputMarker(shape, name)
    return LayerNode(marker, name, "InputLayer", path, line, col, output_shape=shape,
                     is_input=True)


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
    name = name if isinstance(name, str) else interp.state.unique_name("input_layer")
    return KerasTensor(_input_node(interp, shape, name, node))


def make_input_layer(interp, args, kwargs, node):
    kwargs = dict(kwargs)
    if "shape" not in kwargs and not args:
        kwargs["shape"] = kwargs.pop("input_shape", None)
    if "batch_input_shape" in kwargs:
        kwargs["batch_shape"] = kwargs.pop("batch_input_shape")
    return make_input(interp, args, kwargs, node)


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

    def shapelint_call(self, interp, args, kwargs, node):
        x = args[0] if args else kwargs.get("inputs")
        if self.input is None and isinstance(x, KerasTensor):
            self.input = KerasTensor(_input_node(interp, x.shape, "input_layer", node))
        return model_layer(self).shapelint_call(interp, args, kwargs, node)

    def shapelint_attribute(self, interp, name):
        if name == "add":
            return Builtin("Sequential.add", self._add)
        if name == "build":
            return Builtin("Sequential.build", self._build)
        if name == "name":
            return self.name
        method = model_method(self, name, "Sequential")
        if method is not None:
            return method
        return Unknown(f"Sequential.{name} is outside the analysis")

    def _add(self, interp, args, kwargs, node):
        if interp.uncertain:
            line = interp.line_of(node)
            self.uncertain = f"layers added under an undecided condition (line {line})"
        item = args[0] if args else kwargs.get("layer")
        self._take(item)
        return None

    def _take(self, item):
        if isinstance(item, KerasTensor) and item.node.is_input and not self.layers:
            self.input = item
        elif as_layer(item) is not None:
            self.layers.append(item)
        else:
            self.uncertain = self.uncertain or "a layer that is not known was added"

    def _build(self, interp, args, kwargs, node):
        value = args[0] if args else kwargs.get("input_shape")
        if isinstance(value, (tuple, list)) and value:
            first = value[0]
            self.input = KerasTensor(_input_node(
                interp, input_shape(value[1:], first if is_known(first) else BATCH),
                "input_layer", node))
        return None

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
        if not shape.known_rank:
            # Keras needs the rank the first layer accepts; only the sizes are open.
            shape = placeholder_input(first.rule if isinstance(first, KerasLayer) else None)
            reasons.append("the input shape is not given; sizes are symbolic")
        start = LayerNode(InputMarker(shape, "input"), "input", "InputLayer", self.path,
                          self.line, self.col, output_shape=shape, is_input=True)
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
                model._take(item)
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

    def shapelint_call(self, interp, args, kwargs, node):
        return model_layer(self).shapelint_call(interp, args, kwargs, node)

    def shapelint_attribute(self, interp, name):
        if name == "name":
            return self.name
        if name in ("inputs", "outputs", "input", "output"):
            tensors = getattr(self, name.rstrip("s") + "s")
            return list(tensors) if name.endswith("s") else (
                tensors[0] if len(tensors) == 1 else list(tensors))
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


def make_functional(interp, args, kwargs, node):
    path, line, col = interp.position(node)
    inputs = args[0] if args else kwargs.get("inputs")
    outputs = args[1] if len(args) > 1 else kwargs.get("outputs")
    flat_in = _tensors(inputs)
    flat_out = _tensors(outputs)
    if flat_in is None or flat_out is None:
        return Unknown("a model whose inputs or outputs are not known")
    name = kwargs.get("name")
    model = KerasFunctional(name if isinstance(name, str) else
                            interp.state.unique_name("functional"), path, line, col,
                            flat_in, flat_out)
    if interp.uncertain:
        model.uncertain = "built under an undecided condition"
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


from .keras_graph import (as_layer, broadcast, leaves, model_layer,  # noqa: E402,F401
                          recount, tensor_binary)
from .keras_subclass import (Subclass, external_super, instance_attribute,  # noqa: E402,F401
                             instantiate, subclass_layer)
MODEL_TYPES = (KerasSequential, KerasFunctional, Subclass)


def as_model(value):
    """A Keras model: Sequential, functional, or the record of a subclassed keras.Model."""
    value = getattr(value, "payload", value)
    return value if isinstance(value, MODEL_TYPES) else None
