"""Every Keras fixture's markers hold when Keras 3 builds the model for real (test_fixtures.py
checks the same markers against shapelint's static answer).

A fixture marked with an `error: SHP1xx` code must make Keras raise, and the layer that raises
must be the one built on the marked line; the layers Keras built before it must match their
markers. Any other fixture must build, and the layers of its module-level models (definition
order, InputLayer skipped) must match the `shape:`/`params:` lines in line order, and a model's
`count_params()` must equal the sum of its lines' params. Each layer is tied to the fixture line
that constructed it; a line that runs more than once (a loop body) shows the shape of the last
layer it built and the params of all of them, as test_fixtures.py reads it. On the same run,
every total shapelint prints is Keras's count or null and each model's layers are the layers
Keras holds (tests/totals_truth.py; test_totals.py leaves these fixtures to this file)."""
from __future__ import annotations

import contextlib
import functools
import os
import pathlib
import runpy
import sys

import pytest

from conftest import keras_as_tensorflow
from markers import normalise_shape, read_markers
from totals_truth import assert_layers_keras_holds, assert_printed_totals, counts

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Shared layers, nested models and subclassed models have no one-layer-per-line reading: their
# totals, non-trainable counts and output shapes are proved in tests/test_keras_models.py.
WHOLE_MODEL_ONLY = {"functional_shared_and_nested.py",
                    "functional_and_subclassed_dense_on_feature_map.py",
                    "subclass_holds_student_and_teacher.py",
                    "user_layer_with_state_argument.py",
                    "gan_combined_of_two_sequentials.py"}
# fixtures/keras/edges fit data to models (load_data would download): test_keras_edges.py runs
# them with small stand-in datasets.
KERAS_FIXTURES = sorted(p for p in (ROOT / "fixtures" / "keras").rglob("*.py")
                        if p.name not in WHOLE_MODEL_ONLY and p.parent.name != "edges")
