"""The interpreter reads Python as people write it; every total is checked against Keras."""
from __future__ import annotations

import textwrap

import pytest

from conftest import real_keras_models
from shapelint.pipeline.analysis import analyse

SNIPPETS = {
    "add_in_a_loop_over_a_tuple": """
        from tensorflow import keras
        from tensorflow.keras import layers
        model = keras.Sequential()
        model.add(layers.Conv2D(16, 3, input_shape=(64, 64, 3)))
        for filters in (32, 64, 128):
            model.add(layers.Conv2D(filters, 3, padding="same", activation="relu"))
            model.add(layers.MaxPooling2D())
        model.add(layers.Flatten())
        model.add(layers.Dense(10))
        """,
    "constants_arithmetic_and_helpers": """
        import keras
        from keras import layers
        WIDTH = 32
        CLASSES = 10

        def block(n, kernel=3, **options):
            return [layers.Conv2D(n, kernel, **options), layers.BatchNormalization()]

        model = keras.Sequential(
            [keras.Input(shape=(WIDTH, WIDTH, 1))]
            + block(WIDTH // 2, padding="same")
            + block(WIDTH * 2, kernel=(5, 5))
            + [layers.GlobalAveragePooling2D(), layers.Dense(CLASSES * 2 - 1)])
        """,
    "comprehension_dict_config_and_fstrings": """
        from keras import Sequential
        from keras.layers import Dense, Dropout, InputLayer
        CONFIG = {"hidden": [256, 128, 64], "drop": 0.5, "inputs": 784}
        hidden = [Dense(units, activation="relu", name=f"hidden_{i}")
                  for i, units in enumerate(CONFIG["hidden"]) if units > 64]
        model = Sequential([InputLayer(shape=(CONFIG["inputs"],)), *hidden,
                            Dropout(CONFIG["drop"]), Dense(max(CONFIG["hidden"]) // 25)])
        """,
    "while_loop_and_input_dim": """
        import tensorflow as tf
        model = tf.keras.Sequential()
        model.add(tf.keras.layers.Dense(512, input_dim=100))
        units = 512
        while units > 32:
            units //= 2
            model.add(tf.keras.layers.Dense(units, use_bias=units % 64 == 0))
        """,
    "built_in_a_function_called_later": """
        from tensorflow.keras.models import Sequential
        from tensorflow.keras.layers import Conv1D, Embedding, GlobalMaxPooling1D, Dense

        def make(vocab=5000, dim=64, length=None):
            net = Sequential(name="text")
            net.add(Embedding(vocab, dim))
            net.add(Conv1D(128, 5, activation="relu"))
            net.add(GlobalMaxPooling1D())
            net.add(Dense(1, activation="sigmoid"))
            net.build(input_shape=(None, 200))
            return net

        model = make(vocab=20000)
        """,
    "functional": """
        import keras
        from keras import layers
        inputs = keras.Input(shape=(28, 28, 1))
        x = layers.Conv2D(32, 3, activation="relu")(inputs)
        x = layers.MaxPooling2D()(x)
        x = layers.Flatten()(x)
        outputs = layers.Dense(10, activation="softmax")(x)
        model = keras.Model(inputs, outputs)
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_static_total_equals_keras(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]))
    real = real_keras_models(path)["model"]
    [graph] = [g for g in analyse(path.read_text(), str(path)).graphs() if g.entry == "model"]
    assert graph.exact, graph.reasons()
    assert graph.total == real.count_params()
    assert graph.non_trainable == sum(int(w.numpy().size) for w in real.non_trainable_weights)
    static_shapes = [n.output_shape.to_json() for n in graph.rows if not n.is_input]
    real_layers = [layer for layer in real.layers if type(layer).__name__ != "InputLayer"]
    assert static_shapes == [list(layer.output.shape) for layer in real_layers]
    assert [n.name for n in graph.rows if not n.is_input] == [layer.name for layer in real_layers]


def analyse_text(text, tmp_path, name="model.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return analyse(path.read_text(), str(path))


def test_undecided_condition_makes_counts_unknown(tmp_path):
    analysis = analyse_text("""
        import random
        from keras import Sequential, layers
        model = Sequential([layers.Input(shape=(8,))])
        if random.random() > 0.5:
            model.add(layers.Dense(4))
        model.add(layers.Dense(2))
        """, tmp_path)
    [graph] = analysis.graphs()
    assert graph.total is None and not graph.exact
    assert any("undecided condition" in r for r in graph.reasons())


def test_unknown_argument_never_becomes_a_number(tmp_path):
    analysis = analyse_text("""
        import os
        from keras import Sequential, layers
        model = Sequential([layers.Input(shape=(8,)), layers.Dense(int(os.environ["UNITS"])),
                            layers.Dense(3)])
        """, tmp_path)
    [graph] = analysis.graphs()
    first, second = graph.rows
    assert first.output_shape.rank == 2 and not isinstance(first.params, int)
    assert not isinstance(second.params, int) and graph.total is None
    assert second.output_shape.to_json() == [None, 3]


def test_a_list_grown_in_a_loop_of_unknown_length_has_no_count(tmp_path):
    """The loop body runs once under an undecided condition: the list then holds one pass's
    items, which is neither its length (len, a Dense sized by it) nor what np.array makes."""
    analysis = analyse_text("""
        import os
        import numpy as np
        from keras import Sequential, layers
        classes, rows, blank = [], [], np.zeros((28, 28, 2))
        for name in os.listdir("data"):
            classes.append(name)
        for name in os.listdir("data"):
            rows.append(blank + 1)
        x = np.array(rows)
        model = Sequential([layers.Input(shape=(8,)), layers.Dense(len(classes))])
        model.predict(x)
        """, tmp_path)
    [graph] = analysis.graphs()
    assert not isinstance(graph.rows[0].params, int) and graph.total is None
    x = analyse(analysis.source, analysis.path, whole_file=True).module.scope.vars["x"]
    assert not x.shape.known_rank, x.shape


def test_a_list_appended_once_per_batch_has_no_count(tmp_path):
    """A loop over a DataLoader is read as one pass of a batch's form: a list bound before it
    and appended in it holds that pass's tensor, not every batch's; torch.cat of it, and its
    len(), are unknown (was: one batch, (10, 3) for 100 samples)."""
    analysis = analyse_text("""
        import torch
        import torch.nn as nn
        from torch.utils.data import DataLoader, TensorDataset
        loader = DataLoader(TensorDataset(torch.zeros(100, 8), torch.zeros(100)), batch_size=10)
        model = nn.Linear(8, 3)
        outs = []
        for x, y in loader:
            outs.append(model(x))
        preds = torch.cat(outs)
        count = len(outs)
        """, tmp_path)
    names = analyse(analysis.source, analysis.path, whole_file=True).module.scope.vars
    assert not getattr(names["preds"], "shape", None) and not isinstance(names["count"], int)


def test_unknown_input_size_is_symbolic(tmp_path):
    analysis = analyse_text("""
        from keras import Sequential, layers
        model = Sequential([layers.Conv2D(8, 3, strides=2), layers.GlobalMaxPooling2D(),
                            layers.Dense(4)])
        """, tmp_path)
    [graph] = analysis.graphs()
    conv, pool, dense = graph.rows
    assert conv.output_shape.to_json() == [None, "(H - 3) // 2 + 1", "(W - 3) // 2 + 1", 8]
    assert conv.params is not None and not isinstance(conv.params, int)  # depends on C
    assert dense.params == 8 * 4 + 4
    assert graph.total is None and not graph.exact


def test_sibling_module_is_read_by_path_not_imported(tmp_path):
    (tmp_path / "blocks.py").write_text(textwrap.dedent("""
        from keras import layers
        raise_if_imported = open("/nonexistent/should-not-run")
        KERNEL = 5

        def head(classes):
            return [layers.Flatten(), layers.Dense(classes)]
        """))
    analysis = analyse_text("""
        from keras import Sequential, layers
        from blocks import KERNEL, head
        model = Sequential([layers.Conv2D(4, KERNEL, input_shape=(9, 9, 2)), *head(3)])
        """, tmp_path)
    [graph] = analysis.graphs()
    shapes = [n.output_shape.to_json() for n in graph.rows]
    assert shapes == [[None, 5, 5, 4], [None, 100], [None, 3]]
    assert graph.total == (5 * 5 * 2 * 4 + 4) + (100 * 3 + 3)


def test_models_inside_uncalled_functions_are_found(tmp_path):
    analysis = analyse_text("""
        from keras import Sequential, layers

        def build_model(input_shape, classes):
            return Sequential([layers.Conv2D(32, 3, input_shape=input_shape),
                               layers.Dense(classes)])
        """, tmp_path)
    found = [d for d in analysis.diagnostics() if d.code.default]
    assert [(d.code.code, d.line) for d in found] == [("SHP201", 6)]
    assert found[0].data["params_as_written"] is None  # classes is not known


def test_budget_stops_runaway_loops(tmp_path):
    analysis = analyse_text("""
        import keras
        model = keras.Sequential()
        while True:
            model.add(keras.layers.Dense(1))
        """, tmp_path)
    assert [d.code.code for d in analysis.diagnostics()] == ["SHP902"]


def test_a_loop_too_long_to_read_leaves_what_it_builds_unknown(tmp_path):
    """Its first passes are read, the others as passes that may or may not run
    (tests/test_long_loops.py): the file is checked, and the model's layers are not known."""
    analysis = analyse_text("""
        import keras
        model = keras.Sequential([keras.Input(shape=(4,))])
        for i in range(10 ** 9):
            model.add(keras.layers.Dense(1))
        """, tmp_path)
    assert analysis.diagnostics() == []
    [(entry, model)] = analysis.models
    assert model.graph(entry, None).total is None


def test_max_with_a_key_over_nothing_gives_its_default(tmp_path):
    # torch/ao/quantization/quantize_fx.py crashed the analysis here (max([], key=..., default=)).
    analysis = analyse_text("""
        from keras import Sequential, layers
        widths = []
        units = max(widths, key=lambda w: -w, default=5)
        model = Sequential([layers.Input(shape=(3,)), layers.Dense(units)])
        """, tmp_path)
    [graph] = analysis.graphs()
    assert graph.total == 3 * 5 + 5 and not analysis.notes


def test_sorted_with_a_key_gives_the_items_in_order(tmp_path):
    # torch/distributions/__init__.py crashed the analysis on sorted(..., key=...) of one item.
    widths = [3, 9, 5]
    analysis = analyse_text(f"""
        from keras import Sequential, layers
        widths = sorted({widths}, key=lambda w: -w)
        one = sorted([7], key=lambda w: w, reverse=True)
        model = Sequential([layers.Input(shape=(2,))])
        for w in widths + one:
            model.add(layers.Dense(w))
        """, tmp_path)
    [graph] = analysis.graphs()
    expected = sorted(widths, key=lambda w: -w) + [7]  # Python's own answer: [9, 5, 3, 7]
    assert [n.output_shape.to_json()[-1] for n in graph.rows if not n.is_input] == expected


def test_modules_past_the_import_budget_are_unread_and_their_names_unknown(tmp_path):
    from shapelint.interpreter.budget import Limits
    # the budget counts the source of the statements read: WIDTH's own is 12 KB
    (tmp_path / "blocks.py").write_text("from keras import layers\n"
                                        "WIDTH = len([\n" + "    0,\n" * 2000 + "]) - 1994\n")
    path = tmp_path / "model.py"
    path.write_text("from keras import Sequential, layers\nfrom blocks import WIDTH\n"
                    "model = Sequential([layers.Input(shape=(4,)), layers.Dense(WIDTH)])\n")
    read = analyse(path.read_text(), str(path))
    [graph] = read.graphs()
    assert graph.total == 4 * 6 + 6
    starved = analyse(path.read_text(), str(path), Limits(import_bytes=1000))
    [graph] = starved.graphs()
    assert graph.total is None and not graph.exact
    assert any("import_bytes" in reason for reason in graph.reasons())
