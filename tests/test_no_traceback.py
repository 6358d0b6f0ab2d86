"""No traceback reaches the user: `summary` on every model the fixtures hold (with no ENTRY, with
each model's ENTRY, and with --input-shape of several ranks) and on a sample of the library
corpora (timm, transformers, keras-hub) ends in a table or in one line per failure, never in an
exception; an error of shapelint's own is one line naming the file (and entry), exit 2.

The sample is deterministic (every Nth model file of each library, sorted by path);
SHAPELINT_LIBRARIES_FULL=1 runs summary on every model file of the three instead.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

from shapelint.adapters.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*.py"))
# Ranks the input may be given with: every model is also summarised under ranks its code does
# not expect, which must end in a fault or an unknown, never in an exception.
TORCH_SHAPES = ("2,3", "2,3,16", "2,3,32,32")
KERAS_SHAPES = ("None,8", "None,28,28,1")
SAMPLE = 4  # model files per library in an ordinary run
# The model files of each library: where its models live, and which of their files hold them.
LIBRARY_MODELS = {"timm": ("models", "*.py"), "transformers": ("models", "modeling_*.py"),
                  "keras_hub": ("src/models", "*_backbone.py")}


def summary(capsys, *argv) -> tuple[int, str, str]:
    code = main(["summary", *argv])  # an exception leaving main fails the test with it
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "internal error" not in err, err
    assert code in (0, 2), (code, err)
    assert code == 0 or err.count("\n") >= 1 and all(
        line.startswith("shapelint: ") for line in err.splitlines()), err
    return code, out, err


@pytest.mark.parametrize("path", FIXTURES, ids=[str(p.relative_to(ROOT)) for p in FIXTURES])
def test_summary_of_every_fixture_model(path, capsys):
    code, out, _ = summary(capsys, str(path), "--format", "json")
    models = json.loads(out)["models"] if code == 0 else []
    for model in models:
        shapes = TORCH_SHAPES if model["framework"] == "torch" else KERAS_SHAPES
        for shape in (None,) + shapes:
            given = ("--input-shape", shape) if shape else ()
            summary(capsys, f"{path}::{model['entry']}", *given)


def _sample(sources: dict) -> list:
    full = os.environ.get("SHAPELINT_LIBRARIES_FULL") == "1"
    picked = []
    for name, (folder, pattern) in LIBRARY_MODELS.items():
        files = sorted(p for p in (sources[name] / folder).rglob(pattern)
                       if not p.name.endswith("_test.py"))
        step = 1 if full else max(1, len(files) // SAMPLE)
        picked += files[::step][:None if full else SAMPLE]
    return picked


def test_summary_of_library_models(library_sources, capsys):
    files = _sample(library_sources)
    assert len(files) >= 3 * SAMPLE or os.environ.get("SHAPELINT_LIBRARIES_FULL") == "1"
    for path in files:
        summary(capsys, str(path))


SCALAR_MATMUL = """import torch
import torch.nn as nn


