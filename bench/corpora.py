"""shapelint over model libraries, where every file builds models: timm and transformers.

    python bench/corpora.py                  # timm (all), transformers (models/**/modeling_*.py)
    python bench/corpora.py --sample 40      # 40 files of each, spread evenly (for iterating)
    python bench/corpora.py timm             # one corpus

The sources are read as text, never imported: $SHAPELINT_TIMM / $SHAPELINT_TRANSFORMERS (a
directory holding the package), else the wheel downloaded once from the package index into
.cache/ and unzipped (bench/wheel_sources.py, shared with tests/conftest.py). Prints, per
corpus, libcst's parse alone and shapelint's check in CPU seconds of this process (one file
after the other), their ratio, the slowest files and how many take over 1 s. The target (issue
17): ratio <= 1.5, no file over 1 s.
"""
from __future__ import annotations

import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from parse_vs_check import measure  # noqa: E402
from wheel_sources import wheel_sources  # noqa: E402

CORPORA = {  # name: (version, environment variable, the files read, as a glob under the package)
    "timm": ("1.0.31", "SHAPELINT_TIMM", "**/*.py"),
    "transformers": ("5.25.0", "SHAPELINT_TRANSFORMERS", "models/**/modeling_*.py"),
}


def package(name: str) -> pathlib.Path:
    """The package directory of a corpus, downloaded (sources only) when not given."""
    version, variable, _ = CORPORA[name]
    given = os.environ.get(variable)
    if given:
        return pathlib.Path(given) / name
    return wheel_sources(f"{name}=={version}") / name


def corpus_files(name: str, sample: int = 0) -> list[pathlib.Path]:
    """The files of a corpus in path order; sample > 0 takes that many, spread evenly."""
    files = sorted(package(name).glob(CORPORA[name][2]))
    if 0 < sample < len(files):
        step = len(files) / sample
        files = [files[int(i * step)] for i in range(sample)]
    return files


def report(name: str, files) -> None:
    m = measure(files, slowest=8)
    ratio = m["check"] / m["parse"] if m["parse"] else float("nan")
    findings = sum(len(found) for found in m["findings"].values())
    print(f"{name}: {m['files']} files; libcst parse {m['parse']:.1f} s; shapelint check "
          f"{m['check']:.1f} s (CPU); ratio {ratio:.2f}; findings {findings}")
    for spent, path in m["slowest"]:
        print(f"    {spent:6.3f} s  {os.path.relpath(path, package(name).parent)}")
    print(f"    files over 1 s: {m['over']}; SHP9xx notes: {len(m['notes'])}")


def main(argv) -> None:
    sample = 0
    if "--sample" in argv:
        at = argv.index("--sample")
        sample = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    for name in argv or list(CORPORA):
        report(name, corpus_files(name, sample))


if __name__ == "__main__":
    main(sys.argv[1:])
