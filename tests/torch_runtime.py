"""Run a torch fixture for real and record, per source line, what happened there: the shape of
the tensor a line assigned or returned, and the parameters of the modules a line built."""
from __future__ import annotations

import re
import runpy
import sys

import pytest

_INPUT = re.compile(r"#\s*shapelint:\s*input\s*=\s*\(([^)]*)\)")
_TARGET = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:,\s*[A-Za-z_]\w*\s*)*=[^=]")
BATCH = 2  # the value symbolic batch dims take at runtime


def declared_inputs(path) -> dict:
    """Class name -> input shape (symbols become BATCH) from `# shapelint: input=(...)`."""
    out = {}
    for text in open(path, encoding="utf-8"):
        match = _INPUT.search(text)
        name = re.match(r"\s*class\s+(\w+)", text)
        if match and name:
            dims = [int(d) if d.strip().isdigit() else BATCH
                    for d in match.group(1).split(",") if d.strip()]
            out[name.group(1)] = tuple(dims)
    return out


class LineRecorder:
    def __init__(self, path):
        self.path = str(path)
        self.lines = open(path, encoding="utf-8").read().splitlines()
        self.shapes: dict[int, list] = {}
        self.built: dict[int, list] = {}
        self._last: dict = {}

    def _local(self, frame, event, arg):
        torch = sys.modules["torch"]
        code = frame.f_code
        if code.co_filename != self.path:
            return self._local
        previous = self._last.get(frame)
        if previous is not None and event in ("line", "return"):
            match = _TARGET.match(self.lines[previous - 1])
            if match:
                value = frame.f_locals.get(match.group(1))
                if isinstance(value, torch.Tensor):
                    self.shapes[previous] = list(value.shape)
        if event == "return":
            if isinstance(arg, torch.Tensor):
                self.shapes[frame.f_lineno] = list(arg.shape)
            self._last.pop(frame, None)
        else:
            self._last[frame] = frame.f_lineno
        return self._local

    def _global(self, frame, event, arg):
        if event == "call" and frame.f_code.co_name == "__init__" and \
                frame.f_code.co_filename.endswith("torch/nn/modules/module.py"):
            module = frame.f_locals.get("self")
            if not isinstance(module, sys.modules["torch"].nn.Module):
                return None  # module.py's other classes (_WrappedHook, which spectral_norm makes)
            caller = frame.f_back
            while caller is not None and (caller.f_code.co_filename != self.path or
                                          caller.f_locals.get("self") is module):
                caller = caller.f_back
            if caller is not None:
                self.built.setdefault(caller.f_lineno, []).append(module)
        if frame.f_code.co_filename == self.path:
            return self._local
        return None

    def __enter__(self):
        self._saved = sys.gettrace()
        sys.settrace(self._global)
        return self

    def __exit__(self, *exc):
        sys.settrace(self._saved)
        return False

    def params_by_line(self) -> dict[int, int]:
        out = {}
        for line, modules in self.built.items():
            params = {id(p): p for m in modules for p in m.parameters()}  # each tensor once
            out[line] = sum(p.numel() for p in params.values())
        return out


def run_fixture(path):
    """Build and run every class with a declared input; returns (recorder, errors)."""
    torch = pytest.importorskip("torch")
    inputs = declared_inputs(path)
    recorder = LineRecorder(path)
    errors = []
    saved_argv, sys.argv = sys.argv, [str(path)]  # scripts that parse_args() run bare
    try:
        with recorder:
            namespace = runpy.run_path(str(path))
    finally:
        sys.argv = saved_argv
    built = {type(v) for v in namespace.values()}  # a script that built its models itself
    with recorder:
        for name, value in namespace.items():  # build every model class, for its params
            if isinstance(value, type) and issubclass(value, torch.nn.Module) and \
                    value.__module__ == "<run_path>" and name not in inputs and \
                    value not in built:
                try:
                    value()
                except TypeError:  # a building block that needs arguments
                    pass
        for name, shape in inputs.items():
            model = namespace[name]()
            model.eval()
            try:
                try:
                    model(torch.zeros(shape))
                except RuntimeError as error:
                    if "Long" not in str(error) and "Int" not in str(error):
                        raise
                    model(torch.zeros(shape, dtype=torch.long))
            except (RuntimeError, ValueError, IndexError) as error:
                errors.append(error)
    return recorder, errors
