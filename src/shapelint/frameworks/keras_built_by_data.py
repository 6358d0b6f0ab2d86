"""The input `summary` gives a Keras Sequential written without an input shape: the data of
its first fit / evaluate / predict, as Keras 3 builds it there from the first batch's shape
(its batch axis open), so the table counts what `model.summary()` prints after training, not
"unknown". Only an array whose rank is known and at least 2 (one sample per row); a first use
that is anything else (a dataset, a generator, a list of arrays) leaves the input unknown, for
a later use does not build the model. The checks do not use it: rules/edges.py compares the
data with the model itself, where the fix goes."""
from __future__ import annotations


def data_input(model):
    """The input shape the first data method given builds a Sequential with no input of its
    own, else None."""
    if type(model).__name__ != "KerasSequential":  # no Keras module loaded for a torch file
        return None
    first = model.layers[0] if model.layers else None
    if model.input is not None or getattr(first, "input_shape", None) is not None:
        return None
    from ..domain.dims import BATCH
    from ..domain.shapes import Shape
    from .arrays import ArrayValue
    from .keras_edges import edges_of
    uses = edges_of(model).uses
    x = uses[0].x if uses else None
    if not isinstance(x, ArrayValue) or not x.shape.known_rank or len(x.dims) < 2:
        return None
    return Shape((BATCH,) + tuple(x.dims[1:]))
