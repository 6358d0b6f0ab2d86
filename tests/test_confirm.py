"""`shapelint confirm` end to end: the fixtures with a model (CONFIRMED: every one marking a
fault, a sample of the others) are imported and built for real in the child process (torch on
the meta device, Keras 3 on torch) and compared with the static answer; the seed model, a
161M-parameter model, noisy and hanging modules, usage errors, the pytest plugin, and the lint
path staying free of torch and of the confirm module."""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import subprocess
import sys
import time

import pytest

from markers import read_markers
from shapelint.confirm.compare import compare, shape
from shapelint.confirm.runner import confirm

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "confirm"
# fixtures/cases/ and fixtures/keras/edges/ load datasets and train at import; their faults
# are at fit/loss calls, outside the model confirm builds. tests/test_runtime_cases.py and
# tests/test_keras_edges.py run them for real, offline.
# fixtures/fix_origins/ too: scripts whose fault is met where they feed the model or score it
# (tests/test_fix_origins.py runs them).
OFFLINE_ELSEWHERE = (ROOT / "fixtures" / "cases", ROOT / "fixtures" / "keras" / "edges",
                     ROOT / "fixtures" / "fix_origins")
# Training scripts build their model under `if __name__ == "__main__":`, which confirm does not
# run; tests/test_torch_losses.py runs them. A package's modules (fixtures/torch/lazy_config) hold
# no model: confirm meets them through the fixture that imports them.
FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*.py")
                  if not any(d in p.parents for d in OFFLINE_ELSEWHERE)
                  and not (p.parent / "__init__.py").exists()
                  and "__main__" not in p.read_text(encoding="utf-8"))
# Each fixture costs a child process that imports torch (and Keras): the suite confirms every
# fixture marking a fault and a deterministic 1 in SHAPELINT_CONFIRM_EVERY of the others (a
# stable hash of the path; 2 unless set, 1 for all). tests/test_totals.py compares every
# fixture's printed totals with the framework's in one process.
CONFIRM_EVERY = int(os.environ.get("SHAPELINT_CONFIRM_EVERY", "2"))
SRC = str(ROOT / "src")
# Fixtures with no declared input size: the size their markers and SHP303 talk about.
INPUTS = {"linear_fits_no_input_size.py": "1,3,32,32", "linear_fits_some_input_sizes.py":
          "1,1,28,28",
          # SHP203 says it runs for one sample only (test_runtime_torch.py proves batch 2 fails)
          "view_folds_the_batch.py": "1,8,4,4"}
# The exception each framework raises for a model SHP1xx says fails.
RAISES = {"torch": "RuntimeError", "keras": "ValueError"}
# ... and einops' own error, for the einops fixtures (it raises before torch sees the tensor).
RAISES_TOO = {"EinopsError"}

pytest.importorskip("torch")
pytest.importorskip("keras")


def faults(path) -> set:
    """The model faults (SHP101-108) a fixture marks; data and loss faults (SHP109-111) are
    met at calls confirm does not make."""
    return {c for m in read_markers(path).values() for c in m.codes
            if c.startswith("SHP10") and c != "SHP109"}


