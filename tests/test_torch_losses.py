"""torch losses: the shapes shapelint gives each loss call, and the pairs it reports (SHP110
raise, SHP111 wrong dtype, SHP206 silent broadcast), against real torch 2.13 over a grid."""
from __future__ import annotations

import itertools
import pathlib
import runpy
import warnings

import pytest

from shapelint.domain.dims import Sym
from shapelint.frameworks.torch import TorchTensor
from shapelint.frameworks.torch_losses import FUNCTIONS, MODULES, outcome
from shapelint.domain.shapes import Shape

INPUTS = [(4, 3), (4, 1), (3,), (4, 3, 5), (4,), (1, 3)]
TARGETS = [(4,), (4, 1), (4, 3), (3,), (), (4, 5), (4, 3, 5), (5,), (1,), (1, 3), (4, 4)]
DTYPES = ["int64", "float32"]
REDUCTIONS = ["mean", "none"]


def _real(torch, type_name, shape_in, shape_t, dtype, reduction):
    """(outcome, output shape or error, warned?) of the real loss on these shapes."""
    make = getattr(torch.nn, type_name)
    x = torch.rand(shape_in)  # in [0, 1]: BCELoss accepts it
    y = torch.zeros(shape_t, dtype=torch.int64) if dtype == "int64" else torch.rand(shape_t)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = make(reduction=reduction)(x, y)
        except (RuntimeError, ValueError, IndexError) as error:
            return "raises", str(error), False
    warned = any("target size" in str(w.message) for w in caught)
    return "runs", tuple(out.shape), warned


@pytest.mark.parametrize("type_name", sorted(MODULES))
def test_loss_shapes_and_findings_match_torch(type_name):
    torch = pytest.importorskip("torch")
    loss = MODULES[type_name]
    checked = 0
    for shape_in, shape_t, dtype, reduction in itertools.product(INPUTS, TARGETS, DTYPES,
                                                                 REDUCTIONS):
        x = TorchTensor(Shape(shape_in), dtype="float32", produced_by=None)
        y = TorchTensor(Shape(shape_t), dtype=dtype)
        findings, result = outcome(loss, x, y, reduction)
        codes = {code.code for code, _, _ in findings}
        real, detail, warned = _real(torch, type_name, shape_in, shape_t, dtype, reduction)
        case = (type_name, shape_in, shape_t, dtype, reduction, real, detail, codes)
        if codes & {"SHP110", "SHP111"}:
            assert real == "raises", case  # never a false alarm
        if real == "raises":
            # every rejection of concrete shapes and dtypes is reported (recall on the grid)
            assert codes & {"SHP110", "SHP111"}, case
            continue
        assert ("SHP206" in codes) == warned, case
        assert result.shape.known_rank, case
        assert tuple(result.shape[:]) == detail, case
        checked += 1
    assert checked >= 8


def test_functional_losses_are_the_modules_rules():
    """F.cross_entropy and nn.CrossEntropyLoss (and so on) are judged by one rule."""
    pairs = {"cross_entropy": "CrossEntropyLoss", "nll_loss": "NLLLoss", "mse_loss": "MSELoss",
             "l1_loss": "L1Loss", "smooth_l1_loss": "SmoothL1Loss", "huber_loss": "HuberLoss",
             "binary_cross_entropy": "BCELoss",
             "binary_cross_entropy_with_logits": "BCEWithLogitsLoss"}
    assert set(pairs) == set(FUNCTIONS)
    for function, module in pairs.items():
        assert FUNCTIONS[function].kind == MODULES[module].kind


@pytest.mark.parametrize("type_name", sorted(MODULES))
def test_symbolic_sizes_are_never_reported(type_name):
    """(N, C) against (M, C) or (N, M): the sizes could agree at runtime, so nothing is said
    (a difference of rank, or between two known sizes, is certain whatever N and M are)."""
    n, m, c = Sym("N"), Sym("M"), Sym("C")
    pairs = [((n, c), (m, c)), ((n,), (m,)), ((n, c), (n, m)), ((n, 1), (m, 1)), ((n, 3), (m, 3))]
    if MODULES[type_name].kind == "nll":  # a rank-2 target of a rank-2 input always fails
        pairs = [((n,), (m,)), ((n, c, 5), (m, c))]
    if MODULES[type_name].kind in ("class", "nll"):
        pairs += [((n, c), (m,)), ((n, 3), (m,)), ((n, c, 5), (m, 5)), ((c,), (m,))]
    for shape_in, shape_t in pairs:
        x = TorchTensor(Shape(shape_in))
        y = TorchTensor(Shape(shape_t))
        findings, _ = outcome(MODULES[type_name], x, y, "mean")
        assert not findings, (shape_in, shape_t)


def test_an_unknown_dtype_is_never_reported():
    loss = MODULES["CrossEntropyLoss"]
    for shape_t in [(4,), (4, 3)]:
        findings, _ = outcome(loss, TorchTensor(Shape((4, 3))), TorchTensor(Shape(shape_t)),
                              "mean")
        assert findings == []


# -- the fixtures, run for real ----------------------------------------------------------------

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "torch"


def _run_main(name):
    """Run a fixture as a script; (its globals, the error it raised, the warnings it gave)."""
    pytest.importorskip("torch")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return runpy.run_path(str(FIXTURES / name), run_name="__main__"), None, caught
        except (RuntimeError, ValueError) as error:
            return None, error, caught


