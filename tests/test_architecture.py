"""The house (issue 19): the folders show the flow, lower floors never import upper ones, and no
module imports itself back through others — counted on top-level and function-level imports
alike, as read from the source (a lazy import inside a function is still a dependency)."""
from __future__ import annotations

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "src" / "shapelint"

# floor of each top-level folder: data flows upward, source -> interpreter -> model graph ->
# rules -> the pipeline of one file -> the ways users meet it. The catalogue (shape rules and
# parameter formulas) and cost (FLOP formulas) are knowledge the frameworks look up.
FLOORS = {
    "domain": 0,
    "catalogue": 1, "interpreter": 1, "cost": 1,
    "frameworks": 2,
    "rules": 3,
    "pipeline": 4,
    "adapters": 5, "confirm": 5,
}

# Cycles still tangled, listed so that a new cycle, or a module joining one, fails here:
# none. The framework values sit below the modules that make values (torch_values,
# keras_values); what a value does with those modules reaches them through an OPERATIONS seam
# that frameworks/torch.py and frameworks/keras.py plug in, never through an import.
KNOWN_CYCLES: list[set[str]] = []


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(modules: dict[str, pathlib.Path]) -> dict[str, set[str]]:
    """module -> the shapelint modules it imports ('' is the package itself)."""
    graph = {}
    for name, path in modules.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        here = [p for p in here if p]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                if node.level:
                    base = here[:len(here) - node.level + 1]
                else:
                    if not (node.module or "").startswith("shapelint"):
                        continue
                    base = (node.module or "").split(".")[1:]
                    node = ast.ImportFrom(module=None, names=node.names, level=0)
                target = base + (node.module.split(".") if node.module else [])
                for alias in node.names:
                    full = ".".join(target + [alias.name])
                    found.add(full if full in modules else ".".join(target))
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".", 1)[1] for a in node.names
                          if a.name.startswith("shapelint.")}
        resolved = set()
        for target in found:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            # a module importing its own package's __init__ (or a parent) is not an edge
            if target != name and not name.startswith(target + ".") and target:
                resolved.add(target)
        graph[name] = resolved
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, out, counter = {}, {}, [], set(), [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(component)
    return out


def test_no_import_cycle_but_those_listed():
    cycles = _cycles(_imports(_modules()))
    assert sorted(map(sorted, cycles)) == sorted(map(sorted, KNOWN_CYCLES))


def test_the_cycle_finder_finds_a_cycle():
    """Not hollow: a lazy import inside a function closes a cycle."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [{"a", "b", "c"}]


def test_every_module_lives_in_a_floor():
    top = {name.split(".")[0] for name in _modules() if name}
    assert top - set(FLOORS) == {"__main__"}


def test_lower_floors_never_import_upper_ones():
    graph = _imports(_modules())
    upward = sorted(f"{name} imports {target}" for name, targets in graph.items() if name
                    for target in targets if target
                    and FLOORS.get(target.split(".")[0], 9) > FLOORS.get(name.split(".")[0], 9))
    assert upward == []
