"""What one Keras layer call receives besides its main inputs, as Keras's own Node records it
(keras/src/ops/node.py flattens the call's args and kwargs and keeps every KerasTensor): those
tensors (initial_state=, mask=, key=, constants=, inside lists, tuples and dicts) are edges of
the graph, so the layers producing them belong to the model and count in it. The initial states
given to a recurrent layer must also fit it: a width other than its units fails when it runs."""
from __future__ import annotations

from dataclasses import dataclass

from ..catalogue import LayerFault
from ..domain.codes import SHP101, SHP105
from ..domain.dims import NotKnown, Unknown, is_known

# Arguments that never carry a tensor in the code we read: a wrong guess here only hides an
# edge, so the list is short. `training` is a bool (Keras passes it down, never as a tensor).
_NOT_TENSORS = ("training",)
# The call signature of recurrent layers (RNN.call, Bidirectional.call): initial_state second.
_RECURRENT_CALL = ("sequences", "initial_state", "mask", "training")


def tensors_in(value, kind, depth=0) -> list:
    """Every value of type `kind` in a call argument, looking into lists, tuples and dicts."""
    if isinstance(value, kind):
        return [value]
    if depth > 6:
        return []
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in tensors_in(v, kind, depth + 1)]
    if isinstance(value, dict):
        return [t for v in list(value.values()) for t in tensors_in(v, kind, depth + 1)]
    return []


def opaque_in(value, depth=0) -> str:
    """The reason of an Unknown inside a call argument (it may hide a tensor), else ""."""
    if isinstance(value, Unknown):
        return value.reason
    if depth > 6:
        return ""
    if isinstance(value, (list, tuple)):
        return next((r for r in (opaque_in(v, depth + 1) for v in value) if r), "")
    if isinstance(value, dict):
        return next((r for r in (opaque_in(v, depth + 1) for v in value.values()) if r), "")
    return ""


def side_tensors(args, kwargs, main: list, kind) -> list:
    """The tensors of a call that are not among its main inputs, in argument order."""
    found = tensors_in((list(args), {k: v for k, v in kwargs.items()
                                     if k not in _NOT_TENSORS}), kind)
    return [t for t in found if not any(t is m for m in main)]


def opaque_argument(args, kwargs) -> str:
    """Why the edges of a call are not all known: an argument shapelint cannot follow."""
    for i, value in enumerate(args):
        why = opaque_in(value)
        if why:
            return f"argument {i + 1} ({why})"
    for key, value in kwargs.items():
        why = "" if key in _NOT_TENSORS else opaque_in(value)
        if why:
            return f"{key}= ({why})"
    return ""


def opaque_edges(nodes) -> str:
    """Why a graph's layer set is not certain: a call received a value shapelint cannot
    follow, which may be a tensor from layers the graph does not hold."""
    found = [n.__dict__["opaque"] for n in nodes if n.__dict__.get("opaque")]
    return f"{found[0]}, which may be a tensor from layers not seen" if found else ""


def initial_state(rule, args, kwargs):
    """The initial_state a recurrent layer's call passes, or None."""
    if rule is None or rule.states is None:
        return None
    given = dict(zip(_RECURRENT_CALL, args))
    given.update({k: v for k, v in kwargs.items() if k in _RECURRENT_CALL})
    return given.get("initial_state")


