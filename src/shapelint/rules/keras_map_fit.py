"""Where a decoder whose output map is not the targets' size is fixed (issue 16): an
autoencoder whose poolings with padding="same" round an odd size up (28 -> 14 -> 7 -> 4) and
whose upsamplings double it back (4 -> 8 -> 16 -> 32) outputs 32x32 for 28x28 targets. The
usual fix is one convolution without padding="same": a 3x3 kernel with padding "valid" takes
2 from each side's size (16 -> 14, then upsampled to 28). When exactly one convolution of the
model, switched from padding "same" to "valid", makes the output's map the targets' (the model
replayed with that one change, every layer after it re-derived, and no layer faulting), the
finding goes to that convolution and names the fit call where Keras raises. Several such
convolutions, or none, leave the finding where it was: the fix is then a choice, not a fact.
Channels last, stride 1 and dilation 1 only: the size padding "valid" takes is then k - 1."""
from __future__ import annotations

from ..domain.dims import is_known
from ..domain.shapes import Shape
from .keras_what_if import replayed_with_output

_CONVS = {"Conv1D": 1, "Conv2D": 2, "Conv3D": 3, "Convolution1D": 1, "Convolution2D": 2,
          "Convolution3D": 3}


def one_valid_conv(graph, y_map: tuple):
    """(conv node, sentence) for the one 'same' convolution whose 'valid' padding makes the
    output map y_map; None otherwise."""
    if graph.apply is None or len(graph.outputs) != 1 or \
            not all(is_known(d) and d > 0 for d in y_map):
        return None
    fits = []
    for conv in graph.nodes:
        valid = _valid_output(conv)
        if valid is None:
            continue
        built = replayed_with_output(graph, conv, valid)
        out = built.outputs[0].output_shape if built is not None else None
        if out is not None and out.known_rank and tuple(out.dims[1:-1]) == tuple(y_map):
            fits.append((conv, valid))
    if len(fits) != 1:
        return None
    conv, valid = fits[0]
    before = "x".join(str(d) for d in conv.output_shape.dims[1:-1])
    after = "x".join(str(d) for d in valid.dims[1:-1])
    target = "x".join(str(d) for d in y_map)
    return conv, (f". The {conv.type_name} on this line is the only convolution that, "
                  f"without padding='same', makes the model output {target}: it then gives "
                  f"{after} instead of {before}")


def _valid_output(conv):
    rank = _CONVS.get(conv.type_name)
    arguments = getattr(conv.layer, "arguments", None) or {}
    if rank is None or conv.fault is not None or len(conv.input_shapes) != 1 or \
            arguments.get("padding") != "same" or \
            arguments.get("data_format") not in (None, "channels_last"):
        return None
    kernel, strides = arguments.get("kernel_size"), arguments.get("strides", 1)
    dilation = arguments.get("dilation_rate", 1)
    kernel = (kernel,) * rank if isinstance(kernel, int) else tuple(kernel or ())
    if len(kernel) != rank or not all(isinstance(k, int) and k > 1 for k in kernel) or \
            strides not in (1, (1,) * rank) or dilation not in (1, (1,) * rank):
        return None
    y = conv.output_shape
    if not y.known_rank or y.rank != rank + 2 or not all(is_known(d) for d in y.dims[1:-1]):
        return None
    spatial = [n - (k - 1) for n, k in zip(y.dims[1:-1], kernel)]
    if any(n <= 0 for n in spatial):
        return None
    return Shape((y.dims[0], *spatial, y.dims[-1]))
