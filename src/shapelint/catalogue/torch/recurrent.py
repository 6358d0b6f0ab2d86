"""torch.nn recurrent layers: RNN, LSTM, GRU and their cells. Weights follow RNNBase and
RNNCellBase (torch 2.13): gates x hidden x (input + hidden) per layer and direction, plus biases
and LSTM's projections; shapes are the "Shape" sections of the torch.nn docs. Cross-checked
against torch in tests/test_torch_catalogue.py.
"""
from __future__ import annotations

from ...domain.codes import SHP106
from ...domain.dims import NotKnown, is_known
from .. import Rule, flag, known_int, layer
from ._common import _bad, _expect, _nonneg, _rank


_GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def _recurrent(name, input_size, hidden_size, num_layers, bias, batch_first, dropout,
               bidirectional, proj_size=0):
    """RNN/LSTM/GRU: (L, N, H_in) or batch_first (N, L, H_in) or unbatched (L, H_in) ->
    (..., D * H_out); the first element of the returned tuple. Per layer and direction:
    W_ih (G*H, in_l), W_hh (G*H, H_out), two biases (G*H,), and W_hr (P, H) when projecting."""
    size_in, hidden = known_int(input_size, "input_size"), known_int(hidden_size, "hidden_size")
    layers, proj = known_int(num_layers, "num_layers"), known_int(proj_size, "proj_size")
    for what, value in (("bias", bias), ("batch_first", batch_first)):
        if not isinstance(value, bool) and (value is None or is_known(value)):
            raise _bad(f"{name}: {what} should be of type bool, got {value!r}")
    use_bias, directions = flag(bias, "bias"), 1 + flag(bidirectional, "bidirectional")
    flag(batch_first, "batch_first")  # the output keeps the input's layout either way
    if isinstance(dropout, (int, float)) and not isinstance(dropout, bool) and \
            not 0 <= dropout <= 1:
        raise _bad(f"{name}: dropout should be a number in [0, 1], got {dropout}")
    for what, value in (("input_size", size_in), ("hidden_size", hidden),
                        ("num_layers", layers)):
        if value <= 0:
            raise _bad(f"{name}: {what} must be greater than zero, got {value}")
    if proj < 0 or (proj and proj >= hidden):
        raise _bad(f"{name}: proj_size ({proj}) must be 0 or in [1, hidden_size={hidden})")
    gates = _GATES[name] * hidden
    h_out = proj or hidden
    total = 0
    for k in range(layers):
        fan_in = size_in if k == 0 else h_out * directions
        total += directions * (gates * (fan_in + h_out) + 2 * gates * use_bias + proj * hidden)

    def output(x):
        _rank(name, x, 2, 3)
        _expect(SHP106, name, "input_size", size_in, x, -1)
        return x.with_last(directions * h_out)
    return Rule(output=output, params=lambda x: total)


@layer("torch", "RNN")
def rnn(input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
        batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
    """Elman RNN; nonlinearity 'tanh' or 'relu'."""
    if not isinstance(nonlinearity, str):
        raise NotKnown("nonlinearity is not known")
    if nonlinearity not in ("tanh", "relu"):
        raise _bad(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    return _recurrent("RNN", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                      bidirectional)


@layer("torch", "LSTM")
def lstm(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
         bidirectional=False, proj_size=0, device=None, dtype=None):
    """LSTM; with proj_size > 0 the hidden state (and output) has proj_size features."""
    return _recurrent("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                      bidirectional, proj_size)


@layer("torch", "GRU")
def gru(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
        bidirectional=False, device=None, dtype=None):
    """GRU: three gates."""
    return _recurrent("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                      bidirectional)


def _cell(name, input_size, hidden_size, bias):
    """(N, H_in) or (H_in,) -> (N, H) or (H,): W_ih (G*H, H_in), W_hh (G*H, H), 2 biases."""
    size_in, hidden = _nonneg(input_size, "input_size"), _nonneg(hidden_size, "hidden_size")
    gates = _GATES[name.replace("Cell", "")] * hidden

    def output(x):
        _rank(name, x, 1, 2)
        _expect(SHP106, name, "input_size", size_in, x, -1)
        return x.with_last(hidden)
    return Rule(output=output,
                params=lambda x: gates * (size_in + hidden) + 2 * gates * flag(bias, "bias"))


@layer("torch", "RNNCell")
def rnn_cell(input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
    """One Elman step; nonlinearity 'tanh' or 'relu' (checked in forward)."""
    if isinstance(nonlinearity, str) and nonlinearity not in ("tanh", "relu"):
        raise _bad(f"RNNCell: unknown nonlinearity {nonlinearity!r}")
    return _cell("RNNCell", input_size, hidden_size, bias)


@layer("torch", "LSTMCell")
def lstm_cell(input_size, hidden_size, bias=True, device=None, dtype=None):
    """One LSTM step; the output is h (the first of (h, c))."""
    return _cell("LSTMCell", input_size, hidden_size, bias)


@layer("torch", "GRUCell")
def gru_cell(input_size, hidden_size, bias=True, device=None, dtype=None):
    """One GRU step."""
    return _cell("GRUCell", input_size, hidden_size, bias)