class ScalarProjection(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Parameter(torch.empty(4, 2))

    def forward(self, x):
        s = x.sum()
        return s @ self.proj


model = ScalarProjection()
out = model(torch.randn(3, 4))
"""


def test_a_rank0_matmul_is_a_finding_in_every_command(tmp_path, capsys):
    """Issue 22's reproduction: torch raises "both arguments to matmul need to be at least 1D,
    but they are 0D and 2D" (tests/test_runtime.py-style proof below); every command says so
    or summarises, none crashes."""
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match="0D and 2D"):
        torch.empty(3, 4).sum() @ torch.empty(4, 2)
    path = tmp_path / "scalar.py"
    path.write_text(SCALAR_MATMUL)
    assert main(["check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == (f"{path}:12:16: SHP103 input-rank-mismatch: both arguments to matmul need "
                   "to be at least 1D, but they are 0D and 2D\n") and err == ""
    summary(capsys, str(path))
    for shape in (None,) + TORCH_SHAPES:
        summary(capsys, f"{path}::ScalarProjection()", *(("--input-shape", shape) if shape
                                                         else ()))


class Boom(Exception):
    pass


def _explode(*_args, **_kwargs):
    raise Boom("a deliberate failure inside shapelint")


@pytest.mark.parametrize("where", ["analysis", "graph", "render"])
def test_an_internal_error_is_one_line_naming_the_target(where, tmp_path, capsys, monkeypatch):
    from shapelint.pipeline.analysis import FileAnalysis
    from shapelint.frameworks import torch_model
    from shapelint.adapters.reporters import table
    path = tmp_path / "scalar.py"
    path.write_text(SCALAR_MATMUL)
    target = {"analysis": (FileAnalysis, "__init__"), "render": (table, "render"),
              "graph": (torch_model.TorchModel, "graph")}[where]
    monkeypatch.setattr(*target, _explode)
    for argv in ([str(path)], [f"{path}::model"]):
        code = main(["summary", *argv])
        out, err = capsys.readouterr()
        assert code == 2 and "Traceback" not in err
        [line] = err.splitlines()
        assert line.startswith(f"shapelint: error: {path}")
        assert line.endswith("shapelint hit an internal error (Boom: a deliberate failure "
                             "inside shapelint)")
        if where != "analysis":
            assert f"{path}::model" in line


def test_check_fix_and_confirm_turn_an_internal_error_into_one_line(tmp_path, capsys,
                                                                    monkeypatch):
    import shapelint.pipeline.analysis
    import shapelint.pipeline.fix
    path = tmp_path / "scalar.py"
    path.write_text(SCALAR_MATMUL)
    monkeypatch.setattr(shapelint.pipeline.analysis, "analyse", _explode)
    assert main(["check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"{path}:1:1: SHP901 internal-error: shapelint hit an internal error "
                          "(Boom: a deliberate failure inside shapelint)") and err == ""
    assert main(["confirm", f"{path}::model"]) == 2
    out, err = capsys.readouterr()
    assert err == (f"shapelint: error: {path}::model: shapelint hit an internal error "
                   "(Boom: a deliberate failure inside shapelint)\n")
    monkeypatch.setattr(shapelint.pipeline.fix, "fix_source", _explode)
    assert main(["fix", str(path)]) == 2
    out, err = capsys.readouterr()
    assert err == (f"shapelint: error: {path}: shapelint hit an internal error (Boom: a "
                   "deliberate failure inside shapelint); the file was left unchanged\n")
    assert path.read_text() == SCALAR_MATMUL


def test_flake8_plugin_turns_an_internal_error_into_shp901(tmp_path, monkeypatch):
    import ast

    import shapelint.adapters.config
    from shapelint.adapters.flake8_plugin import ShapelintPlugin
    monkeypatch.setattr(shapelint.adapters.config, "diagnostics", _explode)
    plugin = ShapelintPlugin(ast.parse(SCALAR_MATMUL), str(tmp_path / "m.py"),
                             SCALAR_MATMUL.splitlines(keepends=True))
    [(line, col, message, _)] = list(plugin.run())
    assert (line, col) == (1, 0) and message.startswith("SHP901 internal-error")


def test_the_command_itself_prints_no_traceback(tmp_path):
    """The installed entry point, end to end: a file torch rejects, with an entry and ranks
    its code does not expect."""
    path = tmp_path / "scalar.py"
    path.write_text(SCALAR_MATMUL)
    for argv in (["check", str(path)], ["summary", str(path)],
                 ["summary", f"{path}::ScalarProjection()", "--input-shape", "2,3,4,5"],
                 ["explain", "SHP103"], ["fix", "--diff", str(path)]):
        done = subprocess.run([sys.executable, "-m", "shapelint", *argv], capture_output=True,
                              text=True, timeout=120)
        assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr


SLICED = """import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(8, 8) for _ in range(4)])
        self.depth = config.depth

    def forward(self, x):
        for layer in self.layers[: self.depth]:
            x = layer(x)
        return x
"""


def test_a_module_list_sliced_by_an_unknown_bound_is_unknown(tmp_path, capsys):
    """transformers' Gemma4VisionEncoder (`self.layers[: config.num_hidden_layers]`, config not
    given) was an SHP901; torch builds 4 * (8 * 8 + 8) parameters whatever the depth."""
    from types import SimpleNamespace
    pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(SLICED, "sliced.py", "exec"), namespace)  # noqa: S102 - our own model
    truth = sum(p.numel() for p in namespace["Encoder"](SimpleNamespace(depth=2)).parameters())
    path = tmp_path / "sliced.py"
    path.write_text(SLICED)
    code, out, _ = summary(capsys, f"{path}::Encoder", "--format", "json")
    [model] = json.loads(out)["models"]
    assert code == 0 and model["total_params"] == truth == 288
    assert main(["check", str(path)]) == 0


def test_a_long_symbolic_cost_does_not_overflow_the_stack(tmp_path, capsys):
    # timm's repvit_m1 summed a few hundred activation terms over unknown H, W into an
    # expression n deep, whose str() overflowed the stack when summary ran under a deep caller
    # (an internal error); the sum is balanced now. torch builds 600 * (3 * 3 + 3) parameters.
    path = tmp_path / "deep.py"
    path.write_text("import torch.nn as nn\n\n"
                    "model = nn.Sequential(*[nn.Conv2d(3, 3, 1) for _ in range(600)])\n")

    def under(depth):
        if depth:
            return under(depth - 1)
        return summary(capsys, str(path), "--format", "json")
    code, out, _ = under(700)
    assert code == 0 and json.loads(out)["models"][0]["total_params"] == 600 * 12
