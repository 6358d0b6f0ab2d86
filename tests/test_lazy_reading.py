"""Reading an imported module lazily, as Python would see it (interpreter/slicing.py, core.py).

Each case is a small package of our own checked against real torch: `from m import a, b` reads
only the name used, `if TYPE_CHECKING:` blocks never run, a name bound to a literal is not
changed by the calls it is handed to, and a function of an imported module reads its globals
when called, never showing an earlier statement a value made by a later one.
"""
from __future__ import annotations

import ast
import textwrap

from shapelint.interpreter.slicing import ModuleIndex, Reading

from test_slicing import real_params, static_total, write


def test_a_from_import_reads_only_the_name_used(tmp_path):
    # broken.py does not even parse: `from pkg import used, broken` must not need it
    path = write(tmp_path, {
        "good.py": "WIDTH = 6\n",
        "broken.py": "def oops(:\n",
        "cfg.py": "from good import WIDTH\nfrom broken import oops\n",
        "model.py": """
            import torch.nn as nn
            from cfg import WIDTH, oops

            model = nn.Sequential(nn.Linear(4, WIDTH))
        """,
    })
    expected = 4 * 6 + 6
    assert static_total(path) == expected
    # torch agrees once the unused module parses
    (tmp_path / "broken.py").write_text("def oops():\n    pass\n")
    assert real_params(tmp_path) == expected


TYPE_CHECKED = {
    "cfg.py": """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            WIDTH = 3
        else:
            WIDTH = 7
    """,
    "model.py": """
        import torch.nn as nn
        from cfg import WIDTH

        model = nn.Sequential(nn.Linear(2, WIDTH))
    """,
}


def test_type_checking_blocks_never_run(tmp_path):
    path = write(tmp_path, TYPE_CHECKED)
    assert static_total(path) == real_params(tmp_path) == 2 * 7 + 7


def test_a_literal_handed_to_a_call_is_not_read_as_changed():
    source = textwrap.dedent("""
        VERSION = "1.0"
        print(VERSION)
        register(version=VERSION)
        SIZES = [1]
        register(SIZES)
    """)
    index = ModuleIndex(ast.parse(source), source)
    order, hazard = Reading(index).extend({"VERSION"})
    assert [index.statements[i].first for i in order] == [2] and hazard is None
    order, _ = Reading(index).extend({"SIZES"})
    assert [index.statements[i].first for i in order] == [5, 6]  # a list may be changed


LATER_CHANGE = {
    "cfg.py": """
        CFG = {"w": 8}


        def width():
            return CFG["w"]


        DEFAULT = width()
        CFG["w"] = 16
    """,
    "model.py": """
        import torch.nn as nn
        from cfg import DEFAULT

        model = nn.Sequential(nn.Linear(2, DEFAULT))
    """,
}


def test_a_function_read_lazily_never_sees_a_later_value(tmp_path):
    path = write(tmp_path, LATER_CHANGE)
    assert real_params(tmp_path) == 2 * 8 + 8
    assert static_total(path) in (2 * 8 + 8, None)  # never 2 * 16 + 16


HELPERS = {
    "blocks.py": """
        import torch.nn as nn

        HIDDEN = 5


        def unused_helper():
            return nn.Linear(100, 100)


        class Block(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.fc = nn.Linear(n, hidden())

            def other(self):
                return unused_helper()


        def hidden():
            return HIDDEN
    """,
    "model.py": """
        from blocks import Block

        model = Block(3)
    """,
}


def test_a_method_reads_its_globals_when_called(tmp_path):
    path = write(tmp_path, HELPERS)
    assert static_total(path) == real_params(tmp_path) == 3 * 5 + 5
