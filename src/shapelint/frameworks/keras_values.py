"""Keras values as the interpreter sees them: layer objects, the symbolic tensors their calls
make (each a node of the model graph), operation nodes without weights, and the input shapes
a user's shape tuple stands for.

The modules that build models and operations from these (keras_ops, keras_models,
keras_subclass, ...) import them from here, and this module imports none of them: what a tensor
or layer does that makes new values with their code reaches it through OPERATIONS, which
frameworks/keras.py plugs in as it loads."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..catalogue import LayerFault, Rule
from ..domain.codes import SHP105
from ..domain.dims import BATCH, NotKnown, Sym, Unknown, is_known
from ..domain.graph import LayerNode, upstream
from ..domain.shapes import Shape
from .keras_calls import check_states, initial_state, opaque_argument, side_tensors
from .keras_faults import explain
from .keras_misuse import layer_as_tensor, layers_in, refit, strict
from .layers import AFTER_ERROR, InputMarker, LayerObject, apply, make_layer_object
from .spelled import SPELLED_FOR_TF_KERAS


@dataclass
class Operations:
    """What a value does that makes new values with code above this module: keras.ops on
    tensors (keras_ops, imported on first use: it borrows torch's shape rules, which a file
    without keras.ops never loads), and a subclassed layer's own layer object and call() trace
    (keras_subclass). frameworks/keras.py fills these in when it is imported, which is before
    any Keras value can exist (frameworks/__init__ imports it once a source read names keras
    or tensorflow, or a name asked is one of theirs: only such code makes Keras values)."""
    apply_op: Callable = None  # (interp, name, args, kwargs, node=None) -> a tensor or Unknown
    tensor_binary: Callable = None  # (interp, fn, left, right): x + y, x * w, ...
    join_tensors: Callable = None  # (values) -> one tensor, or NotImplemented
    tensors_for_constants: Callable = None  # (value) -> constants made symbolic tensors
    subclass_layer: Callable = None  # (record) -> the layer object of a subclassed instance
    trace_subclass: Callable = None  # (record, shapes, form) -> (nodes, outputs) or why not


OPERATIONS = Operations()


def to_snake_case(name: str) -> str:
    """Keras's automatic layer names: MaxPooling2D -> max_pooling2d (keras.src.utils.naming)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


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


def shape_fault(value, what: str) -> LayerFault | None:
    """Keras 3 takes a shape only as a tuple: a bare number raises at Input(shape=784) and at a
    Sequential's input_shape=784 (Keras 2 read it as one axis; input_dim= still does)."""
    if not is_known(value):
        return None
    return LayerFault(SHP105, (
        f"{what}={value} is a number, and Keras 3 takes a shape only as a tuple: it raises "
        f"\"Cannot convert '{value}' to a shape\"; write {what}=({value},)"),
        argument=what, value=value)


def number_shape(what: str) -> Shape:
    """The shape a tf.keras layer reads from a bare number: Keras 2 takes it as one axis, Keras
    3 refuses it, and which Keras tf.keras is depends on the TensorFlow installed."""
    return Shape.unknown(f"{what} is a number: one axis in Keras 2 (tf.keras before TensorFlow "
                         "2.16), refused by Keras 3")


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
            args = (OPERATIONS.tensors_for_constants(args[0]),) + tuple(args[1:])
        tensors = call_tensors(self.rule, args, kwargs)
        if not tensors or not all(isinstance(t, KerasTensor) for t in tensors):
            if strict(self):
                given = layers_in((list(args), kwargs.get("inputs")), KerasLayer)
                layer_as_tensor(interp, [g for g in given if strict(g)],
                                f"{self.type_name}(...)", "only input tensors may be passed "
                                "as positional arguments", node)
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
        # where it is applied, apart from where it is built (self.flatten = Flatten() in
        # __init__, called in call()): a misplaced application is fixed there (keras_places)
        applied.call_at = interp.position(node) if interp is not None and node is not None \
            else None
        first = args[0] if args else kwargs.get("inputs")
        if is_merge(self) and isinstance(first, KerasTensor):
            refuse_single_tensor(applied, [t.shape for t in tensors])
        else:
            apply(applied, [t.shape for t in tensors], not self.built)
            _refit(applied, self, tensors, interp, node)
            _call_output(applied, self.rule, tensors, args, kwargs)
            check_states(applied, self.rule, initial_state(self.rule, args, kwargs), KerasTensor)
            if applied.fault is not None and is_merge(self):  # eager, outside any model
                from .keras_eager_merge import eager_concatenate
                eager_concatenate(interp, applied, tensors)
        explain(applied)
        if not self.built:
            self.first_node = applied  # the application that built it (keras_tracking)
            self.built_uncertain = interp is None or bool(interp.uncertain) or \
                bool(getattr(interp.state, "keras_tracing", 0))
        self.built = True
        outs = getattr(applied, "output_shapes", None)
        if outs:
            return [KerasTensor(applied, i) for i in range(len(outs))]
        return KerasTensor(applied)

    def shapelint_attribute(self, interp, name):
        if name == "name":
            return self.name
        return Unknown(f"{self.type_name}.{name} is outside the analysis")

    def shapelint_setattr(self, interp, name, value):
        note_trainable(self, name, interp)


