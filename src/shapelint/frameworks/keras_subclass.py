"""Subclassed keras.Model and keras.layers.Layer: `__init__` runs on an abstract self, the
sublayers it makes are applied when `call` runs on abstract KerasTensors, and weights made by
`add_weight` in `build` count with them, each weight once."""
from __future__ import annotations

from dataclasses import dataclass

from ..catalogue import Rule
from ..domain.dims import BATCH, NotKnown, Unknown, is_known
from ..domain.graph import LayerNode, upstream
from ..interpreter.values import Builtin, Instance
from .keras_edges import model_method
from ..domain.shapes import Shape
from .keras_models import KerasFunctional, Subclass, leaves, make_functional, recount
from .keras_values import OPERATIONS, KerasLayer, KerasTensor, to_snake_case
from .keras_calls import CallForm, call_form, fill, opaque_edges
from .keras_tracking import untraced_rows
from .arrays import ArrayValue
from .keras_base_layer import base_weights, delegate, internal, make_base
from .layers import InputMarker

_BASES = {"Model": "model", "Layer": "layer"}


def keras_kind(cls) -> str | None:
    """"model" or "layer" when a user class derives from keras.Model or keras.layers.Layer."""
    from . import canonical
    for base in cls.framework_bases():
        name = canonical(base)
        last = name.rsplit(".", 1)[-1]
        if name.startswith("keras.") and last in _BASES:
            return _BASES[last]
    return "layer" if base_type(cls) is not None else None


def base_type(cls) -> str | None:
    """The catalogue layer a user class derives from (keras_base_layer), or None."""
    from . import canonical
    from .keras_base_layer import catalogue_base
    for base in cls.framework_bases():
        found = catalogue_base(canonical(base))
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class Weight:
    """A weight made by add_weight: a constant tensor without a batch axis."""
    shape: tuple

    def shapelint_attribute(self, interp, name):
        if name == "shape":
            return self.shape
        return Unknown(f"weight.{name} is outside the analysis")

    def shapelint_binary(self, interp, fn, left, right):
        return OPERATIONS.tensor_binary(interp, fn, left, right)


def _fresh(record, shape):
    return KerasTensor(LayerNode(InputMarker(shape, "input"), "input", "InputLayer",
                                 record.path, record.line, record.col, output_shape=shape,
                                 is_input=True))


def trace(record: Subclass, shapes: list, form: CallForm | None = None):
    # weights made by add_weight in __init__ exist from the start; build() and call() add more
    made_in_init = getattr(record, "init_weights", [])
    record.weights = []
    # a trace runs call() for a shape the analysis chose (a placeholder, the data's, an
    # override): the layers it calls are not called by the user (keras_values._refit)
    state = record.interp.state
    state.keras_tracing = getattr(state, "keras_tracing", 0) + 1
    try:
        result = _run_call(record, shapes, form)
    finally:
        weights, record.weights = record.weights, list(made_in_init)
        state.keras_tracing -= 1
    if isinstance(result, str):
        return result
    order, outputs = result
    nodes = order + [own_weights(record, made_in_init + weights)]
    if record.base is not None and getattr(record, "base_node", None) is not None:
        nodes.append(record.base_node)
    counted = {key for n in nodes if n.counts and not n.is_input for key, _ in leaves(n)}
    return nodes + untraced_rows(record, counted), outputs


def _as_build_shape(shape: Shape):
    return tuple(d if is_known(d) else None for d in shape.dims) if shape.known_rank else None


def _build_by_name(inst, build, more: tuple, named: dict, first):
    """Keras 3's Layer._maybe_build: when build() takes several parameters, each
    `<name>_shape` gets the shape of call()'s tensor argument `<name>` (the first one
    included), the others keep their defaults. None when build() takes one parameter."""
    try:
        build_params = [p.name.value for p in build.node.params.params[1:]]
        call_params = [p.name.value for p in inst.cls.lookup("call").node.params.params[1:]]
    except (KeyError, AttributeError):
        return None
    if len(build_params) < 2 or not call_params:
        return None
    if not all(p.endswith("_shape") for p in build_params):
        return None  # Keras refuses such a build(); not followed here
    given = dict(zip(call_params[1:], more))
    given.update(named)
    out = {}
    for param in build_params:
        name = param[:-len("_shape")]
        if name == call_params[0]:
            out[param] = first
        elif isinstance(given.get(name), KerasTensor):
            out[param] = _as_build_shape(given[name].shape)
    return out


