"""Keras 3 recurrent layers: SimpleRNN, LSTM, GRU, their cells, RNN(cell) (a list of cells
stacks them, as StackedRNNCells does) and Bidirectional.

Each rule also says which initial states a call may pass (Rule.states), so a state whose
width contradicts the layer's units is found where it is passed. Formulas follow keras/src/
layers/rnn/; every entry is cross-checked against real Keras in tests/test_keras_recurrent.py.
"""
from __future__ import annotations

from ...domain.dims import NotKnown
from ...domain.shapes import Shape
from .. import Rule, choice, flag, known_int, layer
from ._common import _inner_rule

# gates of each cell kind: kernel, recurrent kernel and bias each hold `gates * units` columns
_GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}
_STATES = {"SimpleRNN": 1, "LSTM": 2, "GRU": 1}


def _cell_rule(kind, units, bias, reset_after) -> Rule:
    """A cell maps one step (batch, features) to [output, *new states]."""
    gates, states = _GATES[kind], _STATES[kind]

    def output(frame):
        return [Shape((frame[0], units))] * (1 + states)

    def params(frame):
        return gates * units * (frame[-1] + units) + gates * units * bias * (
            2 if reset_after else 1)
    return Rule(output=output, params=params, ndim=2, tags=frozenset({"cell"}))


def _cell_args(kind, units, args, use_bias, reset_after):
    if args:  # activation, recurrent_activation, use_bias... by position: keyword them
        raise NotKnown(f"positional arguments after units in {kind}")
    units = known_int(units, "units")
    after = kind == "GRU" and flag(reset_after, "reset_after")
    return units, flag(use_bias, "use_bias"), after


def _sequence_rule(cell: Rule, seqs: bool, state: bool) -> Rule:
    """A layer running a cell over the steps of (batch, steps, features)."""
    def step(x):
        return Shape((x[0], x[2]))

    def output(x):
        out, *states = cell.output(step(x))
        main = Shape((x[0], x[1], out[-1])) if seqs else out
        return [main] + states if state else main

    def states(x):
        return (cell.output(step(x))[1:],)
    return Rule(output=output, params=lambda x: cell.params(step(x)),
                frozen=lambda x: cell.frozen(step(x)), ndim=3,
                tags=frozenset({"recurrent"}), states=states)


def _rnn_entry(kind):
    def entry(units, *args, activation="tanh", use_bias=True, return_sequences=False,
              return_state=False, go_backwards=False, reset_after=True, **kwargs):
        units, bias, after = _cell_args(kind, units, args, use_bias, reset_after)
        seqs, state = flag(return_sequences, "return_sequences"), flag(return_state,
                                                                       "return_state")
        flag(go_backwards, "go_backwards")
        return _sequence_rule(_cell_rule(kind, units, bias, after), seqs, state)
    entry.__doc__ = f"keras.layers.{kind}: {_GATES[kind]} gate(s) of kernel, recurrent, bias."
    return entry


def _cell_entry(kind):
    def entry(units, *args, use_bias=True, reset_after=True, **kwargs):
        return _cell_rule(kind, *_cell_args(kind, units, args, use_bias, reset_after))
    entry.__doc__ = f"keras.layers.{kind}Cell: one step of {kind}, for keras.layers.RNN."
    return entry


for _kind in _GATES:
    layer("keras", _kind)(_rnn_entry(_kind))
    layer("keras", f"{_kind}Cell")(_cell_entry(_kind))


def _cell_of(cell) -> Rule:
    """The rule of a built-in cell, or of a list of them stacked (StackedRNNCells)."""
    if isinstance(cell, (list, tuple)):
        return _stacked([_cell_of(c) for c in cell])
    rule = getattr(cell, "rule", None)
    if rule is None or "cell" not in rule.tags:
        raise NotKnown("the cell given to RNN is not a built-in Keras cell")
    return rule


def _stacked(cells: list) -> Rule:
    """Cells applied in turn at every step; the states are all cells' states in order."""
    if not cells:
        raise NotKnown("RNN of an empty list of cells")

    def run(frame):
        states, total = [], 0
        for cell in cells:
            out, *own = cell.output(frame)
            total, states = total + cell.params(frame), states + own
            frame = out
        return frame, states, total

    def output(frame):
        out, states, _ = run(frame)
        return [out] + states
    return Rule(output=output, params=lambda frame: run(frame)[2], ndim=2,
                tags=frozenset({"cell"}))


@layer("keras", "StackedRNNCells")
def stacked_rnn_cells(cells, **kwargs):
    return _cell_of(list(cells) if isinstance(cells, (list, tuple)) else cells)


@layer("keras", "RNN")
def rnn(cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
        unroll=False, zero_output_for_mask=False, **kwargs):
    """The generic recurrent layer: a built-in cell (or a list of them) over the steps."""
    seqs, state = flag(return_sequences, "return_sequences"), flag(return_state, "return_state")
    flag(go_backwards, "go_backwards")
    return _sequence_rule(_cell_of(cell), seqs, state)


@layer("keras", "Bidirectional")
def bidirectional(layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
    """Two copies of the recurrent layer; outputs merged (concat doubles the last axis)."""
    fwd = _inner_rule(layer, "Bidirectional")
    bwd = fwd if backward_layer is None else _inner_rule(backward_layer, "Bidirectional")
    mode = None if merge_mode is None else choice(merge_mode, ("concat", "sum", "mul", "ave"),
                                                  "merge_mode")

    def output(x):
        a, b = fwd.output(x), bwd.output(x)
        outs_a = a if isinstance(a, list) else [a]
        outs_b = b if isinstance(b, list) else [b]
        main_a, main_b = outs_a[0], outs_b[0]
        if mode is None:
            merged = [main_a, main_b]
        elif mode == "concat":
            merged = [main_a.with_last(main_a[-1] + main_b[-1])]
        else:
            merged = [main_a]
        out = merged + outs_a[1:] + outs_b[1:]
        return out if len(out) > 1 else out[0]

    def states(x):  # Bidirectional.call gives each direction one half of initial_state
        if fwd.states is None or bwd.states is None:
            raise NotKnown("the wrapped layer's states are not known")
        return fwd.states(x) + bwd.states(x)
    return Rule(output=output, params=lambda x: fwd.params(x) + bwd.params(x),
                frozen=lambda x: fwd.frozen(x) + bwd.frozen(x), ndim=3,
                tags=frozenset({"recurrent"}), states=states)
