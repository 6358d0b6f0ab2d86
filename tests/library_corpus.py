"""What the library measures read (tests/test_libraries.py, bench/libraries.py): which files of
timm, transformers and keras-hub are checked, the deterministic sample CI takes, and one file's
`shapelint check` findings with its CPU cost next to libcst's parse of the same text."""
from __future__ import annotations

import hashlib
import pathlib
import time
from dataclasses import dataclass

LIBRARIES = ("timm", "transformers", "keras_hub")
# Test code is not model code a user writes: keras-hub's *_test.py files and src/tests,
# transformers' helpers for its own test suite. (timm/layers/test_time_pool.py is test-time
# augmentation, a model layer, and stays.)
TEST_DIRECTORIES = {"tests"}
TEST_FILES = {"conftest.py", "testing_utils.py"}


def is_test(relative: str) -> bool:
    parts = relative.split("/")
    return (any(p in TEST_DIRECTORIES for p in parts[:-1]) or parts[-1] in TEST_FILES
            or parts[-1].endswith("_test.py"))


def library_files(package: pathlib.Path) -> list[str]:
    """The non-test .py files of one library, relative to the package's parent (the form the
    findings lists and truth tables use: "timm/layers/mlp.py")."""
    root = package.parent
    return sorted(rel for rel in (p.relative_to(root).as_posix() for p in package.rglob("*.py"))
                  if not is_test(rel))


def picked(relative: str, every: int) -> bool:
    """1 in `every`, by a stable hash of the relative path (as tests/test_corpus.py samples)."""
    digest = hashlib.sha1(relative.encode()).digest()
    return int.from_bytes(digest[:4], "big") % every == 0


@dataclass(frozen=True)
class FileResult:
    relative: str
    findings: tuple = ()  # "LINE CODE" of each SHP1xx/SHP2xx, in order
    messages: tuple = ()  # "LINE:COL CODE message" for reading
    notes: tuple = ()  # "CODE message" of SHP9xx notes
    parse_cpu: float = 0.0  # libcst.parse_module of the whole text
    check_cpu: float = 0.0  # shapelint check_source (its own parse included)
    error: str = ""  # a traceback: shapelint itself crashed


def is_finding(code: str) -> bool:
    return code.startswith(("SHP1", "SHP2"))


def check_file(root: pathlib.Path, relative: str, parse: bool = False) -> FileResult:
    """`shapelint check` on one file under the default configuration (the corpora have no
    [tool.shapelint]), as the CLI runs it; with parse, libcst's parse of the text is timed."""
    import traceback

    from shapelint import check_source
    from shapelint.adapters.config import Config
    try:
        text = (root / relative).read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return FileResult(relative)
    parse_cpu = 0.0
    if parse:
        import libcst
        start = time.process_time()
        try:
            libcst.parse_module(text)
        except Exception:  # noqa: BLE001 - libcst's own refusals are timed all the same
            pass
        parse_cpu = time.process_time() - start
    start = time.process_time()
    try:
        found = check_source(text, str(root / relative), config=Config())
    except Exception:  # noqa: BLE001 - reported by the caller
        return FileResult(relative, error=traceback.format_exc())
    check_cpu = time.process_time() - start
    faults = [d for d in found if is_finding(d.code.code)]
    return FileResult(
        relative,
        findings=tuple(f"{d.line} {d.code.code}" for d in faults),
        messages=tuple(f"{d.line}:{d.column + 1} {d.code.code} {d.message}" for d in faults),
        notes=tuple(f"{d.code.code} {d.message}" for d in found if d.code.code.startswith("SHP9")),
        parse_cpu=parse_cpu, check_cpu=check_cpu)


def check_item(item: tuple[str, str]) -> FileResult:
    """check_file of (root, relative) in a spawned worker (a module-level function pickles)."""
    return check_file(pathlib.Path(item[0]), item[1])