def _run_call(record: Subclass, shapes: list, form: CallForm | None):
    """build() then call() on fresh inputs: (nodes, output nodes), or why not."""
    interp = record.interp
    inputs = [_fresh(record, s) for s in shapes]
    arg = inputs[0] if len(inputs) == 1 else inputs
    more, named = fill(form, [_fresh(record, s) for s in form.shapes]) if form else ((), {})
    inst = record.instance
    try:
        build = inst.cls.lookup("build")
    except KeyError:
        build = None
    if record.base is not None:  # Keras builds the base for the call's tensors
        made = base_weights(record, inputs[0], more, named)
        if isinstance(made, str):
            return made
        record.base_node, record.query_shape = made, shapes[0]
    if build is not None:
        dims = [s.to_json() if s.known_rank else None for s in shapes]
        as_shape = [tuple(None if d is None or isinstance(d, str) else d for d in ds)
                    if ds is not None else None for ds in dims]
        by_name = _build_by_name(inst, build, more, named, as_shape[0])
        if by_name is not None:
            interp.call(interp.bind_attribute(build, inst, inst.cls), (), by_name, None)
        else:
            interp.call(interp.bind_attribute(build, inst, inst.cls),
                        (as_shape[0] if len(as_shape) == 1 else as_shape,), {}, None)
    try:
        call = inst.cls.lookup("call")
    except KeyError:
        return f"{record.type_name} defines no call()"
    out = interp.call(interp.bind_attribute(call, inst, inst.cls), (arg,) + more, named, None)
    from .keras_ops import as_output
    out = [as_output(interp, o, inputs) for o in out] if isinstance(out, (list, tuple)) \
        else as_output(interp, out, inputs)
    # call() may return None among its outputs ((x, cache) without a cache): Keras keeps the
    # structure, and the tensors are the outputs
    nones = [i for i, o in enumerate(out) if o is None] if isinstance(out, (list, tuple)) \
        else []
    tensors = [o for o in out if o is not None] if isinstance(out, (list, tuple)) else [out]
    if not tensors or not all(isinstance(t, KerasTensor) for t in tensors):
        why = out.reason if isinstance(out, Unknown) else "a value that is not a tensor"
        return f"{record.type_name}.call() returns {why}"
    order = upstream(t.node for t in tensors)
    hidden = opaque_edges(order)
    if hidden:
        return f"{record.type_name}.call(): {hidden}"
    order = recount(order)
    mapped = {id(n.original): n for n in order}
    outputs = _Outputs(mapped[id(t.node)] for t in tensors)
    outputs.nones = nones
    return order, outputs


class _Outputs(list):
    """The output nodes of a trace, and where call() returned None among them."""
    nones: list = []


def _with_nones(result, nones: list):
    """A layer call's result with None put back where call() returned it."""
    items = list(result) if isinstance(result, list) else [result]
    if not nones or not all(isinstance(t, KerasTensor) for t in items):
        return result
    for i in sorted(nones):
        items.insert(i, None)
    return tuple(items)


def own_weights(record: Subclass, weights: list) -> LayerNode:
    """A hidden row holding the weights the class made itself with add_weight."""
    marker = InputMarker(Shape.unknown("weights"), "weights")
    marker.hidden = True
    node = LayerNode(marker, f"{record.name} weights", "Weights", record.path, record.line,
                     record.col)
    node.params = node.frozen = 0
    for shape, trainable in weights:
        count = 1
        for d in shape:
            count = count * d if is_known(d) else Unknown(f"weight shape {shape} is not known")
        if trainable is True:
            node.params = node.params + count
        elif trainable is False:
            node.frozen = node.frozen + count
        else:
            node.params = Unknown("add_weight(trainable=...) is not known")
    return node


# -- the hooks ------------------------------------------------------------------------------

