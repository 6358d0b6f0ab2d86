"""Is `check` / `summary` output byte-identical between this tree and a git revision?

For a change that must not change behaviour (a move of modules, a split of the catalogue):
    python bench/same_output.py REV [DIR ...]
runs `shapelint check --format json FILE` and `shapelint summary --format json FILE` on every
.py file under fixtures/ and examples/ (and the DIRs given: torchvision's or keras.applications'
sources, say) with this tree's src/ and with REV's (checked out in a temporary worktree), and
prints each file whose output, stderr or exit code differs. Exit code 1 when any differs.
"""
from __future__ import annotations

import concurrent.futures
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent


def outputs(src: pathlib.Path, files: list[pathlib.Path]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src), "KERAS_BACKEND": "torch"}

    def run(job):
        command, path = job
        done = subprocess.run([sys.executable, "-m", "shapelint", command, "--format", "json",
                               str(path)], capture_output=True, text=True, env=env, cwd=ROOT)
        return job, (done.returncode, done.stdout, done.stderr)
    jobs = [(command, path) for path in files for command in ("check", "summary")]
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        return dict(pool.map(run, jobs))


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    rev, dirs = argv[0], [pathlib.Path(d) for d in argv[1:]] + [ROOT / "fixtures",
                                                                ROOT / "examples"]
    files = sorted(p for d in dirs for p in d.rglob("*.py"))
    with tempfile.TemporaryDirectory() as tmp:
        other = pathlib.Path(tmp) / "rev"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(other),
                        rev], check=True)
        try:
            before = outputs(other / "src", files)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)],
                           check=True)
    after = outputs(ROOT / "src", files)
    differ = [job for job in before if before[job] != after[job]]
    for command, path in differ:
        print(f"differs: shapelint {command} {os.path.relpath(path)}")
    print(f"{len(before) - len(differ)} of {len(before)} runs byte-identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
