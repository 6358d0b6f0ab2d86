"""The project passes its own lint stage (tox -e lint): the same flake8 command, with shapelint's
SHP checks among pycodestyle's and pyflakes', over the code the README says stays clean. A
style slip or a shapelint finding on our own models fails here, not first in a user's copy of
the stage."""
import pathlib
import subprocess
import sys

PROJECT = pathlib.Path(__file__).resolve().parent.parent


def _lint_command() -> list:
    """The flake8 command of tox.ini's [testenv:lint], read from the file itself."""
    lines = (PROJECT / "tox.ini").read_text().splitlines()
    section = lines.index("[testenv:lint]")
    command = next(line for line in lines[section:] if line.startswith("commands ="))
    return command.split("=", 1)[1].split()


def test_the_lint_stage_reads_flake8_over_the_package():
    command = _lint_command()
    assert command[0] == "flake8" and "src" in command and "tests" in command


def test_the_project_passes_its_own_lint_stage():
    command = [sys.executable, "-m", *_lint_command()]
    result = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