def check_states(node, rule, given, kind) -> None:
    """Set node.fault when the initial states cannot fit the recurrent layer, for any input:
    fewer states than its cells read (IndexError when it runs) or a state whose width is not
    the units the recurrent kernel multiplies (a matmul error when it runs)."""
    if given is None or node.fault is not None or not node.input_shapes:
        return
    states = tensors_in(given, kind)
    if not states or len(states) != len(_leaves(given)):
        return  # not all tensors (numpy arrays...): nothing certain to say
    try:
        groups = rule.states(node.input_shapes[0])
    except (NotKnown, LayerFault, IndexError, TypeError):
        return
    if len(groups) > 1 and not isinstance(given, (list, tuple)):
        return
    half = len(states) // len(groups)  # Bidirectional: the first half forward, the rest back
    parts = [states[:half], states[half:]] if len(groups) == 2 else [states]
    for expected, got in zip(groups, parts):
        if len(got) < len(expected):
            node.fault = LayerFault(
                SHP105, f"{node.type_name} reads {len(expected)} initial states per direction "
                f"({_shapes(expected)}) but gets {len(got)}: Keras builds the model, and "
                "every call of it raises IndexError", expected=len(expected), given=len(got))
            return
        for want, tensor in zip(expected, got):
            shape = tensor.shape
            if not (shape.known_rank and shape.rank == 2 and want.known_rank):
                continue
            width, units = shape.dims[-1], want.dims[-1]
            if is_known(width) and is_known(units) and width != units:
                node.fault = LayerFault(
                    SHP101, f"{node.type_name} gets an initial state {shape} of width {width}, "
                    f"but its state has {units} units: Keras builds the model, and every call "
                    f"of it fails multiplying the state by the recurrent kernel ({units} rows)",
                    state_shape=shape.to_json(), units=units)
                return


def _leaves(value, depth=0) -> list:
    if isinstance(value, (list, tuple)) and depth < 6:
        return [leaf for v in value for leaf in _leaves(v, depth + 1)]
    if isinstance(value, dict) and depth < 6:
        return [leaf for v in value.values() for leaf in _leaves(v, depth + 1)]
    return [value]


def _shapes(shapes) -> str:
    return ", ".join(str(s) for s in shapes)


# -- the further arguments of a call to a user's layer, to trace its call() with --------------

@dataclass(frozen=True)
class Slot:
    """Where a tensor sat in the arguments; a fresh input of its shape takes its place."""
    index: int


@dataclass(frozen=True, eq=False)
class CallForm:
    """A user layer's call arguments after the first, tensors replaced by Slots."""
    args: tuple
    kwargs: dict
    shapes: tuple  # the shape of each Slot's tensor
    key: str  # tells two forms apart for the trace cache


def call_form(args, kwargs, kind) -> CallForm | None:
    """The form of a call's further arguments; None when there are none."""
    if not args and not kwargs:
        return None
    shapes: list = []

    def hollow(value, depth=0):
        if isinstance(value, kind):
            shapes.append(value.shape)
            return Slot(len(shapes) - 1)
        if isinstance(value, (list, tuple)) and depth < 6:
            return _same_kind(value, [hollow(v, depth + 1) for v in value])
        if isinstance(value, dict) and depth < 6:
            return {k: hollow(v, depth + 1) for k, v in value.items()}
        return value
    form_args = tuple(hollow(v) for v in args)
    form_kwargs = {k: hollow(v) for k, v in kwargs.items()}
    named = sorted((k, _key(v)) for k, v in form_kwargs.items())
    key = repr((tuple(_key(v) for v in form_args), named, tuple(str(s) for s in shapes)))
    return CallForm(form_args, form_kwargs, tuple(shapes), key)


def fill(form: CallForm, tensors: list):
    """The form's args and kwargs with each Slot replaced by its tensor."""
    def put(value, depth=0):
        if isinstance(value, Slot):
            return tensors[value.index]
        if isinstance(value, (list, tuple)) and depth < 6:
            return _same_kind(value, [put(v, depth + 1) for v in value])
        if isinstance(value, dict) and depth < 6:
            return {k: put(v, depth + 1) for k, v in value.items()}
        return value
    return tuple(put(v) for v in form.args), {k: put(v) for k, v in form.kwargs.items()}


def _same_kind(value, items: list):
    return items if isinstance(value, list) else tuple(items)


def _key(value, depth=0) -> str:
    if isinstance(value, (Slot, bool, int, float, str, type(None))):
        return repr(value)
    if isinstance(value, (list, tuple)) and depth < 6:
        return "[" + ",".join(_key(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict) and depth < 6:
        return "{" + ",".join(f"{k!r}:{_key(v, depth + 1)}" for k, v in value.items()) + "}"
    return f"<{type(value).__name__} {id(value)}>"
