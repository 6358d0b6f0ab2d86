"""Imports: the user's own modules are read by path (never imported); the rest become Refs."""
from __future__ import annotations

import os

import libcst as cst

from ..domain.dims import Unknown
from .slicing import ModuleIndex, Reading
from .values import Ref, UserModule

# Packages whose code we model through the catalogue instead of reading it, even when their
# sources sit on disk next to the analysed file (as when reading keras's own applications).
MODELLED_ROOTS = frozenset({"keras", "tensorflow", "tf_keras", "torch", "numpy", "math",
                            "functools", "collections", "typing", "dataclasses", "os", "sys",
                            "einops"})


def dotted(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def bound_name(statement, alias) -> str:
    """The name an import's alias binds: `import a.b` binds a."""
    if alias.asname is not None:
        return alias.asname.name.value
    if isinstance(statement, cst.Import):
        return dotted(alias.name).split(".")[0]
    return dotted(alias.name)


class ImportsMixin:

    def do_import(self, node: cst.Import, scope) -> None:
        for alias in node.names:
            name = dotted(alias.name)
            if alias.asname is not None:
                self.assign(alias.asname.name, self.import_module(name, 0, scope.module), scope)
            else:
                head = name.split(".")[0]
                self.assign(cst.Name(head), self.import_module(head, 0, scope.module), scope)

    def do_import_from(self, node: cst.ImportFrom, scope) -> None:
        base = dotted(node.module) if node.module is not None else ""
        level = len(node.relative)
        module = self.import_module(base, level, scope.module)
        if isinstance(node.names, cst.ImportStar):
            if isinstance(module, UserModule):
                if scope.module is not None and scope is scope.module.scope:  # read lazily
                    scope.module.star_modules.append(module)
                    return
                self.read_more(module)
                for name in list(module.pending):
                    self.resolve_pending(module, name)
                scope.vars.update({k: v for k, v in module.scope.vars.items()
                                   if not k.startswith("_")})
            elif isinstance(module, Ref) and scope.module is not None:
                scope.module.star_refs.append(module.qualname)
            return
        self.import_names(node, node.names, scope, module)

    def import_names(self, node: cst.ImportFrom, aliases, scope, module=None) -> None:
        """Bind aliases, some of the names node imports (module: what node imports from)."""
        if module is None:
            module = self.import_module(dotted(node.module) if node.module is not None else "",
                                        len(node.relative), scope.module)
        for alias in aliases:
            name = dotted(alias.name)
            target = alias.asname.name if alias.asname is not None else cst.Name(name)
            self.assign(target, self.get_attribute(module, name), scope)

    def import_module(self, name: str, level: int, importer: UserModule | None):
        """A UserModule when the module is the user's own file, else a Ref to it."""
        if level == 0 and name.split(".")[0] in MODELLED_ROOTS and not _read_anyway(name):
            return Ref(name)
        path = self.find_module(name, level, importer)
        if path is None:
            if level:
                return Unknown(f"relative import {'.' * level}{name} not found")
            return Ref(name)
        return self.load_module(path, name or os.path.basename(os.path.dirname(path)))

    def loaded_module(self, name):
        """sys.modules[name]: the one module read so far whose __name__ is name."""
        if not isinstance(name, str):
            return Unknown("sys.modules of an unknown name")
        found = [m for m in self.modules.values() if m.scope.vars.get("__name__") == name]
        if len(found) != 1:
            return Unknown(f"sys.modules[{name!r}]: not one module shapelint read")
        return found[0]

    def import_submodule(self, module: UserModule, name: str):
        """`pkg.sub` where pkg is a user package: read pkg/sub.py on demand."""
        if not module.path.endswith("__init__.py"):
            return Unknown(f"'{name}' is not defined in {module.name}")
        path = _module_file(os.path.dirname(module.path), [name])
        if path is None:
            return Unknown(f"'{name}' is not defined in {module.name}")
        return self.load_module(path, f"{module.name}.{name}")

    def lazily_bound(self, module: UserModule, name: str):
        """A name a lazy package binds on first use (transformers' _LazyModule, a PEP 562
        __getattr__), read where the package's TYPE_CHECKING imports say it comes from
        (slicing._typed_imports); NotImplemented when they do not name it, or when it is a
        submodule, which the loader imports first too."""
        typed = module.reading.index.typed_imports if module.reading is not None else {}
        if not typed:
            return NotImplemented
        if name in typed:
            base, level, there = typed[name]
            found = self.get_attribute(self.import_module(base, level, module), there)
        elif name.startswith("_") or not module.path.endswith("__init__.py") or \
                _module_file(os.path.dirname(module.path), [name]) is not None:
            return NotImplemented
        else:
            found = NotImplemented
            for base, level in reversed(typed.get("*", ())):  # the last import wins
                source = self.import_module(base, level, module)
                if isinstance(source, UserModule) and source.reading is not None and (
                        name in source.reading.index.binders or
                        source.reading.index.typed_imports):
                    found = self.module_attribute(source, name)
                    if found is not NotImplemented and not isinstance(found, Unknown):
                        break
            if found is NotImplemented or isinstance(found, Unknown):
                return NotImplemented
        if not isinstance(found, Unknown):
            module.scope.vars[name] = found  # as the loader keeps it
        return found

    def find_module(self, name: str, level: int, importer: UserModule | None) -> str | None:
        here = os.path.dirname(os.path.abspath(importer.path)) if importer else os.getcwd()
        parts = [p for p in name.split(".") if p]
        if level:
            base = here
            for _ in range(level - 1):
                base = os.path.dirname(base)
            return _module_file(base, parts)
        for root in _search_roots(here):
            if _installed(root) and parts[0] != _top_package(here):
                continue  # an installed library beside the package: not the user's code
            found = _module_file(root, parts)
            if found is not None:
                return found
        return None

    def load_module(self, path: str, name: str):
        path = os.path.abspath(path)
        if path in self.modules:
            return self.modules[path]  # a cycle sees the partly-run module, as Python does
        if len(self.modules) >= self.budget.limits.modules:
            return Unknown("too many modules to read")
        try:
            stat = os.stat(path)
        except OSError:
            return Unknown(f"module {name} could not be read")
        if stat.st_size > self.max_file_bytes:
            return Unknown(f"{path} is too large to read")
        # Charged whether or not the index is cached, so that a file's findings never depend
        # on which files were checked before it in the same process.
        budget = self.budget
        if budget.import_bytes >= budget.limits.import_bytes:  # no part of it could be parsed
            return Unknown(f"module {name} not read: this file's statements read use all of "
                           f"budget.import_bytes ({budget.limits.import_bytes:,} bytes)")
        refused = budget.read("index_bytes", stat.st_size)
        if refused:
            return Unknown(f"module {name} not read: {refused}")
        indexed = _indexed(path, stat)
        if indexed is None:
            return Unknown(f"module {name} could not be read or parsed")
        index, source = indexed
        self.frameworks.read(source)
        # Nothing runs yet: each name asked of the module reads the statements it needs.
        module = self.run_module(None, path, name, source=source,
                                 reading=Reading(index, lazy_bodies=True))
        if not self.budget.limits.slicing:
            self.read_more(module)
        return module


# Per process, so that checking a directory (or a flake8 worker's share of it) reads each shared
# sibling module once: its statement index, and libcst's trees of the parts read. Both are
# immutable. The import budget is charged whether or not a part is cached, so a file's findings
# never depend on which files were checked before it.
_INDEX_CACHE: dict = {}
_PART_CACHE: dict = {}
_CACHE_SIZE = 64
# Indexes are small next to libcst's trees, and one model of timm or transformers reads dozens
# of sibling modules (timm.layers alone has a hundred): with room for 64, a run over timm built
# each index three times.
_INDEX_CACHE_SIZE = 1024


def _remember(cache: dict, key, value, size: int = _CACHE_SIZE):
    cache[key] = value
    while len(cache) > size:
        del cache[next(iter(cache))]
    return value


def _indexed(path: str, stat):
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key in _INDEX_CACHE:
        _INDEX_CACHE[key] = _INDEX_CACHE.pop(key)  # most recently used last
        return _INDEX_CACHE[key]
    try:
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
    except (OSError, UnicodeDecodeError):
        return None
    from .parsing import python_tree
    tree = python_tree(source)
    return _remember(_INDEX_CACHE, key, None if tree is None else (ModuleIndex(tree, source),
                                                                   source), _INDEX_CACHE_SIZE)


def parsed_part(path: str, order: list, text: str):
    """libcst's tree of the statements order of a module (text: their source)."""
    key = (path, tuple(order), hash(text))
    if key in _PART_CACHE:
        return _PART_CACHE[key]
    from .parsing import parse
    return _remember(_PART_CACHE, key, parse(text))


# libcst's tree of each top-level statement of a sibling module, parsed alone, per process: the
# statements one file reads of a module are rarely the set the next file reads, but the same
# statements come back (timm's models read the same helpers of timm.layers). Bounded by the
# source bytes they hold, the least recently used dropped first. The bound also bounds the
# pause of Python's full collections, which scan every kept tree: 6 MB of statements made 2.2 M
# objects, a 1.1 s pause that fell on whichever file the collector picked (over 1 s alone on
# transformers); 3 MB halves it and checks timm and transformers in the same CPU time.
_STATEMENT_CACHE: dict = {}
_STATEMENT_BYTES = 3_000_000
_statement_bytes = 0


def parsed_statements(path: str, index, order: list) -> list | None:
    """[(tree, line numbers, first line)] for each statement of order, each parsed alone (a
    module of its own: its positions are the file's, its lines counted from first); None
    when one does not parse."""
    global _statement_bytes
    from .parsing import parse
    pieces = []
    for i in order:
        statement = index.statements[i]
        lines = range(statement.first, statement.last + 1)
        numbers = list(lines)
        text = index.text_of(lines)
        key = (path, statement.first, text)
        tree = _STATEMENT_CACHE.pop(key, None)
        if tree is None:
            tree = parse(text)
            if tree is None:
                return None
            _statement_bytes += len(text)
            while _statement_bytes > _STATEMENT_BYTES and _STATEMENT_CACHE:
                dropped = next(iter(_STATEMENT_CACHE))
                _statement_bytes -= len(dropped[2])
                del _STATEMENT_CACHE[dropped]
        _STATEMENT_CACHE[key] = tree  # most recently used last
        pieces.append((tree, numbers, statement.first))
    return pieces


# Helper modules inside modelled packages that are plain Python worth reading as text when
# they are found next to the analysed file (keras's applications read their own helpers).
READ_ANYWAY = ("keras.src.applications",)


def _read_anyway(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in READ_ANYWAY)


def _module_file(base: str, parts: list[str]) -> str | None:
    if not parts:
        init = os.path.join(base, "__init__.py")
        return init if os.path.isfile(init) else None
    stem = os.path.join(base, *parts)
    if os.path.isfile(stem + ".py"):
        return stem + ".py"
    init = os.path.join(stem, "__init__.py")
    return init if os.path.isfile(init) else None


def _installed(root: str) -> bool:
    return os.path.basename(root) in ("site-packages", "dist-packages")


def _top_package(here: str) -> str:
    """The name of the top-level package a directory belongs to ('' outside any package)."""
    top, name = here, ""
    while os.path.isfile(os.path.join(top, "__init__.py")):
        top, name = os.path.dirname(top), os.path.basename(top)
    return name


def _search_roots(here: str) -> list[str]:
    """The importer's directory, then the directory holding its top-level package."""
    roots = [here]
    top = here
    while os.path.isfile(os.path.join(top, "__init__.py")):
        top = os.path.dirname(top)
    if top != here:
        roots.append(top)
    return roots
