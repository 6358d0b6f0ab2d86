"""Keras 3 pooling: max and average pooling, their global and adaptive forms, in 1, 2 and 3
dims. None has weights; output sizes follow compute_pooling_output_shape in
keras/src/ops/operation_utils.py and keras/src/layers/pooling/ (Keras 3.15). Cross-checked
against real Keras 3 (torch backend) in tests/test_keras_catalogue.py and
test_keras_catalogue_extra.py.
"""
from __future__ import annotations

from ...domain.codes import SHP105
from ...domain.dims import NotKnown
from ...domain.shapes import Shape
from .. import LayerFault, Rule, flag, int_tuple, known_int, layer
from ._common import _channel_axis, _data_format, _spatial_axes, _windowed


# -- pooling --------------------------------------------------------------------------------

def _pool_padding(value, type_name) -> str:
    """Pooling keeps padding as given (no lower-casing, unlike Conv): "SAME" raises."""
    if not isinstance(value, str):
        raise NotKnown("padding is not known")
    if value not in ("valid", "same"):
        raise LayerFault(SHP105, f"{type_name}: padding must be 'valid' or 'same' (lower case), "
                         f"got {value!r}")
    return value


def _pool(rank, type_name, pool_size, strides, padding, data_format) -> Rule:
    sizes = int_tuple(pool_size, rank, "pool_size")
    steps = sizes if strides is None else int_tuple(strides, rank, "strides")
    pad = _pool_padding(padding, type_name)
    fmt = _data_format(data_format)
    return Rule(output=lambda x: _windowed(type_name, x, rank, fmt, sizes, steps, pad,
                                           (1,) * rank),
                ndim=rank + 2, tags=frozenset({"spatial"}))


def _pool_entry(rank, type_name):
    """MaxPooling defaults pool_size to 2s; AveragePooling requires it."""
    if type_name.startswith("Max"):
        def entry(pool_size=2 if rank == 1 else (2,) * rank, strides=None, padding="valid",
                  data_format=None, name=None, **kwargs):
            return _pool(rank, type_name, pool_size, strides, padding, data_format)
    else:
        def entry(pool_size, strides=None, padding="valid", data_format=None, name=None,
                  **kwargs):
            return _pool(rank, type_name, pool_size, strides, padding, data_format)
    entry.__doc__ = f"keras.layers.{type_name}: strides default to pool_size; no weights."
    return entry


for _rank in (1, 2, 3):
    layer("keras", f"MaxPooling{_rank}D", f"MaxPool{_rank}D")(
        _pool_entry(_rank, f"MaxPooling{_rank}D"))
    layer("keras", f"AveragePooling{_rank}D", f"AvgPool{_rank}D")(
        _pool_entry(_rank, f"AveragePooling{_rank}D"))


def _global_pool_entry(rank):
    def entry(data_format=None, keepdims=False, **kwargs):
        fmt = _data_format(data_format)
        keep = flag(keepdims, "keepdims")

        def output(x):
            axes = _spatial_axes(rank, fmt)
            if keep:
                return Shape(tuple(1 if i in axes else d for i, d in enumerate(x[:])))
            return Shape((x[0], x[_channel_axis(fmt)]))
        return Rule(output=output, ndim=rank + 2, tags=frozenset({"flattens"}))
    entry.__doc__ = "Pools every spatial axis away: (batch, channels), or 1s with keepdims."
    return entry


for _rank in (1, 2, 3):
    layer("keras", f"GlobalAveragePooling{_rank}D", f"GlobalAvgPool{_rank}D")(
        _global_pool_entry(_rank))
    layer("keras", f"GlobalMaxPooling{_rank}D", f"GlobalMaxPool{_rank}D")(
        _global_pool_entry(_rank))


# -- adaptive pooling (pooling/base_adaptive_pooling.py) ---------------------------------------

def _adaptive_entry(rank, type_name):
    def entry(output_size, data_format=None, **kwargs):
        if isinstance(output_size, (tuple, list)):
            if len(output_size) != rank:
                raise LayerFault(SHP105, f"{type_name}: output_size must have {rank} "
                                 f"element(s), got {tuple(output_size)}")
            sizes = tuple(known_int(s, "output_size") for s in output_size)
        else:
            sizes = (known_int(output_size, "output_size"),) * rank
        # the format at the call (a config's data-format), not the one when this was imported
        fmt = _data_format(None) if data_format is None else data_format
        if fmt not in ("channels_first", "channels_last"):  # compared as given, no lower()
            raise LayerFault(SHP105, f"{type_name}: invalid data_format {data_format!r}")

        def output(x):
            if fmt == "channels_last":
                return Shape((x[0],) + sizes + (x[-1],))
            return Shape((x[0], x[1]) + sizes)
        return Rule(output=output, ndim=rank + 2, tags=frozenset({"spatial"}))
    entry.__doc__ = f"keras.layers.{type_name}: every spatial axis becomes output_size."
    return entry


for _rank in (1, 2, 3):
    for _kind in ("Average", "Max"):
        _name = f"Adaptive{_kind}Pooling{_rank}D"
        layer("keras", _name)(_adaptive_entry(_rank, _name))
