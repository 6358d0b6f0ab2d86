"""What a new process costs to lint one small file, next to one that imports libcst and parses it.

    python bench/cold_start.py [FILE] [--runs N]      # default: examples/alexnet.py, 15 runs

pre-commit, CI and an editor without a server start a process per batch of files (or per save),
so the import of shapelint and of what the file needs is paid each time. Each command runs N
times, alternating; the figure is the CPU (user + system) the child used, as the kernel counts
it, so other processes on a busy machine do not inflate it (the minimum over the runs is
printed, and the median). Add `python -X importtime` to one of the commands to see which module
costs what.
"""
from __future__ import annotations

import os
import pathlib
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

COMMANDS = {
    "python alone": "pass",
    "import libcst + parse": "import sys, libcst; libcst.parse_module(open(sys.argv[1]).read())",
    "import shapelint + check_source": (
        "import sys, shapelint; shapelint.check_source(open(sys.argv[1]).read(), sys.argv[1])"),
    "shapelint check (CLI)": "import sys; from shapelint.adapters.cli import main; sys.argv[0] = "
                             "'shapelint'; main(['check', sys.argv[1]])",
}


def cpu_of(code: str, path: str) -> float:
    """CPU seconds (user + system) of one `python -c code path` process."""
    process = subprocess.Popen([sys.executable, "-c", code, path], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime


def main(argv) -> None:
    runs = 15
    if "--runs" in argv:
        at = argv.index("--runs")
        runs = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    path = argv[0] if argv else str(ROOT / "examples" / "alexnet.py")
    times: dict = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, code in COMMANDS.items():
            times[name].append(cpu_of(code, path))
    base = min(times["import libcst + parse"])
    print(f"{path}: CPU seconds per process over {runs} runs (min, median)")
    for name, spent in times.items():
        print(f"  {name:34s} {min(spent):6.3f}  {statistics.median(spent):6.3f}   "
              f"x{min(spent) / base:4.2f} of libcst's")


if __name__ == "__main__":
    main(sys.argv[1:])
