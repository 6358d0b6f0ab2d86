"""Write src/shapelint/catalogue/torch_attribute_names.py from the torch installed here:
every name an instance of a torch.nn module class may have.

    python tests/make_torch_attribute_names.py

The names of each class and its torch bases, object's, and those their source sets on self or
registers by a literal name (register_buffer("running_mean", ...), add_module, setattr).
tests/test_torch_catalogue.py checks the file against real instances."""
from __future__ import annotations

import ast
import inspect
import pathlib
import textwrap

TARGET = (pathlib.Path(__file__).resolve().parents[1] / "src" / "shapelint" / "catalogue" /
          "torch_attribute_names.py")
_REGISTERS = {"register_buffer", "register_parameter", "register_module", "add_module",
              "__setattr__", "setattr"}


def module_classes() -> set:
    import torch.nn as nn
    return {obj for space in (nn, nn.modules) for obj in vars(space).values()
            if inspect.isclass(obj) and issubclass(obj, nn.Module)}


def attribute_names() -> tuple[set[str], set[str]]:
    """(names, prefixes): every literal name, and the literal head of every name a class
    computes (RNNBase registers f"weight_ih_l{layer}{suffix}" with setattr)."""
    names, prefixes = set(dir(object)), set()
    for cls in module_classes():
        for c in cls.__mro__:
            names |= set(vars(c))
            try:
                tree = ast.parse(textwrap.dedent(inspect.getsource(c)))
            except (OSError, TypeError):
                continue
            computed = any(isinstance(n, ast.Call) and _called(n) in _REGISTERS and n.args and
                           not isinstance(n.args[0 if _called(n) != "setattr" else 1],
                                          ast.Constant)
                           for n in ast.walk(tree) if isinstance(n, ast.Call) and
                           len(n.args) > (1 if _called(n) == "setattr" else 0))
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                        node.value.id == "self":
                    names.add(node.attr)
                elif isinstance(node, ast.Call) and _called(node) in _REGISTERS:
                    names.update(a.value for a in node.args[:2]
                                 if isinstance(a, ast.Constant) and isinstance(a.value, str))
                elif computed and _template_head(node).isidentifier():
                    prefixes.add(_template_head(node))  # a name's head, not a message
    return names, prefixes


def _template_head(node: ast.AST) -> str:
    """The literal text before the first hole of f"..." or "...{}" (a template to .format)."""
    if isinstance(node, ast.JoinedStr) and node.values and \
            isinstance(node.values[0], ast.Constant):
        return node.values[0].value
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value:
        return node.value.split("{", 1)[0]
    return ""


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def main() -> None:
    import torch
    names, prefixes = attribute_names()
    body = textwrap.indent(textwrap.fill(" ".join(sorted(names)), width=95,
                                         break_long_words=False, break_on_hyphens=False), "    ")
    TARGET.write_text(f'''"""Every attribute name an instance of a torch.nn module may have (torch {torch.__version__.split("+")[0]}): its
class's and its bases' names, object's, and what their source sets on self or registers by a
literal name, and the literal heads of the names they compute.

getattr(layer, name, default) and hasattr(layer, name) are decided from it: a name outside it
is absent from every layer torch builds (transformers' post_init asks each child for
`_keep_in_fp32_modules`). Written by tests/make_torch_attribute_names.py; a test checks it
against real instances, so a torch that adds a name fails that test, not the analysis.
"""
NAMES = frozenset("""
{body}
""".split())
# The literal heads of names a class computes before registering them (f"weight_ih_l{{layer}}").
PREFIXES = {tuple(sorted(prefixes))!r}


def may_have(name: str) -> bool:
    """Whether some torch.nn module instance may have an attribute of this name."""
    return name in NAMES or name.startswith(PREFIXES)
''')


if __name__ == "__main__":
    main()