def note_trainable(obj, name: str, interp) -> None:
    """`layer.trainable = False` (or a model's) moves its weights, and its sublayers', to the
    non-trainable count from that statement on; which ones, at the point a count is read,
    is not followed yet, so the models holding it say their split is unknown
    (domain.graph.ModelGraph.split_unknown); their total is unchanged."""
    if name != "trainable":
        return
    why = f"{obj.name}.trainable is assigned: which weights train is not followed"
    todo, seen = [obj], set()
    while todo:  # Keras sets it on every sublayer too
        layer = todo.pop()
        if id(layer) in seen or not hasattr(layer, "__dict__"):
            continue
        seen.add(id(layer))
        layer.__dict__["trainable_set"] = why
        todo.extend(getattr(layer, "layers", None) or ())  # a Sequential's
        outputs = getattr(layer, "outputs", None)  # a functional model's
        if isinstance(outputs, (list, tuple)):
            nodes = [t.node for t in outputs if isinstance(t, KerasTensor)]
            todo.extend(n.layer for n in upstream(nodes) if n.layer is not None)


def _refit(applied: LayerNode, layer, tensors, interp, node) -> None:
    """A built layer called again on an input its weights cannot take: the fault sits on
    this call (keras_misuse.refit), and is reported even when no model holds the call."""
    first = layer.__dict__.get("first_node")
    if first is None or not layer.built or applied.fault is not None or len(tensors) != 1 \
            or not first.input_shapes or node is None or interp is None or interp.uncertain or \
            layer.__dict__.get("built_uncertain") or getattr(interp.state, "keras_tracing", 0):
        return
    fault = refit(layer, first.input_shapes[0], tensors[0].shape, interp, node)
    if fault is None:
        return
    path, line, col = interp.position(node)
    applied.fault, applied.output_shape = fault, Shape.unknown(AFTER_ERROR)
    applied.path, applied.line, applied.col = path, line, col
    from . import record_finding
    record_finding(interp, fault.code, node, fault.message,
                   {"layer": applied.name, "type": applied.type_name, **fault.data})


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
        node.called_output = node.output_shape  # kept when keras_models.recount re-applies
    except (NotKnown, TypeError, ValueError, IndexError) as why:
        node.output_shape = Shape.unknown(getattr(why, "reason", "the call is not understood"))


def is_merge(layer) -> bool:
    rule = getattr(layer, "rule", None)
    return getattr(layer, "fault", None) is None and rule is not None and "merge" in rule.tags


