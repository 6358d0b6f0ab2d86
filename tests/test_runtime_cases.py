"""Every case in fixtures/cases/ is a real fault and its `_fixed` twin is not, by the real
framework (Keras 3 on torch, CPU torch), offline: a buggy fixture's `error: SHP1xx` line raises,
and each `warning: SHP2xx` code holds by a per-code predicate over what the run produced; the
twin runs and no predicate of its buggy case holds there (claims: within 5%). Where a run
completes, every total shapelint prints for the file is the framework's count or null, and
each Keras model's layers are the layers Keras holds (tests/totals_truth.py, as
tests/test_totals.py holds the other fixtures to)."""
from __future__ import annotations

import pathlib

import pytest

from case_runtime import CASES, ROOT, framework, run_case
from markers import read_markers
from totals_truth import assert_layers_keras_holds, assert_printed_totals, counts

pytest.importorskip("torch")
pytest.importorskip("keras")

BUGGY = sorted(p for p in CASES.rglob("*.py") if not p.stem.endswith("_fixed"))
# Parameter counts the SHP209 cases state (in their docstrings), by case name.
CLAIMS = {"alexnet_claim_60m_no_padding": 60_000_000}
CLAIM_TOLERANCE = 0.05
# What the frameworks raise for these faults: Keras 3 checks input ranks and target/output
# shapes with ValueError; torch's BCELoss refuses a target of another size with ValueError, its
# layers and ops refuse shapes with RuntimeError (mat1 and mat2, input_size, torch.cat).
RAISES = {"keras": ValueError, "torch": (ValueError, RuntimeError)}


def twin(path: pathlib.Path) -> pathlib.Path:
    return path.with_name(path.stem + "_fixed.py")


def expected(path) -> list[tuple[int, str]]:
    return sorted((line, code) for line, m in read_markers(path).items() for code in m.codes)


def seen(path) -> list[tuple[int, str]]:
    """`# seen: SHPxxx`: the call where a finding marked on its fix line shows (issue 16)."""
    return sorted((line, code) for line, m in read_markers(path).items() for code in m.seen)


# --- per-code facts, each over one run; `line` is the marked line (its `seen:` line when the
# finding sits where its fix goes), or None on the twin ------------------------------------------

def calls(run, names, line):
    return [c for c in run.losses if c.name in names and (line is None or c.line == line)]


def broadcast_target(run, line):
    """SHP206: input and target shapes differ, and torch said so (its UserWarning); under
    Keras 3, the shapes its MSE / MAE compares differ (it says nothing)."""
    if framework(run.path) == "keras":
        return any(tuple(c.input.shape) != tuple(c.target.shape) for c in run.losses
                   if c.name in ("mean_squared_error", "mean_absolute_error"))
    torch_warned = any("target size" in w and "different to the input size" in w
                       for w in run.warnings)
    differ = [c for c in calls(run, ("mse_loss", "l1_loss", "smooth_l1_loss"), line)
              if tuple(c.input.shape) != tuple(c.target.shape)]
    return bool(differ) and torch_warned


def batch_folded(run, line):
    """SHP203: a loss compares predictions whose batch axis is not the targets' batch axis."""
    return any(c.input.shape[0] != c.target.shape[0] for c in run.losses)


def probabilities_into_cross_entropy(run, line):
    """SHP207: CrossEntropyLoss got rows that are already a softmax (in [0, 1], sum to 1)."""
    import torch
    for c in calls(run, ("cross_entropy",), line):
        rows = c.input.sum(dim=1)
        if (c.input.min() >= 0 and c.input.max() <= 1
                and torch.allclose(rows, torch.ones_like(rows), atol=1e-5)):
            return True
    return False


def unbounded_into_bce(run, line):
    """SHP208: BCELoss got values no sigmoid produced, and some fall outside [0, 1]."""
    return any(c.grad_fn != "SigmoidBackward0" and (c.input.min() < 0 or c.input.max() > 1)
               for c in calls(run, ("binary_cross_entropy",), line))


def keras_models(run):
    import keras
    return [v for v in run.namespace.values() if isinstance(v, keras.Model)]


