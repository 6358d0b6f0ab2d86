"""The layers a subclassed Keras layer or model tracks but its call() does not run: Keras counts
every built weight of every layer held in an attribute (alone or in a list, tuple or dict), so
a model holding a student and a teacher (knowledge distillation) counts both even when call()
runs only the student. A held layer counts once, however often it is held or called.

Built at construction: functional models, and Sequential models given their input. A plain
layer is built when it was called (somewhere the analysis ran), or never: then it holds no
weights, unless a method the analysis did not run (train_step, compute_loss...) reads it,
which leaves its weights unknown."""
from __future__ import annotations

import libcst as cst

from ..catalogue import _zero
from ..domain.dims import Unknown, is_known
from ..domain.graph import LayerNode
from ..interpreter.values import Function, Instance
from ..domain.shapes import Shape
from .keras_models import KerasFunctional, KerasSequential, Subclass, leaves, model_layer
from .keras_values import OPERATIONS, KerasLayer
from .layers import InputMarker

# methods the analysis runs on a subclass (their reads of an attribute are seen as they run)
_RUN = ("__init__", "call", "build")


def tracked(value, depth=0) -> list:
    """The layer and model objects an attribute value holds, in order."""
    if isinstance(value, (KerasLayer, KerasSequential, KerasFunctional)):
        return [value]
    if isinstance(value, Instance) and isinstance(value.payload, Subclass):
        return [value.payload]
    if depth > 4:
        return []
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in tracked(v, depth + 1)]
    if isinstance(value, dict):
        return [t for v in list(value.values()) for t in tracked(v, depth + 1)]
    return []


def untraced_rows(record, counted: set) -> list:
    """Hidden-or-shown rows for what `record` holds beyond the layers in `counted` (the ids of
    leaves its call() trace counts): each row's params are its fresh weights, or Unknown."""
    rows, seen = [], set(counted)
    for attr, value in list(record.instance.attrs.items()):
        for obj in tracked(value):
            leaves = _held_leaves(record, attr, obj)
            if isinstance(leaves, str):
                unknown = Unknown(leaves)
                rows.append(_row(record, obj, [(id(obj), _Leaf(unknown, unknown))], seen))
                continue
            if leaves and any(key not in seen for key, _ in leaves):
                rows.append(_row(record, obj, leaves, seen))
    return rows


def _held_leaves(record, attr: str, obj):
    """(id, leaf) of every layer whose weights `obj` holds, or why they are not known."""
    if isinstance(obj, KerasFunctional):
        return _model_leaves(model_layer(obj), obj.graph(obj.name))
    if isinstance(obj, KerasSequential):
        if obj.input is not None or _declares_input(obj):
            return _model_leaves(model_layer(obj), obj.graph(obj.name))
        return _called_or_not(record, attr, model_layer(obj))
    if isinstance(obj, Subclass):
        if obj.layer is not None and obj.layer.__dict__.get("first_node") is not None:
            return leaves(obj.layer.first_node)
        if obj.kind == "model" and obj.functional is not None:
            return _model_leaves(OPERATIONS.subclass_layer(obj), obj.graph(obj.name))
        if _reads_elsewhere(record, attr) or _reads_elsewhere(obj, None):
            return f"{obj.type_name} held in self.{attr} is built by code shapelint does not run"
        inner = untraced_rows(obj, set())
        own = [(id(obj), _weights_leaf(obj.weights))]
        return own + [leaf for row in inner for leaf in row.fixed_leaves]
    return _called_or_not(record, attr, obj)


def _called_or_not(record, attr, layer):
    first = layer.__dict__.get("first_node")
    if first is not None:
        return leaves(first)
    rule = getattr(layer, "rule", None)
    if rule is not None and rule.params is _zero and rule.frozen is _zero:
        return []  # a layer without weights
    if _reads_elsewhere(record, attr):
        return (f"{layer.type_name} held in self.{attr} is used by a method shapelint does "
                "not run, so whether Keras builds it is not known")
    return []  # never called: Keras never builds it, and it holds no weights


def _declares_input(model) -> bool:
    first = model.layers[0] if model.layers else None
    return isinstance(first, KerasLayer) and first.input_shape is not None


def _model_leaves(layer, graph) -> list:
    out = [(id(layer), _ZERO)]
    if graph.uncertain:
        return graph.uncertain
    for n in graph.nodes:
        if n.counts and not n.is_input:
            out.extend(leaves(n))
    return out


def _reads_elsewhere(record, attr) -> bool:
    """Does a method of the class that the analysis does not run read self.<attr> (any
    attribute of self when attr is None)?"""
    for cls in record.instance.cls.mro():
        for name, value in getattr(cls, "namespace", {}).items():
            if isinstance(value, Function) and name not in _RUN and _reads(value.node, attr):
                return True
    return False


def _reads(node, attr) -> bool:
    found = []

    class Finder(cst.CSTVisitor):
        def visit_Attribute(self, item):
            if isinstance(item.value, cst.Name) and item.value.value == "self" and (
                    attr is None or item.attr.value == attr):
                found.append(item)
    node.visit(Finder())
    return bool(found)


class _Leaf:
    def __init__(self, params, frozen=0):
        self.params, self.frozen = params, frozen


_ZERO = _Leaf(0)


def _weights_leaf(weights) -> _Leaf:
    params = frozen = 0
    for shape, trainable in weights:
        count = 1
        for d in shape:
            count = count * d if is_known(d) else Unknown(f"weight shape {shape} is not known")
        if trainable is True:
            params = params + count
        elif trainable is False:
            frozen = frozen + count
        else:
            params = Unknown("add_weight(trainable=...) is not known")
    return _Leaf(params, frozen)


def _row(record, obj, leaves, seen) -> LayerNode:
    """A row for a held object: its weights not counted before, as Keras's summary shows."""
    fresh = [(key, leaf) for key, leaf in leaves if key not in seen]
    seen.update(key for key, _ in leaves)
    name = getattr(obj, "name", "layer")
    type_name = getattr(obj, "type_name", None) or (
        "Sequential" if isinstance(obj, KerasSequential) else "Functional")
    node = LayerNode(InputMarker(Shape.unknown("held, not called"), name), name, type_name,
                     getattr(obj, "path", record.path), getattr(obj, "line", record.line),
                     getattr(obj, "col", record.col),
                     output_shape=Shape.unknown("not called by call()"))
    node.params = sum((leaf.params for _, leaf in fresh), 0)
    node.frozen = sum((leaf.frozen for _, leaf in fresh), 0)
    node.fixed_leaves = leaves
    for value in (node.params, node.frozen):
        if isinstance(value, Unknown):
            node.reason = value.reason
    return node
