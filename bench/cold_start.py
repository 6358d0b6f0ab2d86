"""What a new process costs to lint one small file, next to one that imports libcst and parses it.

    python bench/cold_start.py [FILE] [--runs N] [--as-is]   # default: examples/alexnet.py, 15 runs

pre-commit, CI and an editor without a server start a process per batch of files (or per save),
so the import of shapelint and of what the file needs is paid each time. Each command runs N
times, alternating; the figure is the CPU (user + system) the child used, as the kernel counts
it, so other processes on a busy machine do not inflate it (the minimum over the runs is
printed, and the median). The flake8 rows run `python -m flake8 --select SHP FILE` with the
plugin, and the same with SHAPELINT_DISABLE=1 (flake8 alone: its plugin returns at once).

By default every module is read from compiled bytecode, as from an installed package (pip
compiles it; an editable install writes it on first use): the children share a private
PYTHONPYCACHEPREFIX, filled by a first, unmeasured run of each command. --as-is runs them in
this environment unchanged: with PYTHONDONTWRITEBYTECODE=1 and a source tree that has no
__pycache__ (this project's sandbox), every process compiles shapelint's sources again.
Add `python -X importtime` to one of the commands to see which module costs what.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

COMMANDS = {
    "python alone": "pass",
    "import libcst + parse": "import sys, libcst; libcst.parse_module(open(sys.argv[1]).read())",
    "import shapelint + check_source": (
        "import sys, shapelint; shapelint.check_source(open(sys.argv[1]).read(), sys.argv[1])"),
    "shapelint check (CLI)": "import sys; from shapelint.adapters.cli import main; sys.argv[0] = "
                             "'shapelint'; main(['check', sys.argv[1]])",
    "flake8 --select SHP": "import sys, runpy; sys.argv[1:] = ['--select', 'SHP', sys.argv[1]]; "
                           "runpy.run_module('flake8', run_name='__main__')",
}
FLAKE8_ALONE = "flake8 alone (SHAPELINT_DISABLE=1)"


def cpu_of(code: str, path: str, env: dict) -> float:
    """CPU seconds (user + system) of one `python -c code path` process."""
    process = subprocess.Popen([sys.executable, "-c", code, path], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime


def main(argv) -> None:
    runs = 15
    if "--runs" in argv:
        at = argv.index("--runs")
        runs = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    as_is = "--as-is" in argv
    argv = [a for a in argv if a != "--as-is"]
    path = argv[0] if argv else str(ROOT / "examples" / "alexnet.py")
    env = dict(os.environ)
    cache = None
    if not as_is:
        cache = tempfile.mkdtemp(prefix="cold-start-pycache-")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
    jobs = [(name, code, env) for name, code in COMMANDS.items()]
    jobs.append((FLAKE8_ALONE, COMMANDS["flake8 --select SHP"], {**env, "SHAPELINT_DISABLE": "1"}))
    try:
        if cache is not None:
            for _, code, job_env in jobs:  # compiles every module the commands import
                cpu_of(code, path, job_env)
        times: dict = {name: [] for name, _, _ in jobs}
        for _ in range(runs):
            for name, code, job_env in jobs:
                times[name].append(cpu_of(code, path, job_env))
    finally:
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)
    base = min(times["import libcst + parse"])
    alone = min(times[FLAKE8_ALONE])
    print(f"{path}: CPU seconds per process over {runs} runs (min, median), "
          f"{'this environment as is' if as_is else 'from bytecode'}")
    for name, spent in times.items():
        print(f"  {name:36s} {min(spent):6.3f}  {statistics.median(spent):6.3f}   "
              f"x{min(spent) / base:4.2f} of libcst's")
    plugin = min(times["flake8 --select SHP"])
    print(f"  flake8 with the plugin, over flake8 alone: x{plugin / alone:4.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
