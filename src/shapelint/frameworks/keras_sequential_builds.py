"""The names a Keras 3 Sequential spends when it builds itself. Each build makes a Functional
(named from the "functional" counter), and the first one an InputLayer ("input_layer") unless
the Sequential was given one (a keras.Input first, which spent its own name). A later
keras.Input or keras.Model takes the next name of its counter, so these must be spent where
Keras spends them for a functional model that nests Sequentials to list the rows Keras holds
(a GAN's `keras.Model(z, discriminator(generator(z)))`). Checked with Keras 3 in
tests/test_keras_sequential_builds.py: models/sequential.py builds in `add` (once the stack
holds an InputLayer and a layer), at the end of `Sequential([...])`, in `build()`, and on the
first call, fit or predict of a model not yet built; a first layer with `input_shape=` /
`input_dim=`, or a built model first in the stack, gives it its InputLayer."""
from __future__ import annotations


def spend_input(interp, model) -> str:
    """The InputLayer Keras makes for this Sequential: its name, spent now."""
    model.has_input_layer = True
    return interp.state.unique_name("input_layer")


def rebuild(interp, model) -> None:
    """Sequential._maybe_rebuild after an add (or at the end of the list given to
    Sequential): builds, spending a Functional's name, once the stack has its InputLayer and a
    layer; a first item that is itself a built model gives the InputLayer, from its input
    shape, when a second item follows."""
    if not model.layers:
        return
    if not model.has_input_layer:
        if len(model.layers) < 2 or not _knows_its_input(model.layers[0]):
            return
        spend_input(interp, model)
    interp.state.unique_name("functional")


def build(interp, model) -> str | None:
    """Sequential.build (explicit, or on the first call, fit or predict): a Functional's name
    spent, and first the InputLayer's when the stack had none; returns that InputLayer's name
    when one was made."""
    made = None if model.has_input_layer else spend_input(interp, model)
    interp.state.unique_name("functional")
    return made


def taken_first(interp, model, layer) -> None:
    """Sequential.add of the first layer: `input_shape=` / `input_dim=` on it makes the
    InputLayer before the layer is stacked."""
    if not model.layers and not model.has_input_layer and \
            getattr(layer, "input_shape", None) is not None:
        spend_input(interp, model)


def _knows_its_input(item) -> bool:
    """`hasattr(layer, "input_shape")` in Keras: a functional model, or a built Sequential;
    a plain layer has no such attribute."""
    return bool(getattr(getattr(item, "model", item), "knows_its_input", False))


def declared_input(model):
    """The node holding the input shape a built Sequential's InputLayer has (a keras.Input
    first, build(), a first call, or the first layer's `input_shape=`); None when not built."""
    if not model.has_input_layer:
        return None
    if model.input is not None:
        return model.input.node
    first = model.layers[0] if model.layers else None
    shape = getattr(first, "input_shape", None)
    if shape is None:
        return None
    from .keras_values import input_node
    made = input_node(None, shape, "input_layer", None)
    made.path, made.line, made.col = first.path, first.line, first.col
    return made


def symbolic(interp, x) -> bool:
    """A call on a symbolic tensor, as Keras makes it: not a constant made in call(), and not
    inside a subclassed model's call(), which fit runs on eager tensors."""
    from .keras_values import KerasTensor
    return isinstance(x, KerasTensor) and x.node.type_name != "constant" and \
        not getattr(interp.state, "keras_tracing", 0)
