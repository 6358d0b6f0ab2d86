"""One frozen Config from `[tool.shapelint]` (found by walking up from the file), flake8 options
and CLI flags, in that order of precedence (the later overrides the earlier).

```toml
[tool.shapelint]
select = ["SHP1", "SHP2"]
ignore = ["SHP201"]
data-format = "channels_last"       # Keras's default image_data_format
budget = 200000                     # analysis steps per file (or a table of Limits fields)

[tool.shapelint.per-file-ignores]
"tests/*" = ["SHP2"]

[tool.shapelint.input-shapes]       # per model: "ENTRY" anywhere, or "path::ENTRY"
"nets/alexnet.py::model" = [1, 227, 227, 3]
Net = "1,3,32,32"
```
Unknown keys and values of the wrong type are a warning on stderr, never a crash.
"""
from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import sys
from dataclasses import dataclass, fields, replace
from functools import lru_cache

KEYS = ("select", "ignore", "per-file-ignores", "input-shapes", "data-format", "budget")
DATA_FORMATS = ("channels_last", "channels_first")


@dataclass(frozen=True)
class Config:
    select: tuple = ()
    ignore: tuple = ()
    per_file_ignores: tuple = ()  # (pattern, codes) pairs, patterns relative to root
    input_shapes: tuple = ()  # (key, dims) pairs; dims is a tuple of int | None
    data_format: str = "channels_last"
    budget: tuple = ()  # (Limits field, int) pairs
    root: str = ""  # directory of the pyproject.toml the settings came from
    source: str = ""  # that pyproject.toml, or "" for defaults

    def enabled(self, code, path: str) -> bool:
        from ..domain.codes import enabled
        ignore = self.ignore + self.ignores_for(path)
        return enabled(code, self.select, ignore)

    def ignores_for(self, path: str) -> tuple:
        relative = _relative(path, self.root)
        out = ()
        for pattern, codes in self.per_file_ignores:
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(os.path.basename(path),
                                                                     pattern):
                out += codes
        return out

    def limits(self):
        from ..interpreter.budget import Limits
        return Limits(**dict(self.budget))

    def input_shape(self, path: str, entry: str):
        """The configured input Shape of the model ENTRY in path, or None."""
        relative = _relative(path, self.root)
        for key, dims in self.input_shapes:
            where, sep, name = key.rpartition("::")
            if name == entry and (not sep or fnmatch.fnmatch(relative, where)):
                return _shape(dims)
        return None

    def override(self, **changes) -> "Config":
        """A copy with the given non-empty settings replaced (CLI flags, flake8 options)."""
        return replace(self, **{k: v for k, v in changes.items() if v not in (None, (), "")})


def _relative(path: str, root: str) -> str:
    absolute = os.path.abspath(path)
    if root and (absolute + os.sep).startswith(os.path.abspath(root) + os.sep):
        absolute = os.path.relpath(absolute, root)
    return absolute.replace(os.sep, "/")


def _shape(dims):
    from ..domain.dims import Unknown
    from ..domain.shapes import Shape
    return Shape(tuple(Unknown("batch") if d is None and i == 0 else
                       Unknown("given as unknown") if d is None else d
                       for i, d in enumerate(dims)))


