"""Which module of the catalogue registers each layer name, kept beside its compiled modules.

A process that lints one Keras file needs a few of the 157 Keras entries (AlexNet: Conv2D,
MaxPooling2D, Dense) and none of torch's; importing every catalogue module to learn which names
exist cost it a tenth of its start. The answer is kept in a file named after the size and time
of every catalogue source (the torch/ and keras/ packages' too): any change to one makes a new
file, made once from the catalogues themselves by importing them all.
"""
from __future__ import annotations

import os
from functools import lru_cache


@lru_cache(maxsize=1)
def modules() -> dict:
    """{framework: {layer name: the module registering it, e.g. "keras.conv"}}."""
    import json
    import zlib  # hashlib's import (OpenSSL's) costs more than the rest of this function
    folder = os.path.dirname(os.path.abspath(__file__))
    try:
        stamp = sorted((os.path.relpath(path, folder), status.st_mtime_ns, status.st_size)
                       for path in _sources(folder) for status in (os.stat(path),))
    except OSError:
        stamp = None
    kept = None if stamp is None else os.path.join(
        folder, "__pycache__",
        f"catalogue_index-{zlib.crc32(repr(stamp).encode()):08x}{len(stamp):04x}.json")
    if kept is not None:
        try:
            with open(kept, encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            pass
    made = built()
    if kept is not None:
        try:  # written whole, then renamed: a reader never sees half a file
            os.makedirs(os.path.dirname(kept), exist_ok=True)
            partial = f"{kept}.{os.getpid()}"
            with open(partial, "w", encoding="utf-8") as handle:
                json.dump(made, handle, sort_keys=True)
            os.replace(partial, kept)
        except OSError:
            pass
    return made


def built() -> dict:
    """The index read from the catalogues, every module of both imported."""
    from . import REGISTERED_IN, _load
    _load("keras")
    _load("torch")
    return {framework: dict(table) for framework, table in REGISTERED_IN.items()}


def _sources(folder: str) -> list:
    """Every .py file under folder, its packages included."""
    paths = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        paths += [os.path.join(root, name) for name in files if name.endswith(".py")]
    return paths
