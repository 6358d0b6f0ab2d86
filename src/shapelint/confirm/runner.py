"""`shapelint confirm`: the static answer next to what torch / Keras 3 build for real.

The static side is `summary`'s own JSON (reporters.json_report.model). The runtime side comes
from a child process (`python -m shapelint.confirm.child`) that imports the user's module with
a time limit and a memory ceiling and writes its findings to a result file, so nothing the user's
code prints reaches our output. This module never imports torch or keras itself, and the lint
path (flake8 plugin, `shapelint check`) never imports this module."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

BATCH = 2  # a symbolic torch batch dim at runtime (the child uses the same value)
DEFAULT_MEMORY = 4 << 30


@dataclass
class Confirmation:
    path: str
    entry: str
    static: dict
    framework: str
    predicted: list = field(default_factory=list)  # SHP1xx diagnostics of this model
    runtime: dict | None = None
    error: str | None = None
    error_type: str | None = None
    stage: str | None = None
    notes: list = field(default_factory=list)
    checks: list = field(default_factory=list)  # (what, static, runtime, verdict)

    @property
    def agree(self) -> bool:
        return self.error is None and self.runtime is not None and \
            all(verdict != "differs" for _, _, _, verdict in self.checks)

    def to_json(self) -> dict:
        from ..adapters.reporters.json_report import _at
        return {"path": self.path, "entry": self.entry, "static": self.static,
                "runtime": self.runtime, "agree": self.agree, "error": self.error,
                "error_type": self.error_type, "stage": self.stage,
                "predicted_by": [{"code": d.code.code, **_at(d.path, d.line),
                                  "message": d.message} for d in self.predicted],
                "checks": [{"what": w, "static": s, "runtime": r, "verdict": v}
                           for w, s, r, v in self.checks],
                "notes": self.notes}


def static_models(targets, override=None) -> list[Confirmation]:
    """The static side of each PATH[::ENTRY]; a bad PATH or ENTRY raises cli.UsageError."""
    from ..pipeline.analysis import EntryError
    from ..adapters.usage import UsageError, internal, model_targets
    from ..pipeline.gate import mentions_framework
    from ..adapters.notebook import source_text
    parsed = [(path, entry, source_text(path)) for path, entry in model_targets(targets)]
    found = []
    for path, entry, text in parsed:
        if not mentions_framework(text) and not entry:
            continue
        try:
            found += _static_side(path, entry, text, override)
        except EntryError as error:
            raise UsageError(f"{path}::{entry}: {error}")
        except Exception as error:  # noqa: BLE001 - one line naming the target, never a traceback
            raise UsageError(internal(error, f"{path}::{entry}" if entry else path))
    return found


def _static_side(path: str, entry: str, text: str, override) -> list:
    from ..pipeline.analysis import FileAnalysis, analyse, evaluate_entry
    from ..rules.checks import check_graph
    from ..adapters.reporters.json_report import model as model_json
    analysis = analyse(text, path, discover=not entry, entry=bool(entry), whole_file=True)
    if entry:
        graphs = [FileAnalysis.graph(entry, evaluate_entry(analysis, entry), override)]
    else:
        graphs = analysis.graphs(override)
    found = []
    for graph in graphs:
        faults = [d for d in check_graph(graph) if d.code.code.startswith("SHP1")]
        found.append(Confirmation(path, graph.entry, model_json(graph, path),
                                  graph.framework, faults))
    return found


def runtime_input(static_input, framework: str):
    """The concrete input the child feeds the model: the static input with its batch dim made
    concrete (torch) or None (Keras); None when any other dim is not a known size."""
    if not isinstance(static_input, list) or any(isinstance(d, list) for d in static_input):
        return None
    dims = []
    for index, dim in enumerate(static_input):
        if isinstance(dim, int):
            dims.append(dim)
        elif index == 0:
            dims.append(BATCH if framework == "torch" else None)
        else:
            return None
    return dims


def flops_input(static: dict):
    """The input the static FLOPs are for: the static input, its symbolic batch as 1 when the
    figure is per sample (`cost_batch`); None when another dim is not a known size."""
    shape = static.get("input_shape")
    if not isinstance(shape, list) or not shape or any(isinstance(d, list) for d in shape):
        return None
    dims = list(shape)
    if not isinstance(dims[0], int) and static.get("cost_batch") == 1:
        dims[0] = 1
    return dims if all(isinstance(d, int) and not isinstance(d, bool) for d in dims) else None


def run_child(path: str, models: list, device: str, timeout: float, memory: int) -> dict:
    """Import PATH in a fresh interpreter and build MODELS there; the child's result file."""
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, KERAS_BACKEND="torch")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    with tempfile.TemporaryDirectory(prefix="shapelint-confirm-") as scratch:
        request, result = os.path.join(scratch, "request.json"), os.path.join(scratch, "result")
        module = _module_file(path, scratch)
        with open(request, "w", encoding="utf-8") as handle:
            json.dump({"path": module, "device": device, "models": models,
                       "memory_limit": memory,
                       "search_path": os.path.dirname(os.path.abspath(path))}, handle)
        child = subprocess.Popen([sys.executable, "-m", "shapelint.confirm.child", request,
                                  result], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env, start_new_session=True)
        try:
            _, stderr = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)  # the child and anything it started
            child.communicate()
            return {"error": f"Timeout: importing and building took longer than {timeout:g} s "
                    "(see --timeout)", "error_type": "Timeout"}
        if not os.path.exists(result):
            why = f"killed by signal {-child.returncode}" if child.returncode < 0 else \
                f"exit status {child.returncode}"
            lines = stderr.decode("utf-8", "replace").strip().splitlines()
            last = f": {lines[-1]}" if lines else ""
            if memory:
                last += f" (the child's memory ceiling is {memory >> 20} MiB; see --memory-limit)"
            return {"error": f"ChildProcessError: the child process ended without a result "
                    f"({why}){last}", "error_type": "ChildProcessError"}
        with open(result, encoding="utf-8") as handle:
            return json.load(handle)


