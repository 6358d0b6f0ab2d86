"""Write src/shapelint/catalogue/torch_module_names.py from the torch installed here: the names
dir() gives for the torch modules that model code probes (`'hardswish' in dir(F)`,
`hasattr(nn, 'RMSNorm')`).

    python tests/make_torch_module_names.py

tests/test_library_idioms.py checks the file against the installed torch."""
from __future__ import annotations

import importlib
import pathlib
import textwrap

TARGET = (pathlib.Path(__file__).resolve().parents[1] / "src" / "shapelint" / "catalogue" /
          "torch_module_names.py")
MODULES = ("torch.nn", "torch.nn.functional", "torch.nn.init", "torch.nn.utils",
           "torch.nn.utils.parametrizations")


def main() -> None:
    import torch
    lines = []
    for name in MODULES:
        names = set(dir(importlib.import_module(name))) - {"__warningregistry__"}  # run-time
        body = textwrap.indent(textwrap.fill(" ".join(sorted(names)),
                                             width=91, break_long_words=False,
                                             break_on_hyphens=False), "        ")
        lines.append(f'    "{name}": frozenset("""\n{body}\n    """.split()),')
    entries = "\n".join(lines)
    TARGET.write_text(f'''"""The names dir() gives for torch modules that model code probes (torch {torch.__version__.split("+")[0]}).

`name in dir(torch.nn.functional)` and `hasattr(torch.nn, name)` are True for a name listed
here (the torch whose semantics the catalogue follows); a name not listed is unknown (another
torch may have it).
Written by tests/make_torch_module_names.py; a test checks it against the installed torch.
"""
NAMES = {{
{entries}
}}
''')


if __name__ == "__main__":
    main()