BUILD_ERRORS = (ValueError, TypeError, RuntimeError)
# Fixtures copy real user code, seed model included, which passes input_shape= to a layer.
pytestmark = pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`:UserWarning")


@contextlib.contextmanager
def construction_lines(keras, path):
    """Record, for every Keras layer constructed while the fixture runs, the fixture line that
    constructed it (innermost frame in the fixture file). Yields {id(layer): (line, layer)}."""
    original = keras.layers.Layer.__init__
    filename = os.path.abspath(path)
    made = {}

    @functools.wraps(original)
    def init(self, *args, **kwargs):
        frame = sys._getframe(1)
        while frame is not None and os.path.abspath(frame.f_code.co_filename) != filename:
            frame = frame.f_back
        if frame is not None:  # holding the layer keeps its id unique for the whole run
            made.setdefault(id(self), (frame.f_lineno, self))
        original(self, *args, **kwargs)

    keras.layers.Layer.__init__ = init
    try:
        yield made
    finally:
        keras.layers.Layer.__init__ = original


@contextlib.contextmanager
def full_tracebacks(keras):
    """Keras trims its own frames from tracebacks; the raising layer's frame is among them."""
    was_on = keras.config.is_traceback_filtering_enabled()
    keras.config.disable_traceback_filtering()
    try:
        yield
    finally:
        if was_on:
            keras.config.enable_traceback_filtering()


def shape_text(layer) -> str:
    output = layer.output  # a layer with several outputs (return_state=True): the first
    output = output[0] if isinstance(output, (list, tuple)) else output
    dims = ", ".join("None" if d is None else str(int(d)) for d in output.shape)
    return normalise_shape(f"({dims})")


def is_input_layer(layer) -> bool:
    return type(layer).__name__ == "InputLayer"


def raising_line(error, made) -> int | None:
    """The construction line of the innermost fixture layer on the exception's traceback."""
    found = None
    tb = error.__traceback__
    while tb is not None:
        owner = tb.tb_frame.f_locals.get("self")
        if id(owner) in made and made[id(owner)][1] is owner:
            found = made[id(owner)][0]
        tb = tb.tb_next
    return found


@contextlib.contextmanager
def script_argv(path):
    """The fixture runs as a script without arguments: parse_args() reads the defaults."""
    saved, sys.argv = sys.argv, [str(path)]
    try:
        yield
    finally:
        sys.argv = saved


@pytest.mark.parametrize("path", KERAS_FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_markers_hold_at_runtime(path):
    keras = pytest.importorskip("keras")
    markers = read_markers(path)
    described = {line: m for line, m in markers.items()
                 if m.shape is not None or m.params is not None}
    # an SHP1xx marked on its fix line raises at the call its `seen:` marker names (issue 16)
    errors = sorted(line for line, m in markers.items()
                    if any(code.startswith("SHP1") for code in m.codes | m.seen))
    with keras_as_tensorflow(), full_tracebacks(keras), script_argv(path), \
            construction_lines(keras, path) as made:
        if errors:
            with pytest.raises(BUILD_ERRORS) as raised:
                runpy.run_path(str(path))
            check_partial_build(keras, raised.value, made, described, errors)
        else:
            namespace = runpy.run_path(str(path))
            models = [v for v in namespace.values() if isinstance(v, keras.Model)]
            assert models, "the fixture defines no module-level Keras model"
            check_models(models, made, described)
    if not errors:  # on this run, not a second one: the facts tests/test_totals.py holds
        assert_printed_totals(path, counts(namespace))  # the other fixtures to
        assert_layers_keras_holds(path, namespace)


def check_models(models, made, described):
    """Layers of all models, in order, against the marker lines, in line order."""
    rows, seen = [], set()
    for model in models:
        for layer in model.layers:
            if is_input_layer(layer) or id(layer) in seen:
                continue
            seen.add(id(layer))
            assert id(layer) in made, f"layer {layer.name} was not constructed in the fixture"
            rows.append((made[id(layer)][0], layer, model))
    # Every line that builds a layer carries a marker, and no marker is left over (functional
    # and nested models build their layers in an order of their own).
    layer_lines = sorted(set(line for line, _, _ in rows))
    assert layer_lines == sorted(described), (
        "the lines that build layers are not the marker lines: "
        f"layers on {layer_lines}, markers on {sorted(described)}")
    check_lines(described, [(line, layer) for line, layer, _ in rows])
    for model in models:
        lines = {line for line, _, owner in rows if owner is model}
        shared = any(line in lines for line, _, owner in rows if owner is not model)
        if not shared and all(described[line].params is not None for line in lines):
            expected = sum(described[line].params for line in lines)
            assert model.count_params() == expected, (
                f"{model.name}: Keras total {model.count_params()}, markers sum to {expected}")


def check_lines(described, rows):
    """rows: (construction line, layer). A line's shape is its last layer's output; its params
    are the sum over the layers it built (test_fixtures.py reads lines the same way)."""
    for line, marker in sorted(described.items()):
        here = [layer for ln, layer in rows if ln == line]
        if marker.shape is not None:
            got = shape_text(here[-1])
            assert got == marker.shape, (
                f"line {line}: shape: Keras built {got}, marker says {marker.shape}")
        if marker.params is not None:
            got = sum(layer.count_params() for layer in here)
            assert got == marker.params, (
                f"line {line}: params: Keras built {got}, marker says {marker.params}")


def check_partial_build(keras, error, made, described, errors):
    """The raising layer sits on a marked error line; the layers Keras called before it match
    their markers, and nothing after the error is described (nothing is known there)."""
    line = raising_line(error, made)
    assert line in errors, (
        f"Keras raised from the layer on line {line}, but the error markers are on {errors}: "
        f"{type(error).__name__}: {error}")
    later = sorted(ln for ln in described if ln >= line)
    assert not later, f"shape/params markers on or after the raising line: {later}"
    # a layer on an `error:` line that Keras built is the one that set what the raising layer
    # rejects (a Reshape, a Flatten, an RNN's return_sequences: rules/keras_places.py)
    built = [(ln, layer) for ln, layer in made.values()
             if not is_input_layer(layer) and not isinstance(layer, keras.Model)
             and getattr(layer, "_inbound_nodes", None)  # called, so it has an output
             and (ln not in errors or ln in described)]
    built_lines = sorted({ln for ln, _ in built})
    assert built_lines == sorted(described), (
        f"layers built before the error are on {built_lines}, markers on {sorted(described)}")
    check_lines(described, built)
