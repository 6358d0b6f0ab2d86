"""Notebooks: check / summary / fix / confirm on .ipynb, positions in cells, IPython lines
skipped line for line, and `nbqa flake8` through the real nbQA."""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from conftest import keras_as_tensorflow
from shapelint.adapters import notebook
from shapelint.adapters.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "alexnet.ipynb"
SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
SHP201 = ("SHP201 dense-on-feature-map: Dense(4096) is applied to a rank-4 tensor "
          "(None, 13, 13, 256)")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def lines(text: str) -> list:
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def write(path, cells, metadata=None) -> pathlib.Path:
    """A notebook as Jupyter writes it (indent 1, source as a list of lines)."""
    document = {"cells": [{"cell_type": kind, "metadata": {}, "source": lines(text),
                           **({"execution_count": None, "outputs": []} if kind == "code"
                              else {})} for kind, text in cells],
                "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(document, indent=1) + "\n")
    return path


TORCH_CELLS = [
    ("markdown", "# A digit classifier"),
    ("code", "import torch\nimport torch.nn as nn"),
    ("code", "class Net(nn.Module):\n"
             "    def __init__(self):\n"
             "        super().__init__()\n"
             "        self.conv = nn.Conv2d(1, 32, 3)\n"
             "        self.fc = nn.Linear(32 * 26 * 26, 10)\n"
             "\n"
             "    def forward(self, x):\n"
             "        x = self.conv(x)\n"
             "        return self.fc(x)"),
    ("code", "%time\n!nvidia-smi\nnet = Net()\nout = net(torch.randn(8, 1, 28, 28))"),
]


def test_magics_become_pass_line_for_line_and_python_stays():
    cell = ["%matplotlib inline", "!pip install -q torch", "files = !ls", "x = (1", "% 2)",
            "np.load?", "s = '''", "%d items", "!", "'''", "for i in range(2):",
            "    %time f(i)", "%pip install a \\", "    b", "y = 3"]
    assert notebook.python_lines(cell) == [
        "pass", "pass", "pass", "x = (1", "% 2)", "pass", "s = '''", "%d items", "!", "'''",
        "for i in range(2):", "    pass", "pass", "", "y = 3"]
    assert notebook.python_lines(["%%time", "x = 1"]) == ["", "x = 1"]
    assert notebook.python_lines(["", "%%bash", "echo torch", "ls"]) == ["", "", "", ""]


def test_cells_are_counted_over_all_cells_and_lines_within_each(tmp_path):
    path = write(tmp_path / "nb.ipynb", TORCH_CELLS)
    book = notebook.load(path.read_text(), str(path))
    assert [c.number for c in book.cells] == [2, 3, 4]
    assert book.where(1) == (2, 1) and book.where(2) == (2, 2)
    assert book.where(3) == (3, 1)  # the boundary line reads as the next cell
    assert book.where(4) == (3, 1) and book.where(12) == (3, 9) and book.where(14) == (4, 1)
    compile(book.source, str(path), "exec")  # the module is plain Python


def test_check_text_names_the_cell(tmp_path, capsys):
    path = write(tmp_path / "nb.ipynb", TORCH_CELLS)
    code, out, err = run(capsys, "check", path)
    assert code == 1 and err == ""
    assert out.startswith(f"{path}:cell 3:9:16: SHP101 last-dim-mismatch: Linear(21632, 10) "
                          "receives (8, 32, 26, 26)"), out
    code, out, _ = run(capsys, "check", SEED)
    assert out.startswith(f"{SEED}:cell 3:11:5: {SHP201}") and out.count("\n") == 1


def test_json_sarif_and_github_positions(capsys):
    code, out, _ = run(capsys, "check", "--format", "json", SEED)
    [d] = json.loads(out)["diagnostics"]
    assert (d["path"], d["cell"], d["line"], d["col"], d["code"]) == (str(SEED), 3, 11, 4,
                                                                      "SHP201")
    assert d["data"]["params_as_written"] == 1_052_672
    code, out, _ = run(capsys, "check", "--format", "sarif", SEED, ROOT / "examples/alexnet.py")
    log = json.loads(out)
    notebook_result, script_result = log["runs"][0]["results"]
    location = notebook_result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("examples/alexnet.ipynb")
    assert location["region"] == {"startLine": 11, "startColumn": 5, "properties": {"cell": 3}}
    assert "properties" not in script_result["locations"][0]["physicalLocation"]["region"]
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(log)
    code, out, _ = run(capsys, "check", "--format", "github", SEED)
    assert out.startswith(f"::warning file={SEED},title=SHP201 dense-on-feature-map::"
                          "cell 3:11:5: SHP201 Dense(4096) is applied")


def test_directories_include_notebooks_and_other_kernels_are_skipped(tmp_path, capsys):
    shutil.copy(SEED, tmp_path / "a.ipynb")
    write(tmp_path / "r.ipynb", [("code", "library(keras)\nlayer_dense(torch)")],
          {"kernelspec": {"language": "R", "name": "ir"}})
    code, out, _ = run(capsys, "check", tmp_path)
    assert code == 1 and out.count("\n") == 1 and "a.ipynb:cell 3:11:5: SHP201" in out


@pytest.mark.parametrize("text, message", [
    ("{not json", "not a Jupyter notebook (invalid JSON"),
    ('{"nbformat": 3, "worksheets": []}', "not a Jupyter notebook in nbformat 4"),
])
def test_unreadable_notebooks_are_a_usage_error(tmp_path, capsys, text, message):
    path = tmp_path / "old.ipynb"
    path.write_text(text)
    code, out, err = run(capsys, "check", path)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_summary_counts_and_cell_positions(capsys):
    code, out, _ = run(capsys, "summary", SEED, "--format", "json")
    [model] = json.loads(out)["models"]
    assert (model["cell"], model["line"], model["total_params"]) == (3, 2, 25_678_184)
    dense = [layer for layer in model["layers"] if layer["type"] == "Dense"]
    assert [(d["cell"], d["line"], d["params"]) for d in dense] == [
        (3, 11, 1_052_672), (3, 12, 16_781_312), (3, 13, 4_097_000)]
    code, out, _ = run(capsys, "summary", SEED)
    assert out.startswith(f'Model: "sequential" (model, {SEED}:cell 3:2)')
    with keras_as_tensorflow():  # the counts are what Keras builds from the same cells
        namespace = {}
        exec(compile(notebook.load(SEED.read_text()).source, "nb", "exec"), namespace)
        built = namespace["model"]
        assert built.count_params() == 25_678_184
        assert [layer.count_params() for layer in built.layers if "dense" in layer.name] == [
            d["params"] for d in dense]


def test_fix_rewrites_only_the_repaired_cell(tmp_path, capsys):
    path = tmp_path / "nb.ipynb"
    shutil.copy(SEED, path)
    code, out, _ = run(capsys, "fix", "--diff", path)
    assert code == 1 and out.startswith(f"--- {path}:cell 3\n+++ {path}:cell 3\n")
    assert [line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in
            ("+++", "---")] == ["+    tf.keras.layers.Flatten(),"]
    assert path.read_text() == SEED.read_text()
    code, out, _ = run(capsys, "fix", path)
    assert code == 0 and out == (f"{path}:cell 3:11:5: SHP201 fixed: insert Flatten() before "
                                 "Dense(4096)\nFixed 1 fault; 0 remaining.\n")
    before, after = SEED.read_text().split("\n"), path.read_text().split("\n")
    added = [i for i, line in enumerate(after) if "Flatten" in line]
    assert len(added) == 1 and after[added[0]] == '    "    tf.keras.layers.Flatten(),\\n",'
    assert after[:added[0]] + after[added[0] + 1:] == before  # outputs, counts, metadata kept
    assert json.loads(path.read_text())["cells"][4] == json.loads(SEED.read_text())["cells"][4]
    assert run(capsys, "check", path)[0] == 0
    with keras_as_tensorflow():
        namespace = {}
        exec(compile(notebook.load(path.read_text()).source, "nb", "exec"), namespace)
        assert namespace["model"].count_params() == 201_838_952


def test_fix_of_a_torch_notebook_keeps_magics_and_runs(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    path = write(tmp_path / "nb.ipynb", TORCH_CELLS)
    raw = path.read_text()
    code, out, _ = run(capsys, "fix", path)
    assert out.startswith(f"{path}:cell 3:9:16: SHP101 fixed: flatten the input"), out
    assert code == 0
    cells = json.loads(path.read_text())["cells"]
    assert "".join(cells[2]["source"]).endswith("return self.fc(torch.flatten(x, 1))")
    assert cells[3]["source"] == json.loads(raw)["cells"][3]["source"]  # magics kept
    namespace = {}
    exec(compile(notebook.load(path.read_text()).source, "nb", "exec"), namespace)
    assert tuple(namespace["out"].shape) == (8, 10)
    assert sum(p.numel() for p in namespace["net"].parameters()) == 216_650
    assert isinstance(namespace["out"], torch.Tensor)


def test_rewrite_keeps_single_string_sources_and_ascii_escapes():
    from shapelint.adapters.notebook_fix import rewrite_sources
    raw = ('{"cells": [{"cell_type": "code", "source": "a = 1\\nb = \\u00e9"},\n'
           ' {"cell_type": "code", "source": []}], "nbformat": 4}')
    out = rewrite_sources(raw, {1: "a = 2\nb = \u00e9", 2: "c = 3\n"})
    assert json.loads(out)["cells"][0]["source"] == "a = 2\nb = \u00e9"
    assert '"a = 2\\nb = \\u00e9"' in out
    assert json.loads(out)["cells"][1]["source"] == ["c = 3\n"]


def test_confirm_runs_the_cells_and_agrees():
    pytest.importorskip("keras")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, "-m", "shapelint", "confirm", str(SEED), "--format",
                           "json"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    [model] = json.loads(done.stdout)["models"]
    assert model["static"]["total_params"] == model["runtime"]["total_params"] == 25_678_184
    assert model["static"]["cell"] == 3


def test_nbqa_flake8_reports_the_codes_on_the_right_cells(tmp_path):
    nbqa = pathlib.Path(sys.executable).parent / "nbqa"
    if not nbqa.exists():
        pytest.skip("needs nbQA (the test extra)")
    shutil.copy(SEED, tmp_path / "alexnet.ipynb")
    write(tmp_path / "digits.ipynb", TORCH_CELLS)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([str(nbqa), "flake8", "alexnet.ipynb", "digits.ipynb", "--select",
                           "SHP"], cwd=tmp_path, capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    # nbQA counts code cells only: in both notebooks the model is in the 2nd code cell, which
    # shapelint (counting every cell, as Jupyter shows them) calls cell 3.
    found = sorted(done.stdout.splitlines())
    assert len(found) == 2, done.stdout
    assert found[0].startswith(f"alexnet.ipynb:cell_2:11:5: {SHP201}")
    assert found[1].startswith("digits.ipynb:cell_2:9:16: SHP101 last-dim-mismatch: "
                               "Linear(21632, 10) receives (8, 32, 26, 26)")
