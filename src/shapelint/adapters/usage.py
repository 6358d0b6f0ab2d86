"""What the command line's parts share: exit codes, the usage error, reading the user's files
and shapes. A leaf module: the CLI, config, confirm, notebooks and subcommands import it; it
imports none of them."""
from __future__ import annotations

import os

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def internal(error: Exception, where: str = "") -> str:
    """The one line that reports an error of shapelint's own (where: PATH or PATH::ENTRY)."""
    text = str(error).splitlines()[0][:200] if str(error) else ""
    said = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return (f"{where}: " if where else "") + f"shapelint hit an internal error ({said})"


def python_files(paths) -> list[str]:
    files = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [os.path.join(root, n) for n in sorted(names)
                          if n.endswith((".py", ".ipynb"))]
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    return files


def model_targets(targets) -> list[tuple[str, str]]:
    """(path, entry) of each PATH[::ENTRY] given to summary or confirm: a directory stands for
    its .py and .ipynb files, as in check; ::ENTRY names a model of one file."""
    found = []
    for target in targets:
        path, _, entry = target.partition("::")
        entry = entry.strip()
        if os.path.isdir(path):
            if entry:
                raise UsageError(f"{target}: ::ENTRY names a model in one file; give the file "
                                 f"of {path} that defines {entry}")
            found += [(name, "") for name in python_files([path])]
        elif os.path.isfile(path):
            found.append((path, entry))
        else:
            raise UsageError(f"{path}: no such file or directory")
    return found


def read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text; shapelint reads Python source files")
    except OSError as error:
        raise UsageError(f"{path}: cannot be read ({error.strerror})")


def parse_shape(text: str):
    from ..domain.dims import Unknown
    from ..domain.shapes import Shape
    dims = []
    for item in text.split(","):
        item = item.strip()
        if item.lower() in ("none", "?", "-1", "b", "n"):
            dims.append(Unknown("batch") if not dims else Unknown("given as unknown"))
        elif item.isdigit() and int(item) > 0:
            dims.append(int(item))
        else:
            raise UsageError(f"--input-shape: '{item}' is not a size; give comma-separated "
                             "positive ints, batch first, e.g. None,227,227,3")
    if len(dims) < 2:
        raise UsageError("--input-shape needs the batch dim and at least one more")
    return Shape(tuple(dims))