def softmax_over_one_unit(run, line):
    """SHP204: the model's output is exactly 1.0 for every sample of random input."""
    import numpy as np
    for model in keras_models(run):
        x = np.random.default_rng(0).normal(size=(5,) + tuple(model.input_shape[1:]))
        out = np.asarray(model.predict(x.astype("float32"), verbose=0))
        if out.shape[-1] == 1 and np.all(out == 1.0):
            return True
    return False


def binary_loss_on_softmax(run, line):
    """SHP205: binary_crossentropy on an output of several units whose rows sum to 1."""
    import numpy as np
    for model in keras_models(run):
        if model.loss != "binary_crossentropy" or model.output_shape[-1] < 2:
            continue
        x = np.random.default_rng(0).normal(size=(5,) + tuple(model.input_shape[1:]))
        out = np.asarray(model.predict(x.astype("float32"), verbose=0))
        if np.allclose(out.sum(axis=-1), 1.0, atol=1e-5):
            return True
    return False


def count_params(run):
    import torch
    for value in run.namespace.values():
        if isinstance(value, torch.nn.Module):
            return sum(p.numel() for p in value.parameters())
    [model] = keras_models(run)
    return model.count_params()


def claim_off(run, line):
    """SHP209: the built count differs from the stated one by more than 5%."""
    claim = CLAIMS[run.path.stem.removesuffix("_fixed")]
    return abs(count_params(run) - claim) / claim > CLAIM_TOLERANCE


FACTS = {"SHP203": batch_folded, "SHP204": softmax_over_one_unit,
         "SHP205": binary_loss_on_softmax, "SHP206": broadcast_target,
         "SHP207": probabilities_into_cross_entropy, "SHP208": unbounded_into_bce,
         "SHP209": claim_off}
# What a buggy run may raise although its codes are warnings: BCELoss refuses values outside
# [0, 1] once they occur (on CPU a RuntimeError), which is SHP208's very point.
TOLERATED = {"SHP208": "between 0 and 1"}


def test_every_case_has_a_twin_and_markers():
    assert len(BUGGY) >= 30
    for path in BUGGY:
        assert twin(path).exists(), path
        assert expected(path), f"{path}: no marker"
        assert not expected(twin(path)), f"{twin(path)}: a fixed twin carries a marker"
        assert path.read_text().startswith("# Reproduces: "), path


def assert_same_models(run):
    """On a completed run: the totals shapelint prints are the framework's counts or null, and
    its Keras models hold the layers Keras holds (the run is made in a fresh Keras session)."""
    assert_printed_totals(run.path, counts(run.namespace))
    if framework(run.path) == "keras":
        assert_layers_keras_holds(run.path, run.namespace)


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: str(p.relative_to(ROOT)))
def test_buggy_case_is_a_real_fault(path):
    marks = expected(path)
    errors = [line for line, code in marks if code.startswith("SHP1")]
    # a finding placed where its fix goes raises at the call its `seen:` marker names
    shows = [line for line, code in seen(path)
             if code.startswith("SHP1") and code in {c for _, c in marks}]
    errors = [line for line in errors if line not in {known for known, _ in seen(path)}] + shows
    run = run_case(path)
    if errors:
        assert run.error is not None, f"{path.name}: ran although marked {marks}"
        assert isinstance(run.error, RAISES[framework(path)]), repr(run.error)
        assert run.error_line in errors, (
            f"raised from line {run.error_line}, marked {errors}: "
            f"{type(run.error).__name__}: {run.error}")
        return
    if run.error is not None:
        allowed = [TOLERATED[code] for _, code in marks if code in TOLERATED]
        assert any(text in str(run.error) for text in allowed), (
            f"{type(run.error).__name__}: {run.error}")
    # a warning placed where its fix goes holds at the call its `seen:` marker names
    shown = {code: line for line, code in seen(path)}
    for line, code in marks:
        at = shown.get(code, line)
        assert FACTS[code](run, at), f"{path.name}:{at}: {code} does not hold at runtime"
    if run.error is None:
        assert_same_models(run)


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: str(p.relative_to(ROOT)))
def test_fixed_twin_runs_clean(path):
    run = run_case(twin(path))
    assert run.error is None, f"{type(run.error).__name__}: {run.error}"
    assert_same_models(run)
    assert framework(path) != "torch" or not any("target size" in w for w in run.warnings)
    for _, code in expected(path):
        if code in FACTS:
            assert not FACTS[code](run, None), f"{code} still holds on the fixed twin"