def _module_file(path: str, scratch: str) -> str:
    """The file the child imports: path itself, or a notebook's code cells in order as one
    module (IPython lines made `pass`, as the static side reads them), written to scratch."""
    from ..adapters.notebook import is_notebook, source_text
    if not is_notebook(path):
        return os.path.abspath(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    module = os.path.join(scratch, f"{stem}.py")
    with open(module, "w", encoding="utf-8") as handle:
        handle.write(source_text(path))
    return module


def confirm(targets, override=None, timeout: float = 60.0, memory: int = DEFAULT_MEMORY,
            jobs: int = 1) -> list[Confirmation]:
    """Static and runtime answers for every model of TARGETS, compared."""
    found = static_models(targets, override)
    by_path: dict = {}
    for item in found:
        by_path.setdefault(os.path.abspath(item.path), []).append(item)

    def one(items):
        models = [{"entry": i.entry, "override": override is not None,
                   "input_shape": runtime_input(i.static["input_shape"], i.framework),
                   "flops_input_shape": flops_input(i.static)}
                  for i in items]
        device = "meta" if all(i.framework == "torch" for i in items) else "cpu"
        return items, run_child(items[0].path, models, device, timeout, memory)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for items, result in pool.map(one, by_path.values()):
            runs = result.get("models") or []
            for index, item in enumerate(items):
                _settle(item, runs[index] if index < len(runs) else None, result)
    return found


def _settle(item: Confirmation, run: dict | None, child: dict) -> None:
    from .compare import compare
    item.notes += child.get("notes", [])
    if run is None:
        item.error = child.get("error") or "the child process returned no result for this model"
        item.error_type = child.get("error_type") or "ChildProcessError"
        return
    item.stage, item.error, item.error_type = run.get("stage"), run.get("error"), \
        run.get("error_type")
    item.notes += run.get("notes", [])
    if "total_params" in run:  # the model was built
        keys = ("name", "entry", "framework", "path", "line", "input_shape", "output_shape",
                "total_params", "trainable_params", "non_trainable_params", "exact",
                "unknown_reasons", "layers", "device", "seconds", "flops",
                "flops_input_shape")
        item.runtime = {k: run.get(k) for k in keys}
        item.runtime.update(path=item.path, entry=item.entry,
                            peak_rss_kib=child.get("peak_rss_kib"))
        item.checks = compare(item.static, item.runtime, failed=item.error is not None)
    if item.predicted and item.error is None and item.runtime is not None:
        codes = ", ".join(sorted({d.code.code for d in item.predicted}))
        if item.runtime.get("output_shape") is not None:  # a forward pass ran, and passed
            item.checks.append(("fault", codes, "ran without error", "differs"))
        else:
            item.checks.append(("fault", codes, None, "not run"))


def parse_memory(text: str) -> int:
    """'4G', '512M', '2048' (MiB) or '0' (no ceiling) -> bytes."""
    from ..adapters.usage import UsageError
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    size = text.strip().upper().removesuffix("IB").removesuffix("B")
    scale = units.get(size[-1:], None)
    number = size[:-1] if scale else size
    if not number.isdigit():
        raise UsageError(f"--memory-limit: '{text}' is not a size; give e.g. 4G, 512M or 0")
    return int(number) * (scale or 1 << 20)


def run_confirm(args) -> int:
    """The `confirm` command; exit 0 when every model agrees, 1 otherwise."""
    from ..adapters.usage import EXIT_CLEAN, EXIT_FINDINGS, UsageError, parse_shape
    if not args.timeout > 0:
        raise UsageError("--timeout must be a positive number of seconds")
    memory = parse_memory(args.memory_limit)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    override = parse_shape(args.input_shape) if args.input_shape else None
    results = confirm(args.targets, override, args.timeout, memory, args.jobs)
    if not results:
        print("shapelint: no model found in " + ", ".join(args.targets), file=sys.stderr)
    if args.format == "json":
        print(json.dumps({"models": [r.to_json() for r in results]}, indent=2))
    else:
        from ..adapters.reporters import confirm_text
        sys.stdout.write(confirm_text.render(results))
    return EXIT_CLEAN if all(r.agree for r in results) else EXIT_FINDINGS