def parse_dims(value) -> tuple | None:
    """[1, 227, 227, 3], [null, ...] or "None,227,227,3" -> dims; None when malformed."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or len(items) < 2:
        return None
    dims = []
    for item in items:
        text = str(item).strip() if not isinstance(item, int) or isinstance(item, bool) else item
        if isinstance(text, int) and text > 0:
            dims.append(text)
        elif isinstance(text, str) and text.isdigit() and int(text) > 0:
            dims.append(int(text))
        elif item is None or (isinstance(text, str) and text.lower() in ("none", "?", "-1")):
            dims.append(None)
        else:
            return None
    return tuple(dims)


def warn(message: str) -> None:
    print(f"shapelint: warning: {message}", file=sys.stderr)


def _codes(value, where: str, source: str) -> tuple:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        warn(f"{source}: {where} must be a list of code prefixes; ignored")
        return ()
    return tuple(v.strip().upper() for v in value if v.strip())


def from_table(table: dict, source: str, root: str) -> Config:
    """A Config from the [tool.shapelint] table; bad entries are warned about and skipped."""
    from ..interpreter.budget import Limits
    settings: dict = {"root": root, "source": source}
    for key in table:
        if key.replace("_", "-") not in KEYS:
            warn(f"{source}: unknown key '{key}' in [tool.shapelint] (known keys: "
                 f"{', '.join(KEYS)}); ignored")
    get = {k.replace("_", "-"): v for k, v in table.items()}
    if "select" in get:
        settings["select"] = _codes(get["select"], "select", source)
    if "ignore" in get:
        settings["ignore"] = _codes(get["ignore"], "ignore", source)
    if "per-file-ignores" in get:
        value = get["per-file-ignores"]
        if isinstance(value, dict):
            settings["per_file_ignores"] = tuple(
                (str(pattern), _codes(codes, f"per-file-ignores '{pattern}'", source))
                for pattern, codes in value.items())
        else:
            warn(f"{source}: per-file-ignores must be a table of pattern = [codes]; ignored")
    if "input-shapes" in get:
        value = get["input-shapes"]
        shapes = []
        for key, dims in (value.items() if isinstance(value, dict) else ()):
            parsed = parse_dims(dims)
            if parsed is None:
                warn(f"{source}: input-shapes '{key}' = {dims!r} is not a shape (give batch "
                     "first, e.g. [1, 3, 224, 224] or \"None,227,227,3\"); ignored")
            else:
                shapes.append((str(key), parsed))
        if not isinstance(value, dict):
            warn(f"{source}: input-shapes must be a table of ENTRY = shape; ignored")
        settings["input_shapes"] = tuple(shapes)
    if "data-format" in get:
        if get["data-format"] in DATA_FORMATS:
            settings["data_format"] = get["data-format"]
        else:
            warn(f"{source}: data-format must be one of {', '.join(DATA_FORMATS)}; ignored")
    if "budget" in get:
        settings["budget"] = _budget(get["budget"], source,
                                     {f.name for f in fields(Limits)
                                      if type(f.default) is int})
    return Config(**settings)


def _budget(value, source: str, names: set) -> tuple:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return (("steps", value),)
    if isinstance(value, dict):
        out = []
        for key, number in value.items():
            name = key.replace("-", "_")
            if name in names and isinstance(number, int) and not isinstance(number, bool) \
                    and number > 0:
                out.append((name, number))
            else:
                warn(f"{source}: budget.{key} must be a positive int and one of "
                     f"{', '.join(sorted(names))}; ignored")
        return tuple(out)
    warn(f"{source}: budget must be a positive int (analysis steps) or a table; ignored")
    return ()


def find_pyproject(path: str) -> str | None:
    """The nearest pyproject.toml, walking up from path, that has a [tool.shapelint] table."""
    here = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    while True:
        candidate = os.path.join(here, "pyproject.toml")
        if os.path.isfile(candidate) and _table(candidate) is not None:
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


# Every spelling of a tool.shapelint key: [tool.shapelint], [ tool . "shapelint" ], a dotted
# key tool.shapelint.select = ..., or a [tool] table (or inline `tool = {...}`) holding one.
_MAY_HOLD_TABLE = re.compile(rb"tool[\"']?\s*\.\s*[\"']?shapelint|^\s*\[\s*[\"']?tool[\"']?\s*\]"
                             rb"|^\s*[\"']?tool[\"']?\s*=", re.MULTILINE)


@lru_cache(maxsize=None)
def _table(pyproject: str) -> dict | None:
    try:
        with open(pyproject, "rb") as handle:
            data = handle.read()
    except OSError as error:
        warn(f"{pyproject}: not read ({error}); its [tool.shapelint] settings are ignored")
        return None
    if not _MAY_HOLD_TABLE.search(data):
        # no tool.shapelint key: the project's own pyproject.toml, met by every lint run,
        # costs no TOML parser (a hundredth of a second at each start of a process)
        return None
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            return None
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except ValueError as error:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        warn(f"{pyproject}: not read ({error}); its [tool.shapelint] settings are ignored")
        return None
    table = document.get("tool", {}).get("shapelint") if isinstance(document.get("tool"),
                                                                    dict) else None
    if table is not None and not isinstance(table, dict):
        warn(f"{pyproject}: tool.shapelint must be a table; ignored")
        return None
    return table


@lru_cache(maxsize=None)
def load(pyproject: str) -> Config:
    """The Config a pyproject.toml holds (warnings are printed once per file)."""
    table = _table(pyproject)
    if table is None:
        return Config()
    return from_table(table, pyproject, os.path.dirname(pyproject))


def config_for(path: str, explicit: str | None = None) -> Config:
    """The Config that governs path: an explicit pyproject.toml, else the nearest one."""
    pyproject = explicit or find_pyproject(path)
    return load(os.path.abspath(pyproject)) if pyproject else Config()


_KERAS_COMMON = f"{__name__.rsplit('.', 2)[0]}.catalogue.keras._common"


@contextlib.contextmanager
def keras_data_format(data_format: str):
    """Keras's image_data_format for one analysis (Keras reads it from keras.json)."""
    if data_format == "channels_last" and _KERAS_COMMON not in sys.modules:
        yield  # the Keras catalogue, if this analysis imports it, starts at channels_last
        return
    from ..catalogue.keras import _common as keras_common
    saved = keras_common.DEFAULT_DATA_FORMAT
    keras_common.DEFAULT_DATA_FORMAT = data_format
    try:
        yield
    finally:
        keras_common.DEFAULT_DATA_FORMAT = saved


