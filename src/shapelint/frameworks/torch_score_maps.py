"""A discriminator's score map flattened whole (issue 16): a last convolution with one output
channel is sized so that, for the input it was written for, its map is 1x1, one score per
sample; `.view(-1)` or `.flatten()` then gives (N,) scores. On a larger input the map is h x w
and the flat tensor holds N * h * w scores, which a loss meets against N targets and rejects
(DCGAN's 4x4 kernel on a 13x13 map of 256-pixel images). The fix is either side, the network
or the image size; the finding stays on the model's side, the convolution that made the map,
naming the loss call. Facts only: every size known, the map's one channel, more than one
position per sample, the flat scores exactly N * h * w and the target's rows N."""
from __future__ import annotations

from ..catalogue.torch_ops import ELEMENTWISE
from ..domain.dims import is_known

_CONVS = frozenset({"Conv1d", "Conv2d", "Conv3d"})
_FLATTENS = frozenset({"view", "reshape", "flatten"})
# layers that act per element or normalise: the map stays the one the convolution made (a
# Linear or another convolution of the same shape would have made a new one)
_KEEPING_LAYERS = frozenset(("ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "SELU",
                             "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Hardtanh",
                             "Hardsigmoid", "Hardswish", "Softplus", "LogSigmoid", "Identity",
                             "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                             "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d",
                             "InstanceNorm2d", "InstanceNorm3d", "GroupNorm", "LayerNorm"))


def after_layer(layer, source, out) -> None:
    """Note the convolution that made out (where it is built, the layer, its input's shape),
    kept by the layers that keep the shape (activations, normalisation, dropout)."""
    # the line is read only when the map is reported: reading it here resolves its position
    if layer.type_name in _CONVS and getattr(layer, "path", None):
        # the constructor, whose kernel was sized for the map: the model's side of the fix
        out.map_made = (layer.path, layer.line, layer.col, layer, source.shape)
    elif layer.type_name in _KEEPING_LAYERS and out.shape.known_rank and \
            out.shape == source.shape:
        out.map_made = source.map_made


def after_op(name: str, source, out) -> None:
    """Note a one-channel map flattened whole, (N, 1, *grid) -> (N * positions,); elementwise
    ops (sigmoid, relu) keep both notes."""
    if name in _FLATTENS:
        out.scores_flat = _flattened(source, out)
    elif name in ELEMENTWISE and out.shape.known_rank and out.shape == source.shape:
        out.map_made, out.scores_flat = source.map_made, source.scores_flat


def _flattened(source, out):
    a, b = source.shape, out.shape
    if source.map_made is None or not (a.known_rank and b.known_rank) or a.rank < 3 or \
            b.rank != 1 or not all(is_known(d) for d in (*a.dims, b[0])) or a[1] != 1:
        return None
    positions = 1
    for d in a.dims[2:]:
        positions *= d
    if positions <= 1 or b[0] != a[0] * positions:
        return None
    return (source.map_made, a)


def _one_score_input(layer, grid_rank: int):
    """The input side for which the convolution gives one position per axis, when one size
    does for every axis (a square kernel with stride 1 and no dilation), else None."""
    a = getattr(layer, "arguments", None) or {}

    def one(key, default):
        v = a.get(key, default)
        if isinstance(v, (tuple, list)) and len(v) == grid_rank and len(set(v)) == 1:
            v = v[0]
        return v if isinstance(v, int) and not isinstance(v, bool) else None
    kernel, stride, padding, dilation = (one("kernel_size", None), one("stride", 1),
                                         one("padding", 0), one("dilation", 1))
    if None in (kernel, stride, padding, dilation) or stride != 1:
        return None
    side = dilation * (kernel - 1) + 1 - 2 * padding
    return side if side >= 1 else None


def place(x, y):
    """(path, line, col, sentence) of the convolution whose map x flattens, when x holds
    N * positions scores for a target of N rows; None otherwise."""
    noted = getattr(x, "scores_flat", None)
    a, b = x.shape, y.shape
    if noted is None or not (a.known_rank and b.known_rank and a.rank == 1 and b.rank >= 1):
        return None
    (path, line, col, layer, fed), grid = noted
    if not is_known(b[0]) or b[0] != grid[0] or not line:
        return None
    sides = "x".join(str(d) for d in grid.dims[2:])
    side = _one_score_input(layer, grid.rank - 2)
    fits = f"It gives one score per sample only from a map of " \
        f"{'x'.join([str(side)] * (grid.rank - 2))}: shrink" if side else "Shrink"
    return (path, line, col, f"The {layer.type_name} on this line makes a {grid} score map "
            f"from {fed}; flattened whole, its {sides} positions per sample give {a[0]} scores "
            f"for {b[0]} targets. {fits} the map before it (a pooling) or feed the image size "
            f"the network was built for.")
