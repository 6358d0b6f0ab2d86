"""Every tensor a Keras layer call receives is an edge of the functional graph, wherever it sits
(positional or keyword, alone or inside a list, tuple or dict), for built-in layers, wrappers,
RNN with cells and the user's own layers (issue 20). Each snippet is built by real Keras 3
(torch backend): shapelint's total equals count_params() and the layers it counts are the
layers model.layers holds. Initial states that cannot fit a recurrent layer are SHP1xx: Keras
builds such a model, and calling it on data raises."""
from __future__ import annotations

import os
import runpy
import textwrap

import pytest

from shapelint.pipeline.analysis import analyse

HEAD = "import keras\nfrom keras import layers\n"

EDGES = {
    # the reproduction of issue 20: the encoder reaches the decoder only through initial_state=
    "lstm_initial_state_list": """
        enc_in = keras.Input(shape=(None, 20))
        _, h, c = layers.LSTM(64, return_state=True)(enc_in)
        dec_in = keras.Input(shape=(None, 30))
        dec = layers.LSTM(64, return_sequences=True)(dec_in, initial_state=[h, c])
        model = keras.Model([enc_in, dec_in], layers.Dense(30, activation="softmax")(dec))
        """,
    "gru_initial_state_alone": """
        enc_in = keras.Input(shape=(None, 8))
        _, state = layers.GRU(16, return_state=True)(enc_in)
        dec_in = keras.Input(shape=(None, 4))
        dec = layers.GRU(16, return_sequences=True)(dec_in, initial_state=state)
        model = keras.Model([enc_in, dec_in], layers.Dense(3)(dec))
        """,
    "initial_state_by_position_and_as_tuple": """
        a = keras.Input((None, 6))
        _, h = layers.SimpleRNN(5, return_state=True)(a)
        _, h2, c2 = layers.LSTM(7, return_state=True)(a)
        b = keras.Input((None, 3))
        x = layers.SimpleRNN(5, return_sequences=True)(b, h)
        y = layers.LSTM(7)(x, initial_state=(h2, c2))
        model = keras.Model([a, b], y)
        """,
    "state_from_a_dense_projection": """
        ctx = keras.Input((12,))
        h = layers.Dense(9, name="to_h")(ctx)
        c = layers.Dense(9, name="to_c")(ctx)
        seq = keras.Input((4, 2))
        out = layers.LSTM(9)(seq, initial_state=[h, c])
        model = keras.Model([ctx, seq], out)
        """,
    "mask_from_a_layer": """
        a = keras.Input((6, 5))
        m = layers.Dense(1, name="gate")(a)
        out = layers.LSTM(4)(a, mask=m)
        model = keras.Model(a, out)
        """,
    "attention_mask_and_key": """
        q = keras.Input((5, 16))
        v = keras.Input((7, 8))
        k = layers.Dense(6, name="key_proj")(v)
        am = layers.Dense(7, name="mask_proj")(q)
        o = layers.MultiHeadAttention(2, 4)(q, v, key=k, attention_mask=am)
        model = keras.Model([q, v], o)
        """,
    "bidirectional_initial_state": """
        a = keras.Input((None, 10))
        _, h1, c1, h2, c2 = layers.Bidirectional(layers.LSTM(6, return_state=True))(a)
        b = keras.Input((None, 4))
        out = layers.Bidirectional(layers.LSTM(6))(b, initial_state=[h1, c1, h2, c2])
        model = keras.Model([a, b], out)
        """,
    "rnn_with_cells_initial_state": """
        a = keras.Input((None, 10))
        _, h, c = layers.RNN(layers.LSTMCell(8), return_state=True)(a)
        b = keras.Input((None, 3))
        out = layers.RNN(layers.LSTMCell(8), return_sequences=True)(b, initial_state=[h, c])
        cells = [layers.GRUCell(8), layers.SimpleRNNCell(5)]
        _, s1, s2 = layers.RNN(cells, return_state=True)(b)
        top = layers.RNN([layers.GRUCell(8), layers.SimpleRNNCell(5)])(out, initial_state=[s1, s2])
        model = keras.Model([a, b], top)
        """,
    "time_distributed_mask": """
        a = keras.Input((4, 20))
        m = layers.Dense(4, name="step_mask")(layers.Flatten()(a))
        out = layers.TimeDistributed(layers.Dense(3))(a, mask=m)
        model = keras.Model(a, out)
        """,
    "user_layer_state_keyword": """
        class Decoder(layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.rnn = layers.GRU(units, return_sequences=True)
                self.mix = layers.Dense(units)
                self.out = layers.Dense(5)

            def call(self, x, state=None, context=None):
                if state is not None:
                    state = self.mix(state)
                y = self.rnn(x, initial_state=state)
                if context is not None:
                    y = y + context
                return self.out(y)


        enc_in = keras.Input((None, 12))
        _, h = layers.GRU(24, return_state=True)(enc_in)
        dec_in = keras.Input((7, 6))
        ctx = layers.Dense(16)(dec_in)
        model = keras.Model([enc_in, dec_in], Decoder(16)(dec_in, state=h, context=ctx))
        """,
    "user_layer_extras_positional_and_in_a_dict": """
        class Fuse(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.a = layers.Dense(4)
                self.b = layers.Dense(4)

            def call(self, x, extra, parts=None):
                return self.a(x) + self.b(extra) + parts["bias"]


        x = keras.Input((3,))
        e = layers.Dense(6, name="extra")(x)
        bias = layers.Dense(4, name="bias")(x)
        model = keras.Model(x, Fuse()(x, e, parts={"bias": bias}))
        """,
}