def refuse_single_tensor(node: LayerNode, shapes: list) -> None:
    """Keras merge layers (Add, Concatenate, Dot, ...) take a list of tensors; on a single
    one they raise "A merge layer should be called on a list of inputs"."""
    node.input_shapes = list(shapes)
    if any(s.reason == AFTER_ERROR for s in shapes):
        node.output_shape = Shape.unknown(AFTER_ERROR)
    else:
        node.fault = LayerFault(SHP105, f"{node.type_name} must be called on a list of tensors, "
                                f"not on the single tensor {shapes[0]}")
        node.output_shape = Shape.unknown(AFTER_ERROR)
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
        return OPERATIONS.tensor_binary(interp, fn, left, right)

    def shapelint_compare(self, interp, left, right):
        """x > 0, a <= b: elementwise, a tensor of bools of the broadcast shape."""
        return OPERATIONS.apply_op(interp, "less", (left, right), {})

    def __neg__(self):  # -x: an elementwise operation (the interpreter applies unary ops)
        return OPERATIONS.apply_op(None, "negative", (self,), {})

    def shapelint_join(self, values):
        return OPERATIONS.join_tensors(values)

    def shapelint_getitem(self, interp, key):
        return OPERATIONS.apply_op(interp, "__getitem__", (self, key), {})

    def shapelint_attribute(self, interp, name):
        if name == "shape":  # as Keras shows it: None for every size not known statically
            shape = self.shape
            return tuple(d if is_known(d) else None for d in shape.dims) if shape.known_rank \
                else Unknown("shape of unknown rank")
        if name == "ndim":
            return len(self.shape.dims) if self.shape.known_rank else Unknown("unknown rank")
        return Unknown(f"tensor.{name} is outside the analysis")


# -- arithmetic on tensors inside call(): an operation node without weights ---------------------

class TensorOp(KerasLayer):
    hidden = True  # Keras lists operations apart from layers (model.operations)


# keras.layers names that are aliases: a layer is named after its class (MaxPool2D() is
# "max_pooling2d"); tests/test_keras_layer_sets.py compares this with keras.layers.
CLASS_OF_ALIAS = {
    "AvgPool1D": "AveragePooling1D", "AvgPool2D": "AveragePooling2D",
    "AvgPool3D": "AveragePooling3D", "Convolution1D": "Conv1D", "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D", "Convolution1DTranspose": "Conv1DTranspose",
    "Convolution2DTranspose": "Conv2DTranspose", "Convolution3DTranspose": "Conv3DTranspose",
    "GlobalAvgPool1D": "GlobalAveragePooling1D", "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalAvgPool3D": "GlobalAveragePooling3D", "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D", "GlobalMaxPool3D": "GlobalMaxPooling3D",
    "GroupQueryAttention": "GroupedQueryAttention", "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D", "MaxPool3D": "MaxPooling3D",
    "SeparableConvolution1D": "SeparableConv1D", "SeparableConvolution2D": "SeparableConv2D",
}


def make_layer(interp, type_name: str, args, kwargs, node):
    path, line, col = interp.position(node)
    own_name = kwargs.get("name")
    name = own_name if isinstance(own_name, str) else interp.state.unique_name(
        to_snake_case(CLASS_OF_ALIAS.get(type_name, type_name)))
    return build_layer(type_name, args, kwargs, name, path, line, col)


def build_layer(type_name: str, args, kwargs, name="layer", path="", line=0, col=0):
    """A KerasLayer from constructor arguments (values as the interpreter computes them)."""
    layer = make_layer_object(KerasLayer, "keras", type_name, args, kwargs, name, path, line, col)
    if "input_dim" in kwargs and kwargs["input_dim"] is not None:
        layer.input_shape = input_shape((kwargs["input_dim"],))
    elif "input_shape" in kwargs and kwargs["input_shape"] is not None:
        layer.input_shape = input_shape(kwargs["input_shape"])
        layer.declared = kwargs["input_shape"]
        layer.shape_fault = shape_fault(kwargs["input_shape"], "input_shape")
        if layer.shape_fault is not None and SPELLED_FOR_TF_KERAS.get():
            layer.shape_fault, layer.input_shape = None, number_shape("input_shape")
    activation = kwargs.get("activation", args[1] if type_name == "Dense" and len(args) > 1
                            else args[0] if type_name == "Activation" and args else None)
    layer.activation = "softmax" if type_name == "Softmax" else activation
    return layer


def input_node(interp, shape: Shape, name: str, node, fault=None) -> LayerNode:
    path, line, col = interp.position(node) if node is not None else ("", 0, 0)
    if fault is not None:
        shape = Shape.unknown(AFTER_ERROR)
    marker = InputMarker(shape, name, fault=fault)
    return LayerNode(marker, name, "InputLayer", path, line, col, output_shape=shape,
                     is_input=True, fault=fault)
