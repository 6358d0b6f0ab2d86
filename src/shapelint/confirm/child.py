"""The child process of `shapelint confirm`: imports the user's module, builds the models it is
asked for (PyTorch on the meta device, Keras 3 on the torch backend), runs a forward pass and
writes what the framework itself says to a result file.

Run as `python -m shapelint.confirm.child REQUEST RESULT` by shapelint.confirm.runner only. Nothing
here is imported by the lint path. The user's stdout/stderr stay out of RESULT: the parent reads
only that file, so prints in a model file cannot corrupt `--format json`.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import resource
import sys
import time
import types

from .errors import error_text

BATCH = 2  # what a symbolic batch dim is at runtime (1 would trip BatchNorm in train mode)


def main(argv) -> int:
    request_path, result_path = argv
    with open(request_path, encoding="utf-8") as handle:
        request = json.load(handle)
    started = time.perf_counter()
    limit = request.get("memory_limit") or 0
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ["KERAS_BACKEND"] = "torch"  # Keras 3 on torch; TensorFlow is never imported
    try:
        result = Runner(request).run()
    except MemoryError:
        result = {"error": f"MemoryError: the child process hit its memory ceiling "
                  f"({limit >> 20} MiB; see --memory-limit)", "models": []}
    result["seconds"] = round(time.perf_counter() - started, 3)
    result["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    temporary = result_path + ".part"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    os.replace(temporary, result_path)
    return 0


class _TensorflowStandIn(types.ModuleType):
    """`tensorflow` for code written against tf.keras: only `.keras` exists (Keras 3)."""

    def __getattr__(self, name):
        raise AttributeError(f"tensorflow.{name} is not available: shapelint confirm maps only "
                             "tensorflow.keras onto Keras 3 and never imports TensorFlow")


def map_tensorflow_onto_keras(keras) -> None:
    tf = _TensorflowStandIn("tensorflow")
    tf.keras = keras
    sys.modules["tensorflow"] = tf
    sys.modules["tensorflow.keras"] = keras
    for name in dir(keras):
        value = getattr(keras, name)
        if isinstance(value, types.ModuleType):
            sys.modules[f"tensorflow.keras.{name}"] = value


class Runner:
    def __init__(self, request):
        self.request = request
        self.path = os.path.abspath(request["path"])
        self.device = request.get("device", "cpu")
        with open(self.path, encoding="utf-8") as handle:
            source = handle.read()
        self.torch = self.keras = None
        if "torch" in source or "keras" in source or "tensorflow" in source:
            import torch
            self.torch = torch
        if "keras" in source or "tensorflow" in source:
            import keras
            self.keras = keras
            map_tensorflow_onto_keras(keras)
            keras.backend.clear_session()  # layer names count from a fresh session
        self.namespaces = {}  # device -> module namespace, or the import error
        self.notes = []

    def run(self) -> dict:
        # A notebook's module is written to a scratch folder: its siblings are the notebook's.
        sys.path.insert(0, self.request.get("search_path") or os.path.dirname(self.path))
        return {"models": [self.confirm(model) for model in self.request["models"]],
                "notes": self.notes}

    def _device(self, device):
        if self.torch is not None and device == "meta":
            return self.torch.device("meta")
        return contextlib.nullcontext()

    def namespace(self, device):
        """The user's module, imported once per device; an exception if the import failed."""
        if device not in self.namespaces:
            stem = os.path.splitext(os.path.basename(self.path))[0]
            name = f"_shapelint_confirm_{device}_{stem}"
            spec = importlib.util.spec_from_file_location(name, self.path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            argv, sys.argv = sys.argv, [self.path]  # a script's parse_args() sees no arguments
            try:
                with self._device(device):
                    spec.loader.exec_module(module)
                self.namespaces[device] = vars(module)
            except BaseException as error:  # noqa: BLE001 - the user's code (argparse exits too)
                self.namespaces[device] = error
            finally:
                sys.argv = argv
        return self.namespaces[device]

    def build(self, entry, device):
        """(model, None) or (None, (stage, error)) for ENTRY evaluated in the module's scope."""
        namespace = self.namespace(device)
        if isinstance(namespace, BaseException):
            return None, ("import", namespace)
        try:
            with self._device(device):
                value = eval(entry, namespace)  # noqa: S307 - ENTRY is the user's own expression
                if isinstance(value, type) or (callable(value) and not self._is_model(value)):
                    value = value()
        except Exception as error:  # noqa: BLE001
            return None, ("build", error)
        if not self._is_model(value):
            return None, ("build", TypeError(f"'{entry}' is a {type(value).__name__}, not a "
                                             "torch.nn.Module or keras.Model"))
        return value, None

    def _is_model(self, value) -> bool:
        return (self.keras is not None and isinstance(value, self.keras.Model)) or \
            (self.torch is not None and isinstance(value, self.torch.nn.Module))

    def confirm(self, spec) -> dict:
        entry = spec["entry"]
        out = {"entry": entry, "notes": [], "device": self.device, "stage": None,
               "error": None, "error_type": None}
        started = time.perf_counter()
        model, failed = self.build(entry, self.device)
        if failed and self.device == "meta":
            stage, error = failed
            model, failed = self.build(entry, "cpu")
            out["device"] = "cpu"
            if not failed:
                out["notes"].append(f"building on the meta device failed at {stage} "
                                    f"({error_text(error)}); built on CPU instead")
        if failed:
            stage, error = failed
            out.update(stage=stage, error=error_text(error), error_type=type(error).__name__)
            out["seconds"] = round(time.perf_counter() - started, 3)
            return out
        if self.keras is not None and isinstance(model, self.keras.Model):
            from .keras_side import describe
            described = describe(self.keras, model, spec)
        else:
            from .torch_side import describe
            described = describe(self.torch, model, spec, out["device"])
        notes = out["notes"] + described.pop("notes")
        out.update(described, notes=notes, entry=entry)
        out["seconds"] = round(time.perf_counter() - started, 3)
        return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
