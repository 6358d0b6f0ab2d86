"""The flake8 plugin, run through the real flake8."""
from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = (ROOT / "examples" / "alexnet.py").read_text()


def flake8(tmp_path, text, *args, name="model.py"):
    path = tmp_path / name
    path.write_text(text)
    args = args or ("--select", "SHP")
    return subprocess.run([sys.executable, "-m", "flake8", *args, str(path)],
                          capture_output=True, text=True, cwd=tmp_path)


def test_reports_shp201_on_the_dense_line(tmp_path):
    result = flake8(tmp_path, SEED)
    assert result.returncode == 1, result.stderr
    [line] = result.stdout.splitlines()
    assert ":13:5: SHP201 dense-on-feature-map: Dense(4096)" in line
    assert "177,213,440" in line and result.stderr == ""


def test_noqa_silences_it(tmp_path):
    lines = SEED.splitlines()
    lines[12] += "  # noqa: SHP201"
    result = flake8(tmp_path, "\n".join(lines) + "\n")
    assert result.returncode == 0 and result.stdout == ""


def test_syntax_error_yields_nothing_from_the_plugin(tmp_path):
    result = flake8(tmp_path, "import keras\nmodel = keras.Sequential([\n", "--select", "SHP,E9")
    assert "SHP" not in result.stdout and "Traceback" not in result.stderr
    assert "E999" in result.stdout


def test_file_without_a_model_is_quiet(tmp_path):
    result = flake8(tmp_path, "import torch\n\nx = 1 + 2\n")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_plugin_never_imports_a_framework(tmp_path):
    probe = (
        "import sys\n"
        "from flake8.main.cli import main\n"
        "try:\n"
        "    main(['--select', 'SHP', sys.argv[1]])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('torch', 'keras', 'tensorflow') if m in sys.modules]\n"
        "print('IMPORTED', heavy)\n")
    (tmp_path / "model.py").write_text(SEED)
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "model.py")],
                            capture_output=True, text=True)
    assert "SHP201" in result.stdout
    assert "IMPORTED []" in result.stdout


def test_plugin_does_not_parse_files_without_a_framework(tmp_path):
    probe = (
        "import sys\n"
        "from flake8.main.cli import main\n"
        "try:\n"
        "    main(['--select', 'SHP', sys.argv[1]])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LIBCST', 'libcst' in sys.modules)\n")
    (tmp_path / "plain.py").write_text("def f(x):\n    return x + 1\n")
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "plain.py")],
                            capture_output=True, text=True)
    assert "LIBCST False" in result.stdout


def test_internal_error_is_one_quiet_note(tmp_path, monkeypatch):
    from shapelint.pipeline import analysis
    from shapelint.adapters.flake8_plugin import ShapelintPlugin

    def boom(*args, **kwargs):
        raise RuntimeError("bug")
    monkeypatch.setattr(analysis, "analyse", boom)
    results = list(ShapelintPlugin(None, "m.py", SEED.splitlines(True)).run())
    assert len(results) == 1 and results[0][2].startswith("SHP901 internal-error")


def test_blind_spots_are_off_by_default(tmp_path):
    text = "import keras\nmodel = keras.Sequential([keras.layers.Wibble(3)])\n"
    assert flake8(tmp_path, text, "--max-line-length", "100").stdout == ""
    assert ":2:27: SHP301 unresolved-layer: Wibble" in flake8(
        tmp_path, text, "--select", "SHP3").stdout