def real_keras_models(path) -> dict:
    """The module-level models of a snippet run by Keras 3, named as in a fresh session.
    (conftest's tf.keras stand-in is not used: Bidirectional looks for tf.TensorShape.)"""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    keras.backend.clear_session(free_memory=False)
    namespace = runpy.run_path(str(path))
    return {k: v for k, v in namespace.items() if isinstance(v, keras.Model)}


def _write(tmp_path, name, body):
    path = tmp_path / f"{name}.py"
    path.write_text(HEAD + textwrap.dedent(body))
    return path


def static_layers(graph) -> list:
    """The layers shapelint counts in a model, by name: its summary rows."""
    return sorted({n.name for n in graph.rows})


@pytest.mark.parametrize("name", sorted(EDGES))
def test_every_tensor_of_a_call_is_an_edge(name, tmp_path):
    path = _write(tmp_path, name, EDGES[name])
    [real] = real_keras_models(path).values()
    [graph] = analyse(path.read_text(), str(path)).graphs()
    assert graph.exact, graph.reasons()
    assert graph.total == real.count_params()
    assert static_layers(graph) == sorted(layer.name for layer in real.layers)
    static = [[d if isinstance(d, int) else None for d in o.output_shape.to_json()]
              for o in graph.outputs]  # a symbolic size ("steps") is Keras's None
    assert static == [list(t.shape) for t in real.outputs]
    assert not [d for d in analyse(path.read_text(), str(path)).diagnostics()
                if d.code.code.startswith("SHP1")]


def test_an_argument_shapelint_cannot_follow_leaves_the_total_unknown(tmp_path):
    """A value the analysis does not know may be a tensor from layers it does not see: the
    total is then unknown, never the smaller sum of the layers it did see."""
    path = _write(tmp_path, "opaque", """
        import mystery

        enc_in = keras.Input((None, 20))
        _, h, c = layers.LSTM(64, return_state=True)(enc_in)
        dec_in = keras.Input((None, 30))
        dec = layers.LSTM(64)(dec_in, initial_state=mystery.states(h, c))
        model = keras.Model([enc_in, dec_in], dec)
        """)
    [graph] = analyse(path.read_text(), str(path)).graphs()
    assert graph.total is None
    assert any("initial_state=" in r for r in graph.reasons())


FAULTS = {
    # (snippet, line of the faulty layer call within the file, code)
    "lstm_state_narrower_than_units": ("""
        a = keras.Input((None, 20))
        _, h, c = layers.LSTM(32, return_state=True)(a)
        b = keras.Input((None, 30))
        model = keras.Model([a, b], layers.LSTM(64)(b, initial_state=[h, c]))
        """, 7, "SHP101"),
    "gru_state_wider_than_units": ("""
        a = keras.Input((None, 20))
        _, h = layers.GRU(48, return_state=True)(a)
        b = keras.Input((None, 30))
        model = keras.Model([a, b], layers.GRU(16)(b, initial_state=h))
        """, 7, "SHP101"),
    "lstm_given_one_state": ("""
        a = keras.Input((None, 20))
        _, h, c = layers.LSTM(64, return_state=True)(a)
        b = keras.Input((None, 30))
        model = keras.Model([a, b], layers.LSTM(64)(b, initial_state=h))
        """, 7, "SHP105"),
    "bidirectional_state_of_the_wrong_width": ("""
        a = keras.Input((None, 20))
        _, h1, c1, h2, c2 = layers.Bidirectional(layers.LSTM(8, return_state=True))(a)
        b = keras.Input((None, 30))
        model = keras.Model([a, b], layers.Bidirectional(layers.LSTM(16))(
            b, initial_state=[h1, c1, h2, c2]))
        """, 7, "SHP101"),
    "rnn_cell_state_of_the_wrong_width": ("""
        a = keras.Input((None, 20))
        _, h, c = layers.RNN(layers.LSTMCell(8), return_state=True)(a)
        b = keras.Input((None, 30))
        model = keras.Model([a, b], layers.RNN(layers.LSTMCell(16))(b, initial_state=[h, c]))
        """, 7, "SHP101"),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_initial_states_that_cannot_fit_fail_in_keras(name, tmp_path):
    np = pytest.importorskip("numpy")
    body, line, code = FAULTS[name]
    path = _write(tmp_path, name, body)
    found = [(d.line, d.code.code) for d in analyse(path.read_text(), str(path)).diagnostics()]
    assert found == [(line, code)]
    [real] = real_keras_models(path).values()  # Keras builds it...
    [graph] = analyse(path.read_text(), str(path)).graphs()
    assert graph.total == real.count_params()  # ...with the weights shapelint counts
    for steps in (1, 3, 0):  # ...and every call of it raises, whatever the sequence length
        data = [np.zeros((2, steps, int(t.shape[-1])), "float32") for t in real.inputs]
        with pytest.raises((RuntimeError, IndexError, ValueError)):
            real(data)


def test_states_that_fit_are_not_reported(tmp_path):
    """More states than the cell reads are ignored by Keras; a rank-3 state broadcasts for
    one step: neither fails for every input, so neither is a finding."""
    path = _write(tmp_path, "fits", """
        a = keras.Input((None, 20))
        _, h, c = layers.LSTM(16, return_state=True)(a)
        seq = layers.SimpleRNN(16, return_sequences=True)(a)
        b = keras.Input((None, 30))
        x = layers.LSTM(16)(b, initial_state=[h, c, h])
        y = layers.SimpleRNN(16)(b, initial_state=seq)
        model = keras.Model([a, b], [x, y])
        """)
    analysis = analyse(path.read_text(), str(path))
    assert not [d for d in analysis.diagnostics() if d.code.code.startswith("SHP1")]
    [real] = real_keras_models(path).values()
    [graph] = analysis.graphs()
    assert graph.total == real.count_params()