def diagnostics(text: str, path: str, config: Config, tree=None) -> list:
    """check_source under a Config: its budget, data format, input shapes and selection."""
    from ..pipeline.analysis import analyse
    from ..pipeline.gate import mentions_framework
    if not mentions_framework(text):
        return []
    with keras_data_format(config.data_format):
        analysis = analyse(text, path, config.limits(), tree=tree)
        shapes = {entry: config.input_shape(path, entry) for entry, _ in analysis.models}
        return analysis.diagnostics(shapes, wanted=lambda d: config.enabled(d.code, path))


def add_cli_options(parser) -> None:
    """The flags `check` takes beyond --select/--ignore; they override [tool.shapelint]."""
    parser.add_argument("--config", metavar="PYPROJECT",
                        help="read [tool.shapelint] from this file instead of the nearest one")
    parser.add_argument("--data-format", choices=DATA_FORMATS,
                        help="Keras image_data_format default (config: data-format)")
    parser.add_argument("--budget", type=int, metavar="STEPS",
                        help="analysis steps per file (config: budget)")


def from_args(args, path: str) -> Config:
    """[tool.shapelint] for path, overridden by the command line."""
    explicit = getattr(args, "config", None)
    if explicit and not os.path.isfile(explicit):
        from .usage import UsageError
        raise UsageError(f"--config {explicit}: no such file")
    if getattr(args, "budget", None) is not None and args.budget <= 0:
        from .usage import UsageError
        raise UsageError("--budget must be a positive number of steps")
    base = config_for(path, explicit)
    budget = dict(base.budget)
    if getattr(args, "budget", None):
        budget["steps"] = args.budget
    return base.override(data_format=getattr(args, "data_format", None),
                         budget=tuple(budget.items()))


def flake8_overrides(base: Config, options: dict) -> Config:
    """flake8's --shapelint-* options over a Config; malformed values warn and are skipped."""
    budget = dict(base.budget)
    if isinstance(options.get("budget"), int) and options["budget"] > 0:
        budget["steps"] = options["budget"]
    data_format = options.get("data_format")
    if data_format and data_format not in DATA_FORMATS:
        warn(f"--shapelint-data-format {data_format!r} is not one of "
             f"{', '.join(DATA_FORMATS)}; ignored")
        data_format = None
    shapes = list(base.input_shapes)
    for item in (options.get("input_shapes") or "").replace(",", " ").split():
        entry, _, text = item.partition("=")
        dims = parse_dims(text.replace("x", ",")) if entry else None
        if dims is None:
            warn(f"--shapelint-input-shapes: {item!r} is not ENTRY=SHAPE (e.g. Net=1x3x32x32); "
                 "ignored")
        else:
            shapes.insert(0, (entry, dims))
    return base.override(data_format=data_format, budget=tuple(budget.items()),
                         input_shapes=tuple(shapes))