def _broadcast_warnings(caught):
    return [w for w in caught if issubclass(w.category, UserWarning)
            and "target size" in str(w.message)]


def _static_codes(name):
    from shapelint.pipeline.analysis import analyse
    path = FIXTURES / name
    return {d.code.code for d in analyse(path.read_text(), str(path)).diagnostics()}


def test_loss_target_broadcast_warns_and_miscomputes():
    torch = pytest.importorskip("torch")
    assert "SHP206" in _static_codes("loss_target_broadcast.py")
    space, error, caught = _run_main("loss_target_broadcast.py")
    assert error is None and _broadcast_warnings(caught)
    meant = ((space["predicted"].squeeze(1) - space["prices"]) ** 2).mean()
    assert not torch.isclose(space["loss"], meant)  # an average over all 16 x 16 pairs
    pairs = ((space["predicted"] - space["prices"]) ** 2).mean()
    assert torch.isclose(space["loss"], pairs)


def test_loss_target_broadcast_fixed_computes_the_loss_meant():
    torch = pytest.importorskip("torch")
    assert not _static_codes("loss_target_broadcast_fixed.py")
    space, error, caught = _run_main("loss_target_broadcast_fixed.py")
    assert error is None and not _broadcast_warnings(caught)
    meant = ((space["predicted"] - space["prices"]) ** 2).mean()
    assert torch.isclose(space["loss"], meant)


def test_softmax_before_cross_entropy_feeds_probabilities():
    torch = pytest.importorskip("torch")
    assert "SHP207" in _static_codes("softmax_before_cross_entropy.py")
    space, error, _ = _run_main("softmax_before_cross_entropy.py")
    assert error is None
    rows = space["probabilities"].sum(dim=1)
    assert torch.allclose(rows, torch.ones_like(rows))  # the loss's input is a softmax
    # CrossEntropyLoss takes a softmax again: the loss is not the model's cross-entropy
    meant = torch.nn.functional.nll_loss(space["probabilities"].log(), space["labels"])
    assert not torch.isclose(space["loss"], meant)


def test_softmax_before_cross_entropy_fixed_runs_on_logits():
    torch = pytest.importorskip("torch")
    assert not _static_codes("softmax_before_cross_entropy_fixed.py")
    space, error, _ = _run_main("softmax_before_cross_entropy_fixed.py")
    assert error is None
    assert torch.isclose(space["loss"], space["also"])


def test_bce_on_unbounded_output_raises():
    assert "SHP208" in _static_codes("bce_on_unbounded_output.py")
    _, error, _ = _run_main("bce_on_unbounded_output.py")
    assert isinstance(error, RuntimeError) and "between 0 and 1" in str(error)


def test_bce_on_unbounded_output_fixed_runs():
    torch = pytest.importorskip("torch")
    assert not _static_codes("bce_on_unbounded_output_fixed.py")
    space, error, _ = _run_main("bce_on_unbounded_output_fixed.py")
    assert error is None and torch.isclose(space["loss"], space["same"])


def test_cross_entropy_target_with_extra_axis_raises():
    assert "SHP110" in _static_codes("cross_entropy_target_with_extra_axis.py")
    _, error, _ = _run_main("cross_entropy_target_with_extra_axis.py")
    assert isinstance(error, RuntimeError) and "target" in str(error)
    space, error, _ = _run_main("cross_entropy_target_with_extra_axis_fixed.py")
    assert error is None and space["loss"].shape == ()
    assert not _static_codes("cross_entropy_target_with_extra_axis_fixed.py")


def test_softmax_over_one_unit_is_constant():
    torch = pytest.importorskip("torch")
    assert "SHP204" in _static_codes("softmax_over_one_unit.py")
    space, error, _ = _run_main("softmax_over_one_unit.py")
    assert error is None
    for name in ("probabilities", "flat"):
        assert space[name].shape == (4, 1)
        assert torch.equal(space[name], torch.ones(4, 1))
    space, error, _ = _run_main("softmax_over_one_unit_fixed.py")
    assert error is None and not torch.equal(space["probabilities"], torch.ones(4, 1))
    assert not _static_codes("softmax_over_one_unit_fixed.py")


@pytest.mark.parametrize("name", ["loss_calls_that_fit.py", "loss_target_broadcast.py",
                                  "softmax_before_cross_entropy_fixed.py",
                                  "bce_on_unbounded_output_fixed.py"])
def test_static_tensors_of_a_script_are_the_real_ones(name):
    """Every tensor a script leaves in a module-level variable: the shape and dtype shapelint
    gives it (when it gives one) are the ones torch computes."""
    torch = pytest.importorskip("torch")
    from shapelint.pipeline.analysis import analyse
    path = FIXTURES / name
    analysis = analyse(path.read_text(), str(path))
    static = analysis.interp.modules[str(path)].scope.vars
    space, error, _ = _run_main(name)
    assert error is None
    compared = 0
    for var, value in space.items():
        inferred = static.get(var)
        if not isinstance(value, torch.Tensor) or not isinstance(inferred, TorchTensor):
            continue
        if inferred.shape.known_rank:
            assert tuple(inferred.shape[:]) == tuple(value.shape), var
            compared += 1
        if inferred.dtype is not None:
            assert inferred.dtype == str(value.dtype).replace("torch.", ""), var
    assert compared >= 3
