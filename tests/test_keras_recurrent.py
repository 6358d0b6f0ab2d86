"""catalogue/keras/recurrent.py against real Keras 3 (torch backend): RNN over built-in cells and lists of
them (stacked), Bidirectional over RNN(cell), every output of return_state=True and the
parameter count, for grids of arguments. SimpleRNN, LSTM, GRU and Bidirectional over them are
gridded in test_keras_catalogue_more.py."""
from __future__ import annotations

import os
import textwrap

import pytest

from shapelint.pipeline.analysis import analyse

# (cells as written, RNN keyword arguments, input shape without batch)
CELLS = ["layers.LSTMCell(6)", "layers.GRUCell(5)", "layers.GRUCell(5, reset_after=False)",
         "layers.SimpleRNNCell(4)", "layers.LSTMCell(3, use_bias=False)",
         "[layers.LSTMCell(6), layers.GRUCell(3)]",
         "[layers.SimpleRNNCell(4), layers.LSTMCell(2), layers.GRUCell(7, use_bias=False)]",
         "layers.StackedRNNCells([layers.GRUCell(4), layers.SimpleRNNCell(3)])"]
OPTIONS = ["", "return_sequences=True", "return_state=True",
           "return_sequences=True, return_state=True", "go_backwards=True"]
CASES = [(c, o) for c in CELLS for o in OPTIONS]
CASES += [(c, "") for c in ("layers.Bidirectional(layers.RNN(layers.LSTMCell(4)))",)]


def _source(cells, options):
    layer = cells if cells.startswith("layers.Bidirectional") else \
        f"layers.RNN({cells}{', ' + options if options else ''})"
    return textwrap.dedent(f"""
        import keras
        from keras import layers

        x = keras.Input((7, 5))
        y = {layer}(x)
        model = keras.Model(x, y)
        """)


@pytest.mark.parametrize("cells,options", CASES, ids=[f"{c}|{o}" for c, o in CASES])
def test_rnn_over_cells_equals_keras(cells, options, tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    source = _source(cells, options)
    namespace: dict = {}
    exec(compile(source, "rnn_case", "exec"), namespace)  # the same text, run by Keras
    real = namespace["model"]
    path = tmp_path / "rnn_case.py"
    path.write_text(source)
    [graph] = analyse(source, str(path)).graphs()
    assert graph.exact, graph.reasons()
    assert graph.total == real.count_params()
    [node] = [n for n in graph.nodes if not n.is_input]
    static = [s.to_json() for s in (node.__dict__.get("output_shapes") or [node.output_shape])]
    assert static == [list(t.shape) for t in real.outputs]
    assert keras.backend.backend() == "torch"


def test_a_cell_that_is_not_built_in_is_unknown(tmp_path):
    """A user's cell (state_size, call(inputs, states)) is not read: unknown, never guessed."""
    source = textwrap.dedent("""
        import keras
        from keras import layers


        class MyCell(layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.units = units
                self.state_size = units
                self.dense = layers.Dense(units)

            def call(self, inputs, states):
                out = self.dense(inputs) + states[0]
                return out, [out]


        x = keras.Input((7, 5))
        model = keras.Model(x, layers.RNN(MyCell(3))(x))
        """)
    path = tmp_path / "my_cell.py"
    path.write_text(source)
    [graph] = analyse(source, str(path)).graphs()
    assert graph.total is None
