"""shapelint on timm, transformers and keras-hub: CPU next to libcst's parse, and what it finds.

    SHAPELINT_LIBRARIES=/work/corpora python bench/libraries.py [timm transformers keras_hub]
        [--every N] [--json FILE] [--shard I/N] [--progress]

SHAPELINT_LIBRARIES is a directory holding the unzipped wheels (DIR/timm/timm, ...; see
tests/libraries.py, whose download cache .cache/libraries is used when it is not set). Per
library: the non-test files checked, libcst's parse CPU alone, shapelint's check CPU (its own
parse included), their ratio, the slowest files, the SHP1xx/SHP2xx findings and the SHP9xx
notes. --every N takes the deterministic 1-in-N sample CI checks; --json writes every file's
result; --shard I/N checks the I-th of N disjoint parts (to spread a full run over processes);
--progress prints each file as it is done. CPU is time.process_time of this one process: run
it on a quiet machine and compare runs of the same commit.

Measured on a loaded machine (two shards for transformers): timm 304 files, parse 18.3 s, check
99.1 s CPU (ratio 5.4, 33 files over 1 s, the slowest byobnet.py at 2.0 s); transformers 2,950
files, parse 136.2 s, check 683.7 s CPU (ratio 5.0, 168 files over 1 s, the slowest
qwen3_5/modeling_qwen3_5.py at 2.3 s); keras-hub 811 files, parse 14.0 s, check 19.7 s CPU
(ratio 1.4, none over 1 s).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from library_corpus import LIBRARIES, check_file, library_files, picked  # noqa: E402


def measure(package: pathlib.Path, every: int, shard: tuple[int, int], progress: bool) -> list:
    files = [f for i, f in enumerate(library_files(package)) if picked(f, every)
             and i % shard[1] == shard[0]]
    results = []
    for relative in files:
        results.append(check_file(package.parent, relative, parse=True))
        if progress:
            r = results[-1]
            print(f"  {len(results)}/{len(files)} {r.check_cpu:6.3f} s {relative} "
                  f"{' '.join(r.findings)}", flush=True)
    return results


def report(name: str, results: list) -> None:
    parse = sum(r.parse_cpu for r in results)
    check = sum(r.check_cpu for r in results)
    ratio = check / parse if parse else float("nan")
    findings = sum(len(r.findings) for r in results)
    print(f"{name}: {len(results)} files; libcst parse {parse:.2f} s CPU; shapelint check "
          f"{check:.2f} s CPU; ratio {ratio:.2f}; SHP1xx/SHP2xx {findings} in "
          f"{sum(bool(r.findings) for r in results)} files; SHP9xx on "
          f"{sum(bool(r.notes) for r in results)} files; crashes "
          f"{sum(bool(r.error) for r in results)}")
    for r in sorted(results, key=lambda r: r.check_cpu, reverse=True)[:8]:
        print(f"    {r.check_cpu:6.3f} s  (parse {r.parse_cpu:5.3f} s)  {r.relative}")
    print(f"    files over 1 s of check CPU: {sum(r.check_cpu > 1.0 for r in results)}")


def main(argv) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("libraries", nargs="*", default=list(LIBRARIES))
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--shard", default="0/1", metavar="I/N")
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args(argv)
    base = pathlib.Path(os.environ.get("SHAPELINT_LIBRARIES") or ROOT / ".cache" / "libraries")
    everything = {}
    for name in args.libraries:
        package = base / name / name
        if not package.is_dir():
            sys.exit(f"{package}: not found (set SHAPELINT_LIBRARIES or run the tests once)")
        shard = tuple(int(x) for x in args.shard.split("/"))
        results = measure(package, args.every, shard, args.progress)
        report(name, results)
        everything[name] = [dataclasses.asdict(r) for r in results]
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(everything, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
