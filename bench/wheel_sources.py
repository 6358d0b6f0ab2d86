"""The Python sources of a pinned wheel, downloaded once from the package index and unzipped
under .cache/ (never installed: torchvision does not import beside the CPU torch, and the model
libraries are read as text).

Test workers run side by side (pytest-xdist), so a download is unpacked into a fresh
directory and moved into place in one rename: a second worker either finds the finished
directory or loses the race and drops its own copy.
"""
from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
import tempfile
import zipfile

CACHE = pathlib.Path(__file__).resolve().parent.parent / ".cache"


class DownloadFailed(RuntimeError):
    pass


def wheel_sources(requirement: str) -> pathlib.Path:
    """The directory holding the unzipped .py files of `requirement` ("name==version")."""
    target = CACHE / requirement.replace("==", "-")
    if target.is_dir():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    scratch = pathlib.Path(tempfile.mkdtemp(prefix=".download-", dir=CACHE))
    try:
        download = subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(scratch),
             requirement], capture_output=True, text=True)
        wheels = list(scratch.glob("*.whl"))
        if download.returncode or not wheels:
            raise DownloadFailed(f"{requirement} could not be downloaded: "
                                 f"{download.stderr[-200:]}")
        unpacked = scratch / "unpacked"
        with zipfile.ZipFile(wheels[0]) as wheel:
            wheel.extractall(unpacked, [n for n in wheel.namelist() if n.endswith(".py")])
        try:
            unpacked.rename(target)
        except OSError:
            if not target.is_dir():  # not a lost race: a real failure
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target
