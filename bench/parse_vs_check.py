"""How much does shapelint cost next to libcst's own parse of the same files?

    python bench/parse_vs_check.py            # installed keras + torch sources, then fixtures
    python bench/parse_vs_check.py DIR...     # any directories

Prints, per corpus: libcst parse time alone, shapelint's full check (its own parse included),
their ratio, the slowest files, and a flake8 run over the fixtures with and without the plugin.
Times are CPU seconds of this process (time.process_time), so other processes on a busy
machine inflate them less than wall time would; no assertions: compare runs of the same commit.
"""
from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def package_dir(name: str) -> pathlib.Path | None:
    spec = importlib.util.find_spec(name)  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    return pathlib.Path(list(spec.submodule_search_locations)[0])


def python_files(directory: pathlib.Path) -> list[pathlib.Path]:
    return sorted(p for p in directory.rglob("*.py") if p.is_file())


def measure(files, slowest: int = 5) -> dict:
    """libcst's parse and shapelint's check of each file, one after the other, in CPU seconds;
    findings holds each file's diagnostics (code, line, col)."""
    import libcst

    from shapelint import check_source
    parse_total = check_total = 0.0
    slow, errors, findings = [], [], {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        start = time.process_time()
        try:
            libcst.parse_module(text)
        except Exception:  # noqa: BLE001 - files libcst cannot parse still get checked
            pass
        parse_total += time.process_time() - start
        start = time.process_time()
        found = check_source(text, str(path))
        spent = time.process_time() - start
        check_total += spent
        slow.append((spent, str(path)))
        errors += [(str(path), d.message) for d in found if d.code.code.startswith("SHP9")]
        findings[str(path)] = [(d.code.code, d.line, d.column) for d in found]
    slow.sort(reverse=True)
    return {"files": len(files), "parse": parse_total, "check": check_total,
            "slowest": slow[:slowest], "over": sum(spent > 1.0 for spent, _ in slow),
            "notes": errors, "findings": findings}


def report(name: str, files) -> None:
    m = measure(files)
    ratio = m["check"] / m["parse"] if m["parse"] else float("nan")
    print(f"{name}: {m['files']} files; libcst parse {m['parse']:.2f} s; shapelint check "
          f"{m['check']:.2f} s; ratio {ratio:.2f}")
    for spent, path in m["slowest"]:
        print(f"    {spent:6.3f} s  {path}")
    print(f"    files over 1 s: {m['over']}; SHP9xx notes: {len(m['notes'])}")
    for path, message in m["notes"][:10]:
        print(f"    note {path}: {message[:120]}")


def flake8_seconds(paths, plugin: bool) -> float:
    env = dict(os.environ)
    if not plugin:
        env["SHAPELINT_DISABLE"] = "1"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "flake8", "--select", "SHP,E9,F", *map(str, paths)],
                   capture_output=True, env=env)
    return time.perf_counter() - start


def main(argv) -> None:
    if argv:
        for directory in argv:
            report(directory, python_files(pathlib.Path(directory)))
        return
    corpus = []
    for package in ("keras", "torch"):
        found = package_dir(package)
        if found is not None:
            corpus += python_files(found)
    report("(a) installed keras + torch sources", corpus)
    fixtures = python_files(ROOT / "fixtures") + python_files(ROOT / "examples")
    report("(b) model fixtures", fixtures)
    with_plugin = flake8_seconds([ROOT / "fixtures", ROOT / "examples"], True)
    without = flake8_seconds([ROOT / "fixtures", ROOT / "examples"], False)
    print(f"flake8 over the fixtures: {without:.2f} s without shapelint, {with_plugin:.2f} s with")


if __name__ == "__main__":
    main(sys.argv[1:])
