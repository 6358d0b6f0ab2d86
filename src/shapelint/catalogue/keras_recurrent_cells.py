"""Keras 3 recurrent cells and the layers that run them (keras/src/layers/rnn/): SimpleRNNCell,
LSTMCell, GRUCell, StackedRNNCells, RNN, and ConvLSTM1D/2D/3D.

A cell's weights are those of the matching layer (SimpleRNN, LSTM, GRU): gates * units *
(features + units) plus the bias. A cell called by hand returns (output, states), which the
analysis does not unpack, so its own output is unknown; RNN reads its CellRule. Cross-checked
in tests/test_keras_catalogue_cells.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..codes import SHP105
from ..dims import NotKnown
from ..shapes import Shape, product
from . import LayerFault, Rule, choice, flag, int_tuple, known_int, layer
from .keras_layers import _data_format, _windowed


@dataclass(frozen=True)
class Cell:
    output_size: Any
    state_sizes: tuple  # one int per state (LSTM: h and c)
    params: Callable[[Any], Any]  # of the input's feature count


@dataclass(frozen=True)
class CellRule(Rule):
    cell: Cell | None = None


def _called_by_hand(x):
    raise NotKnown("a cell called directly returns (output, states)")


def _cell(type_name, units, use_bias, gates, states, reset_after=False):
    units = known_int(units, "units")
    if isinstance(units, bool) or units <= 0:
        raise LayerFault(SHP105, f"{type_name}: units must be a positive integer, got {units}")
    bias = flag(use_bias, "use_bias") * (2 if reset_after else 1)
    cell = Cell(units, (units,) * states,
                lambda n: gates * units * (n + units) + gates * units * bias)
    return CellRule(output=_called_by_hand, params=lambda x: cell.params(x[-1]), cell=cell)


@layer("keras", "SimpleRNNCell")
def simple_rnn_cell(units, activation="tanh", use_bias=True,
                    kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                    bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                    bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                    bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                    **kwargs):
    return _cell("SimpleRNNCell", units, use_bias, 1, 1)


@layer("keras", "LSTMCell")
def lstm_cell(units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
              kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
              bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
              recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
              recurrent_constraint=None, bias_constraint=None, dropout=0.0,
              recurrent_dropout=0.0, seed=None, **kwargs):
    return _cell("LSTMCell", units, use_bias, 4, 2)


@layer("keras", "GRUCell")
def gru_cell(units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
             kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
             bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
             bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
             bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
             seed=None, **kwargs):
    """reset_after=True keeps two biases (input and recurrent), each 3 * units."""
    return _cell("GRUCell", units, use_bias, 3, 1, flag(reset_after, "reset_after"))


def _cells_of(value, what) -> list[Cell]:
    items = list(value) if isinstance(value, (tuple, list)) else [value]
    cells = []
    for item in items:
        rule = getattr(item, "rule", None)
        if isinstance(rule, CellRule) and rule.cell is not None:
            cells.append(rule.cell)
        else:
            raise NotKnown(f"a cell given to {what} is not one shapelint knows")
    if not cells:
        raise LayerFault(SHP105, f"{what} needs at least one cell")
    return cells


def _stack(cells: list[Cell]) -> Cell:
    """StackedRNNCells.build: each cell's input is the previous one's output size."""
    def params(n):
        total = 0
        for c in cells:
            total = total + c.params(n)
            n = c.output_size
        return total
    return Cell(cells[-1].output_size, tuple(s for c in cells for s in c.state_sizes), params)


@layer("keras", "StackedRNNCells")
def stacked_rnn_cells(cells, **kwargs):
    cell = _stack(_cells_of(cells, "StackedRNNCells"))
    return CellRule(output=_called_by_hand, params=lambda x: cell.params(x[-1]), cell=cell)


@layer("keras", "RNN")
def rnn(cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
        unroll=False, zero_output_for_mask=False, **kwargs):
    """(batch, steps, features) -> (batch, units) or (batch, steps, units); with
    return_state, then one (batch, size) per state (a list of cells nests them: unknown)."""
    cells = _cells_of(cell, "RNN")
    one = _stack(cells) if len(cells) > 1 else cells[0]
    seqs = flag(return_sequences, "return_sequences")
    state = flag(return_state, "return_state")
    flag(go_backwards, "go_backwards")

    def output(x):
        main = Shape((x[0], x[1], one.output_size)) if seqs else Shape((x[0], one.output_size))
        if not state:
            return main
        if len(cells) > 1:
            raise NotKnown("the nested states of stacked cells are not modelled")
        return [main] + [Shape((x[0], s)) for s in one.state_sizes]
    return Rule(output=output, params=lambda x: one.params(x[-1]), ndim=3,
                tags=frozenset({"recurrent"}))


# -- ConvLSTM1D/2D/3D (conv_lstm.py) -----------------------------------------------------------

def _conv_lstm(rank, type_name, filters, kernel_size, strides, padding, data_format,
               dilation_rate, use_bias, return_sequences, return_state, go_backwards):
    filters = known_int(filters, "filters")
    kernel = int_tuple(kernel_size, rank, "kernel_size")
    steps = int_tuple(strides, rank, "strides")
    dil = int_tuple(dilation_rate, rank, "dilation_rate")
    pad = choice(padding, ("valid", "same"), "padding")
    fmt = _data_format(data_format)
    bias = flag(use_bias, "use_bias")
    seqs, state = flag(return_sequences, "return_sequences"), flag(return_state, "return_state")
    flag(go_backwards, "go_backwards")

    def output(x):
        frame = Shape((x[0],) + tuple(x[2:]))
        out = _windowed(type_name, frame, rank, fmt, kernel, steps, pad, dil, filters)
        main = Shape((x[0], x[1]) + tuple(out[1:])) if seqs else out
        return [main, out, out] if state else main

    def params(x):
        c = x[-1] if fmt == "channels_last" else x[2]
        k = product(kernel)
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
