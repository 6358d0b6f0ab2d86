"""The pre-commit hook, through the real pre-commit: a temporary git repo whose
.pre-commit-config.yaml points at this checkout (local path + the commit at HEAD)."""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "alexnet.py"
BIN = pathlib.Path(sys.executable).parent


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)


@pytest.fixture(scope="module")
def head():
    if shutil.which("git") is None or not (BIN / "pre-commit").exists():
        pytest.skip("needs git and the pre-commit package (the test extra)")
    try:
        sha = git(ROOT, "rev-parse", "HEAD").stdout.strip()
        git(ROOT, "cat-file", "-e", f"{sha}:.pre-commit-hooks.yaml")
    except subprocess.CalledProcessError:
        pytest.skip("this checkout is not a git repository with the hook committed")
    return sha


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """One pre-commit cache for the module: the hook env is built once (pip from PyPI)."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path, head):
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "test@example.com")
    git(tmp_path, "config", "user.name", "test")
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {head}\n  hooks:\n  - id: shapelint\n")
    return tmp_path


def pre_commit(repo, home, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    return subprocess.run([str(BIN / "pre-commit"), "run", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)


def test_fails_on_the_missing_flatten_and_passes_after_the_fix(repo, home):
    shutil.copy(SEED, repo / "alexnet.py")
    (repo / "notes.md").write_text("not python\n")
    git(repo, "add", ".")
    result = pre_commit(repo, home, "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "shapelint" in result.stdout and "Failed" in result.stdout
    assert "alexnet.py:13:5: SHP201 dense-on-feature-map: Dense(4096)" in result.stdout
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    fixed = subprocess.run([sys.executable, "-m", "shapelint", "fix", "alexnet.py"], cwd=repo,
                           env=env, capture_output=True, text=True)
    # The fix leaves the docstring's stated count stale (SHP209): the author updates it.
    assert fixed.returncode == 1 and "1 remaining" in fixed.stdout, fixed.stdout + fixed.stderr
    git(repo, "add", ".")
    result = pre_commit(repo, home, "--all-files")
    assert result.returncode == 1 and "SHP209" in result.stdout and "SHP201" not in result.stdout
    source = (repo / "alexnet.py").read_text()
    (repo / "alexnet.py").write_text(source.replace("25,678,184", "201,838,952"))
    git(repo, "add", ".")
    result = pre_commit(repo, home, "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout and "SHP" not in result.stdout


def test_runs_on_notebooks_and_names_the_cell(repo, home):
    shutil.copy(ROOT / "examples" / "alexnet.ipynb", repo / "alexnet.ipynb")
    git(repo, "add", ".")
    result = pre_commit(repo, home, "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "alexnet.ipynb:cell 3:11:5: SHP201 dense-on-feature-map: Dense(4096)" in result.stdout
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    fixed = subprocess.run([sys.executable, "-m", "shapelint", "fix", "alexnet.ipynb"], cwd=repo,
                           env=env, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    git(repo, "add", ".")
    result = pre_commit(repo, home, "--all-files")
    assert result.returncode == 0 and "Passed" in result.stdout, result.stdout + result.stderr


def test_quiet_on_zero_files_non_model_files_and_deleted_files(repo, home):
    assert pre_commit(repo, home, "--all-files").returncode == 0  # nothing staged at all
    (repo / "plain.py").write_text("print('no model here')\n")
    (repo / "alexnet.py").write_text((ROOT / "examples" / "alexnet_fixed.py").read_text())
    git(repo, "add", ".")
    result = pre_commit(repo, home, "--all-files")
    assert result.returncode == 0 and "Passed" in result.stdout and "SHP" not in result.stdout
    git(repo, "commit", "-qm", "models", "--no-verify")
    git(repo, "rm", "-q", "alexnet.py")
    result = pre_commit(repo, home)  # the staged change is a deletion only
    assert result.returncode == 0 and "SHP" not in result.stdout
    assert "(no files to check)" in result.stdout