def sampled(path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    digest = int.from_bytes(hashlib.sha1(relative.encode()).digest()[:4], "big")
    return bool(faults(path)) or digest % CONFIRM_EVERY == 0


CONFIRMED = [p for p in FIXTURES if sampled(p)]


@pytest.fixture(scope="module")
def confirmed():
    """One confirm run over every fixture (two children at a time): {path name: [results]}."""
    from shapelint.adapters.cli import parse_shape
    plain = [str(p) for p in CONFIRMED if p.name not in INPUTS]
    results = confirm(plain, jobs=2)
    for path in CONFIRMED:
        if path.name in INPUTS:
            results += confirm([str(path)], override=parse_shape(INPUTS[path.name]))
    out: dict = {}
    for result in results:
        out.setdefault(str(pathlib.Path(result.path).resolve()), []).append(result)
    return out


@pytest.mark.parametrize("path", CONFIRMED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fixture_is_confirmed(path, confirmed):
    results = confirmed.get(str(path.resolve()))
    assert results, f"{path}: confirm found no model"
    for result in results:
        assert result.runtime is not None or result.stage == "import", result.error
        verdicts = {what: verdict for what, _, _, verdict in result.checks}
        assert "differs" not in verdicts.values(), result.checks
        if faults(path):
            assert not result.agree
            assert result.error_type in {RAISES[result.framework]} | RAISES_TOO, result.error
            predicted = {d.code.code for d in result.predicted}
            assert faults(path) <= predicted, (predicted, result.error)
        else:
            assert result.agree, (result.error, result.checks)
            assert result.error is None
            if result.static["exact"]:
                for what in ("total params", "trainable params", "non-trainable params",
                             "output shape"):
                    assert verdicts[what] == "agrees", (what, result.checks)
                assert result.static["total_params"] == result.runtime["total_params"]


def test_flops_are_confirmed_by_flop_counter_on_many_fixtures(confirmed):
    """Not hollow: the FLOPs row (FlopCounterMode at runtime) agrees on many fixtures of both
    frameworks, and never differs (test_every_fixture_is_confirmed)."""
    agreed = {"torch": 0, "keras": 0}
    for results in confirmed.values():
        for result in results:
            for what, static, runtime, verdict in result.checks:
                if what.startswith("FLOPs") and verdict == "agrees":
                    assert static == runtime and static > 0
                    agreed[result.framework] += 1
    assert agreed["torch"] >= 10 and agreed["keras"] >= 10, agreed


def test_confirm_counts_ops_forward_runs_itself():
    """einsum, @, scaled_dot_product_attention, F.linear and addmm in forward(): the static
    total equals FlopCounterMode's on the meta device."""
    [result] = confirm([str(ROOT / "fixtures" / "torch" / "attention_written_out.py")])
    [row] = [c for c in result.checks if c[0].startswith("FLOPs")]
    assert row[0] == "FLOPs per sample" and row[3] == "agrees", result.checks
    assert row[1] == row[2] == 917_504
    assert result.runtime["flops_input_shape"] == [1, 16, 64]


def test_a_clean_static_unknown_is_not_a_disagreement(tmp_path):
    """A Lambda's output is unknown to shapelint, so it gives no total (never a guess); confirm
    shows the runtime one, and the layers both sides know agree."""
    path = tmp_path / "with_lambda.py"
    path.write_text("import keras\nfrom keras import layers\n\n"
                    "model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4),\n"
                    "                          layers.Lambda(lambda t: t * 2), layers.Dense(2)])\n")
    [result] = confirm([str(path)])
    checks = {what: (s, r, v) for what, s, r, v in result.checks}
    assert checks["total params"] == (None, 36 + 10, "static unknown")
    assert checks["dense params"] == (36, 36, "agrees")
    assert result.agree


def test_torch_failures_show_torch_own_message(confirmed):
    [result] = confirmed[str(ROOT / "fixtures" / "torch" / "linear_after_conv_without_flatten.py")]
    assert result.stage == "forward"
    assert result.error.startswith("RuntimeError: mat1 and mat2 shapes cannot be multiplied")
    assert result.runtime["total_params"] == result.static["total_params"] == 216650


def run_cli(*args, timeout=300):
    env = dict(os.environ, PYTHONPATH=SRC)
    return subprocess.run([sys.executable, "-m", "shapelint", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=timeout)


def test_seed_model_agrees_at_25_678_184():
    done = run_cli("confirm", "examples/alexnet.py", "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    [model] = json.loads(done.stdout)["models"]
    assert model["agree"] and model["error"] is None
    assert model["static"]["total_params"] == model["runtime"]["total_params"] == 25_678_184
    assert model["runtime"]["output_shape"] == [None, 13, 13, 1000]


def test_a_161m_parameter_model_agrees_on_meta_under_1_gib():
    started = time.perf_counter()
    done = run_cli("confirm", str(DATA / "wide_resnet.py"), "--format", "json")
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    [model] = json.loads(done.stdout)["models"]
    runtime = model["runtime"]
    assert runtime["total_params"] == model["static"]["total_params"] == 161_385_448
    assert runtime["device"] == "meta" and runtime["output_shape"] == [2, 1000]
    assert runtime["peak_rss_kib"] < 1 << 20, runtime["peak_rss_kib"]  # KiB: under 1 GiB
    print(f"161M model: child peak RSS {runtime['peak_rss_kib'] // 1024} MiB, "
          f"{seconds:.1f} s end to end")


def test_user_prints_do_not_corrupt_json():
    done = run_cli("confirm", str(DATA / "noisy.py"), "--format", "json")
    assert done.returncode == 0, done.stderr
    [model] = json.loads(done.stdout)["models"]  # the whole of stdout is one JSON document
    assert model["agree"] and model["runtime"]["output_shape"] == [2, 4]


def test_timeout_stops_a_hanging_import():
    started = time.perf_counter()
    done = run_cli("confirm", str(DATA / "sleeper.py"), "--timeout", "3", "--format", "json")
    assert time.perf_counter() - started < 30
    assert done.returncode == 1
    [model] = json.loads(done.stdout)["models"]
    assert not model["agree"] and model["error"].startswith("Timeout:")


def test_memory_ceiling_is_reported_not_crashed():
    done = run_cli("confirm", "fixtures/torch/mnist_cnn.py", "--memory-limit", "64M")
    assert done.returncode == 1
    assert "--memory-limit" in done.stdout


@pytest.mark.parametrize("args, message", [
    (["confirm", "missing.py"], "missing.py: no such file or directory"),
    (["confirm", "fixtures/torch/mnist_cnn.py::Nope"], "defines no 'Nope'"),
    (["confirm", "fixtures/torch/mnist_cnn.py::(("], "is not a Python expression"),
    (["confirm", "fixtures/torch/mnist_cnn.py", "--timeout", "soon"], "--timeout"),
    (["confirm", "fixtures/torch/mnist_cnn.py", "--timeout", "0"], "--timeout"),
    (["confirm", "fixtures/torch/mnist_cnn.py", "--memory-limit", "lots"], "--memory-limit"),
    (["confirm", "fixtures/torch/mnist_cnn.py", "--input-shape", "1,x"], "--input-shape"),
    (["confirm", "fixtures/torch/mnist_cnn.py", "--format", "xml"], "--format"),
    (["confirm"], "required"),
])
def test_usage_errors_are_one_line_exit_2(args, message):
    done = run_cli(*args, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr


def test_the_lint_path_never_imports_confirm_or_frameworks():
    probe = ("import sys; from shapelint.adapters.cli import main; "
             "from shapelint.adapters import flake8_plugin; "
             "main(['check', 'fixtures/torch', 'examples']); "
             "bad = [m for m in sys.modules if m.split('.')[0] in ('torch', 'keras', "
             "'tensorflow') or m in ('shapelint.confirm.runner', 'shapelint.confirm.child')]; "
             "print(bad)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=SRC))
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_pytest_plugin_makes_one_item_per_model(tmp_path):
    (tmp_path / "test_nothing.py").write_text("def test_ok():\n    pass\n")
    env = dict(os.environ, PYTHONPATH=SRC, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    done = subprocess.run(
        # -o addopts= : the fixtures put the rootdir in this project, whose addopts ask for xdist
        [sys.executable, "-m", "pytest", "-p", "shapelint.adapters.pytest_plugin", "-q", "-p",
         "no:cacheprovider", "-o", "addopts=", "--shapelint-confirm",
         str(ROOT / "fixtures/torch/mnist_cnn.py"),
         str(ROOT / "fixtures/torch/linear_in_features_wrong.py"), "--", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert "1 failed, 2 passed" in done.stdout, done.stdout + done.stderr
    assert "mat1 and mat2 shapes cannot be multiplied" in done.stdout
    assert "predicted by SHP101" in done.stdout


def test_pytest_plugin_reads_the_ini_option(tmp_path):
    (tmp_path / "pytest.ini").write_text(
        f"[pytest]\nshapelint_confirm =\n    {ROOT / 'fixtures/torch/lstm_classifier.py'}\n")
    env = dict(os.environ, PYTHONPATH=SRC, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "shapelint.adapters.pytest_plugin",
                           "-q", "-p", "no:cacheprovider", "-o", "addopts=", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert "1 passed" in done.stdout, done.stdout + done.stderr


def test_shape_verdicts():
    assert shape(["B", 10], [2, 10], "B", 2) == "agrees"
    assert shape(["B", 10], [2, 11], "B", 2) == "differs"
    assert shape(["B", 10], [2, 10, 1], "B", 2) == "differs"
    assert shape([None, 13, 13, 1000], [None, 13, 13, 1000], None, None) == "agrees"
    assert shape(["N", "H - 2"], [2, 26], "N", 2) == "static unknown"
    assert shape(None, [2, 10], "B", 2) == "static unknown"
    assert shape(["B", 10], None, "B", 2) == "not run"


def test_compare_counts_shared_layers_once_and_skips_shapes_after_a_failure():
    static = {"input_shape": ["B", 4], "output_shape": None, "total_params": 20,
              "trainable_params": 20, "non_trainable_params": 0,
              "layers": [{"name": "fc", "params": 20, "output_shape": ["B", 4]},
                         {"name": "fc", "params": 0, "output_shape": ["B", 4]}]}
    runtime = {"input_shape": [2, 4], "output_shape": None, "total_params": 20,
               "trainable_params": 20, "non_trainable_params": 0,
               "layers": [{"name": "fc", "params": 20, "output_shape": [2, 4]}]}
    checks = {w: v for w, _, _, v in compare(static, runtime, failed=True)}
    assert checks == {"total params": "agrees", "trainable params": "agrees",
                      "non-trainable params": "agrees", "fc params": "agrees"}
