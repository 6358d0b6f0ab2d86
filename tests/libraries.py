"""timm 1.0.31, transformers 5.25.0 and keras-hub 0.32.0 as text: the real code that
tests/test_libraries.py measures shapelint on (issue 14). The wheels are downloaded from PyPI
once with `pip download --no-deps` and unzipped, never installed (timm and keras-hub do not
import beside this project's environment; ORACLES.md). SHAPELINT_LIBRARIES=DIR reuses a
directory laid out the same way: DIR/timm/timm, DIR/transformers/transformers,
DIR/keras_hub/keras_hub.

A helper module, not conftest.py, so that it can be merged with the conftest fixture of the
same job without a conflict.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import zipfile

import pytest

PINS = {"timm": "timm==1.0.31", "transformers": "transformers==5.25.0",
        "keras_hub": "keras-hub==0.32.0"}
CACHE = pathlib.Path(__file__).resolve().parent.parent / ".cache" / "libraries"


def unzipped(root: pathlib.Path, name: str) -> pathlib.Path | None:
    """root/name/name (the package directory) once the wheel is unzipped there, or None when
    it cannot be downloaded."""
    package = root / name / name
    if package.is_dir():
        return package
    target = root / name
    target.mkdir(parents=True, exist_ok=True)
    download = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(target),
         PINS[name]], capture_output=True, text=True)
    wheels = sorted(target.glob(f"{name}-*.whl"))
    if download.returncode or not wheels:
        return None
    with zipfile.ZipFile(wheels[0]) as wheel:
        wheel.extractall(target, [n for n in wheel.namelist() if n.endswith(".py")])
    return package if package.is_dir() else None


@pytest.fixture(scope="session")
def library_packages() -> dict[str, pathlib.Path]:
    """{"timm": .../timm/timm, "transformers": ..., "keras_hub": ...}: each library's package
    directory; the parent of each is where its truth-table keys start."""
    given = os.environ.get("SHAPELINT_LIBRARIES")
    root = pathlib.Path(given) if given else CACHE
    found = {name: unzipped(root, name) for name in PINS}
    missing = [PINS[name] for name, path in found.items() if path is None]
    if missing:
        pytest.skip(f"could not download {', '.join(missing)}")
    return found
