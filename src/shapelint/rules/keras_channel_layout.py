"""Which end of a Keras model's input holds the channels, for the rules that replay the model
with other spatial sizes (keras_input_sizes): channels last, Keras' default, unless every layer
that reads an image layout is given data_format="channels_first" (a Theano-era FaceNet or
U-Net written so). A model mixing the two, or one whose layers say nothing either way while
one of them is channels first, has no one layout: None, and nothing is replayed."""
from __future__ import annotations

_IMAGE_LAYERS = ("Conv", "Pool", "ZeroPadding", "UpSampling", "Cropping")


def channel_axis(graph) -> int | None:
    """-1 (channels last), 1 (channels first) or None (see above)."""
    formats = []
    for n in graph.nodes:
        if n.is_input:
            continue
        given = _data_format(n)
        if given is not None or _reads_image_layout(n.type_name):
            formats.append(given)
    if all(f in (None, "channels_last") for f in formats):
        return -1
    if formats and all(f == "channels_first" for f in formats):
        return 1
    return None


def spatial(dims: tuple, axis: int) -> tuple:
    """The spatial sizes of a batched input shape (N, ..., C) or (N, C, ...)."""
    return tuple(dims[1:-1]) if axis == -1 else tuple(dims[2:])


def with_spatial(dims: tuple, axis: int, sizes) -> tuple:
    """A batched input shape with its spatial sizes replaced, batch and channels kept."""
    if axis == -1:
        return (dims[0], *sizes, dims[-1])
    return (dims[0], dims[1], *sizes)


def offset(axis: int) -> int:
    """Where the spatial sizes start in the shape written for one sample."""
    return 0 if axis == -1 else 1


def described(axis: int) -> str:
    return "channels last" if axis == -1 else "channels first"


def _data_format(n):
    """The data_format a layer was given, by name (entries taking **kwargs keep it there)."""
    arguments = getattr(n.layer, "arguments", None) or {}
    rest = arguments.get("kwargs")
    return arguments.get("data_format") or (rest.get("data_format")
                                            if isinstance(rest, dict) else None)


def _reads_image_layout(type_name: str) -> bool:
    return type_name.endswith(("1D", "2D", "3D")) and any(w in type_name for w in _IMAGE_LAYERS)
