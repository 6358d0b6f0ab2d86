"""The corpus test: shapelint's check and its flake8 plugin over real installed code.

Every file goes through what `shapelint check` runs (check_source) and through the flake8 plugin
class exactly as flake8 calls it. Each file must end without a traceback, within CPU_LIMIT of CPU
(time.process_time in the worker, so other processes on the machine do not make it flaky), and
only the files listed in ALLOWED_NOTES may carry an SHP901/SHP902 note.

Which files: a deterministic sample of the installed torch and keras sources and of the rest of
site-packages (a stable hash of the path relative to its package root picks 1 file in
SHAPELINT_CORPUS_EVERY, default 8, so a CI run stays within a few minutes on two cores);
SHAPELINT_CORPUS_EVERY=1 runs every file.

Measured 2026-11-28 (EVERY=8: 1,092 files, 301 torch, 111 keras, the rest other site-packages;
2 spawn workers): 60 s wall, 55 s CPU, no traceback, no SHP9xx note; 7 files over 1 s of CPU,
the slowest torch/_inductor/scheduler.py at 1.4 s, and torch/testing/_internal/
common_methods_invocations.py at 8.7 s (SLOW_ALLOWED). Before the import budget and the parse
cache the same sample took 498 s wall, with files at 26 s and SHP902 on nine.
"""
from __future__ import annotations

import hashlib
import importlib.util
import multiprocessing
import os
import pathlib
import sysconfig
import time
import traceback

import pytest

# Seconds of CPU per file, check and plugin each. The target is 1 s; a handful of torch internals
# measure 1.1-1.4 s on a quiet machine (their own libcst parse plus 400 KB of imports) and up to
# 1.8 s under load (per-process CPU time still stretches ~30% when both cores are busy), so the
# guard sits at 3 s: it catches regressions like the 26 s files before the import budget.
CPU_LIMIT = 3.0
EVERY = int(os.environ.get("SHAPELINT_CORPUS_EVERY", "8"))
# Files allowed more, with why.
SLOW_ALLOWED = {
    "torch/testing/_internal/common_methods_invocations.py":
        "1.4 MB whose module body builds thousands of OpInfo entries: its own libcst parse is "
        "about 2 s and the step budget (400,000) stops the rest; 8.7 s measured",
}

# Files allowed an SHP901/SHP902 note, keyed by their path relative to site-packages, with why.
ALLOWED_NOTES: dict[str, str] = {}


def package_root(name: str) -> pathlib.Path | None:
    spec = importlib.util.find_spec(name)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    return pathlib.Path(list(spec.submodule_search_locations)[0])


def picked(relative: str) -> bool:
    digest = hashlib.sha1(relative.encode()).digest()
    return int.from_bytes(digest[:4], "big") % EVERY == 0


def corpus() -> list[tuple[str, str]]:
    """(absolute path, path relative to site-packages) of the sampled files."""
    roots = {pathlib.Path(sysconfig.get_paths()["purelib"])}
    for name in ("torch", "keras"):
        found = package_root(name)
        if found is not None:
            roots.add(found.parent)
    files = {}
    for root in roots:
        for path in root.rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and picked(relative):
                files[str(path)] = relative
    return sorted(files.items(), key=lambda item: item[1])


def check_one(item: tuple[str, str]) -> dict:
    """Runs in a worker: the check and the plugin over one file, with their CPU times."""
    path, relative = item
    result = {"path": relative, "error": None, "notes": [], "cpu": 0.0}
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (UnicodeDecodeError, OSError):
        return result  # `shapelint check` refuses non-UTF-8 files with a usage error
    try:
        from shapelint import check_source
        from shapelint.flake8_plugin import ShapelintPlugin
        start = time.process_time()
        found = check_source(text, path)
        check_cpu = time.process_time() - start
        start = time.process_time()
        plugin = list(ShapelintPlugin(None, path, text.splitlines(keepends=True)).run())
        plugin_cpu = time.process_time() - start
    except Exception:  # noqa: BLE001 - reported by the test, with the traceback
        result["error"] = traceback.format_exc()
        return result
    result["cpu"] = max(check_cpu, plugin_cpu)
    result["notes"] = sorted({d.code.code for d in found if d.code.code in ("SHP901", "SHP902")}
                             | {m[2].split()[0] for m in plugin
                                if m[2].startswith(("SHP901", "SHP902"))})
    return result


@pytest.fixture(scope="module")
def results() -> list[dict]:
    files = corpus()
    assert len(files) > 100, "the sample found too few installed files"
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no torch imported
    with context.Pool(min(2, os.cpu_count() or 1), maxtasksperchild=200) as pool:
        return pool.map(check_one, files, chunksize=4)


def test_no_traceback(results):
    broken = [(r["path"], r["error"]) for r in results if r["error"]]
    assert not broken, broken[:3]


def test_internal_error_notes_only_on_listed_files(results):
    noted = {r["path"]: r["notes"] for r in results if r["notes"]}
    unexpected = {path: codes for path, codes in noted.items() if path not in ALLOWED_NOTES}
    assert not unexpected, unexpected


def test_no_file_over_one_second_of_cpu(results):
    slow = sorted(((r["cpu"], r["path"]) for r in results
                   if r["cpu"] > CPU_LIMIT and r["path"] not in SLOW_ALLOWED), reverse=True)
    assert not slow, slow
