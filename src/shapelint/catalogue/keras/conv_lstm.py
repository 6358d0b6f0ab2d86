"""Keras 3 convolutional recurrent layers (keras/src/layers/rnn/conv_lstm*.py): ConvLSTM1D/2D/3D.
The cells, RNN and StackedRNNCells live in recurrent.py. Cross-checked in
tests/test_keras_catalogue_extra.py.
"""
from __future__ import annotations

from ...domain.shapes import Shape, product
from .. import Rule, flag, known_int, layer
from ._common import Window


# -- ConvLSTM1D/2D/3D (conv_lstm.py) -----------------------------------------------------------

def _conv_lstm(rank, type_name, filters, kernel_size, strides, padding, data_format,
               dilation_rate, use_bias, return_sequences, return_state, go_backwards):
    filters = known_int(filters, "filters")
    window = Window.read(rank, kernel_size, strides, padding, data_format, dilation_rate)
    bias = flag(use_bias, "use_bias")
    seqs, state = flag(return_sequences, "return_sequences"), flag(return_state, "return_state")
    flag(go_backwards, "go_backwards")

    def output(x):
        frame = Shape((x[0],) + tuple(x[2:]))
        out = window.output(type_name, frame, filters)
        main = Shape((x[0], x[1]) + tuple(out[1:])) if seqs else out
        return [main, out, out] if state else main

    def params(x):
        c = x[-1] if window.data_format == "channels_last" else x[2]
        k = product(window.kernel)
        return 4 * filters * (k * c + k * filters + bias)
    return Rule(output=output, params=params, ndim=rank + 3, tags=frozenset({"recurrent"}))


def _conv_lstm_entry(rank):
    type_name = f"ConvLSTM{rank}D"

    def entry(filters, kernel_size, strides=1, padding="valid", data_format=None,
              dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
              kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
              bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
              recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
              kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
              dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
              return_state=False, go_backwards=False, stateful=False, **kwargs):
        return _conv_lstm(rank, type_name, filters, kernel_size, strides, padding, data_format,
                          dilation_rate, use_bias, return_sequences, return_state, go_backwards)
    entry.__doc__ = (f"keras.layers.{type_name}: four gates; kernel over the input, recurrent "
                     "kernel (padding same) over the state.")
    return entry


for _rank in (1, 2, 3):
    layer("keras", f"ConvLSTM{_rank}D")(_conv_lstm_entry(_rank))