def instantiate(interp, cls, args, kwargs, node):
    kind = keras_kind(cls)
    if kind is None:
        return NotImplemented
    path, line, col = interp.position(node) if node is not None else ("", 0, 0)
    name = kwargs.get("name")
    inst = Instance(cls)
    record = Subclass(kind, cls.name, name if isinstance(name, str) else
                      interp.state.unique_name(to_snake_case(cls.name)), path, line, col, inst)
    record.interp = interp
    record.base_type = base_type(cls)
    inst.payload = record
    try:
        init = cls.lookup("__init__")
    except KeyError:
        init = None
    if init is not None:
        interp.call(interp.bind_attribute(init, inst, cls), tuple(args), dict(kwargs), node)
    elif record.base_type is not None:
        make_base(record, interp, args, kwargs, node)
    record.init_weights = list(record.weights)
    if interp.uncertain:
        record.uncertain = "built under an undecided condition"
    if kind == "model":
        interp.state.models.append(record)
    return inst


def _record(obj):
    payload = getattr(obj, "payload", None)
    return payload if isinstance(payload, Subclass) else None


def set_instance_attribute(interp, obj, name, value):
    return NotImplemented


def instance_attribute(interp, obj, name):
    record = _record(obj)
    if record is None:
        return NotImplemented
    try:
        obj.cls.lookup(name)
        return NotImplemented  # the class's own definition wins
    except KeyError:
        pass
    if name == "__call__":
        return Builtin(f"{record.type_name}.__call__",
                       lambda i, a, kw, n: subclass_layer(record).shapelint_call(i, a, kw, n))
    if name == "add_weight":
        return Builtin("add_weight", lambda i, a, kw, n: _add_weight(record, a, kw))
    if name == "build":
        return Builtin("build", lambda i, a, kw, n: _external_build(record, i, a, kw, n))
    if name == "name":
        return record.name
    if name == "dtype_policy":
        # the dtype given to Layer.__init__ (None: the global policy, as for any layer not
        # given one); handing it on to a sublayer is the same as handing on that dtype
        return record.dtype_given
    inner = internal(record, name)
    if inner is not None:
        return inner
    method = model_method(record, name, record.type_name) if record.kind == "model" else None
    if method is not None:
        return method
    return Unknown(f"{record.type_name}.{name} is outside the analysis")


def external_super(interp, self_value, base, name):
    record = _record(self_value)
    if record is None or not base.startswith("keras."):
        return NotImplemented
    if name == "__init__":
        return Builtin("Layer.__init__", lambda i, a, kw, n: _super_init(record, i, a, kw, n))
    if name in ("build", "call") and name == "build":
        return Builtin("Layer.build", lambda *a: None)
    return Unknown(f"super().{name} of a Keras base is outside the analysis")


def _super_init(record, interp, args, kwargs, node):
    if isinstance(kwargs.get("name"), str):
        record.name = kwargs["name"]
    record.dtype_given = kwargs.get("dtype")
    if record.base_type is not None:
        make_base(record, interp, args, kwargs, node)
        return None
    inputs = args[0] if args else kwargs.get("inputs")
    outputs = args[1] if len(args) > 1 else kwargs.get("outputs")
    if inputs is not None and outputs is not None:
        made = make_functional(interp, (inputs, outputs), {}, node)
        if isinstance(made, KerasFunctional):
            interp.state.models.remove(made)
            record.functional = made
        else:
            record.uncertain = "the inputs or outputs given to Model.__init__ are not known"
    return None


def _add_weight(record, args, kwargs):
    names = ("shape", "initializer", "dtype", "trainable")
    given = dict(zip(names, args))
    given.update(kwargs)
    shape = given.get("shape", ())
    shape = () if shape is None else shape
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    record.weights.append((shape, given.get("trainable", True)))
    return Weight(shape)


def _external_build(record, interp, args, kwargs, node):
    # Keras 3's Layer.build without an override marks the layer built without tracing call():
    # no sublayer gets weights (and a warning says so). Counting them would be wrong; the
    # summary --input-shape override still traces call() on purpose.
    record.build_only = True
    return None


# -- a subclassed layer applied to tensors --------------------------------------------------

class SubclassLayer(KerasLayer):
    """The layer object of a subclassed instance: its rule traces `call` for the input."""

    def shapelint_call(self, interp, args, kwargs, node):
        record = self.record
        if record.base is not None and delegate(record):
            return record.base.shapelint_call(interp, args, kwargs, node)
        if not args and "inputs" not in kwargs:
            args, kwargs = _first_by_name(record, kwargs)
        if args:
            from .keras_ops import tensors_for_constants
            args = (tensors_for_constants(args[0]),) + tuple(args[1:])
        x = args[0] if args else kwargs.get("inputs")
        tensors = list(x) if isinstance(x, (list, tuple)) else [x]
        if isinstance(x, ArrayValue) and x.shape.known_rank and x.shape.dims:
            if record.shape is None and record.kind == "model":  # Keras builds it for them
                record.shape = Shape((BATCH,) + tuple(x.shape.dims[1:]))
            return Unknown(f"the result of calling {self.name} on data")
        if not tensors or not all(isinstance(t, KerasTensor) for t in tensors):
            return Unknown(f"{self.name} applied to an unknown value")
        if record.shape is None and len(tensors) == 1:
            record.shape = tensors[0].shape
        # call(self, x, state=None, mask=None...): the further arguments go to the trace, and
        # their tensors are edges of the graph (the base class records them)
        form = call_form(tuple(args[1:]), {key: v for key, v in kwargs.items()
                                           if key != "inputs"}, KerasTensor)
        main = tensors if len(tensors) > 1 or isinstance(x, (list, tuple)) else tensors[0]
        self.rule = _subclass_rule(record, multi=isinstance(x, (list, tuple)), form=form)
        self.pending_form = form
        rest = {key: v for key, v in kwargs.items() if key != "inputs"}
        try:
            result = super().shapelint_call(interp, (main,) + tuple(args[1:]), rest, node)
        finally:
            self.pending_form = None
        multi = isinstance(x, (list, tuple))
        trace = record.trace([t.shape for t in (tensors if multi else tensors[:1])], form)
        return _with_nones(result, getattr(trace[1], "nones", [])) \
            if not isinstance(trace, str) else result


def _first_by_name(record: Subclass, kwargs: dict):
    """call(hidden_states=x): Keras's Layer.__call__ takes call()'s first parameter, under
    whatever name, as the inputs the layer is built for."""
    try:
        params = record.instance.cls.lookup("call").node.params.params
    except (KeyError, AttributeError):
        return (), kwargs
    if len(params) < 2 or params[1].name.value not in kwargs:
        return (), kwargs
    rest = dict(kwargs)
    return (rest.pop(params[1].name.value),), rest


def subclass_layer(record: Subclass) -> SubclassLayer:
    if record.layer is None:
        made = SubclassLayer(record.type_name, record.name, record.path, record.line,
                             record.col, rule=None)
        made.record = record
        made.rule = _subclass_rule(record, multi=False)
        made.subclass_leaves = lambda node: _leaves(record, node)
        record.layer = made
    return record.layer


def _leaves(record, node):
    shapes = node.input_shapes if len(node.input_shapes) > 1 else node.input_shapes[:1]
    trace = record.trace(shapes, node.__dict__.get("call_form"))
    if isinstance(trace, str):
        return [(id(record), _unknown_leaf(trace))]
    return [(id(record), _ZERO_LEAF)] + [leaf for n in trace[0] if n.counts and not n.is_input
                                         for leaf in leaves(n)]


class _Leaf:
    def __init__(self, value):
        self.params = self.frozen = value


_ZERO_LEAF = _Leaf(0)


def _unknown_leaf(reason):
    return _Leaf(Unknown(reason))


def _subclass_rule(record: Subclass, multi: bool, form: CallForm | None = None) -> Rule:
    def trace(x):
        result = record.trace(list(x) if multi else [x], form)
        if isinstance(result, str):
            raise NotKnown(result)
        return result

    def output(x):
        shapes = [o.output_shape for o in trace(x)[1]]
        return shapes[0] if len(shapes) == 1 else shapes

    def count(attr):
        def formula(x):
            nodes = trace(x)[0]
            total = 0
            for n in nodes:
                if n.counts and not n.is_input:
                    total = total + getattr(n, attr)
            if not is_known(total):
                raise NotKnown(f"params of {record.name} are not known")
            return total
        return formula
    return Rule(output=output, params=count("params"), frozen=count("frozen"), multi_input=multi)
