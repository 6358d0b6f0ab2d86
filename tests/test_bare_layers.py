"""A torch layer the script applies itself (`lstm = nn.LSTM(3, 2); lstm(x)`) is judged as a
model of one layer on that input: a fault sits on its constructor, where the fix goes, and torch
raises on the same input."""
from __future__ import annotations

import textwrap

import pytest

from shapelint.pipeline.analysis import analyse

torch = pytest.importorskip("torch")

CASES = {
    "lstm": ("""\
        import torch
        import torch.nn as nn
        lstm = nn.LSTM(3, 2)
        output, hidden = lstm(torch.randn(6, 4, 5))
        """, (3, "SHP106")),
    "linear": ("""\
        import torch
        import torch.nn as nn
        fc = nn.Linear(3, 1)
        y = fc(torch.Tensor([[1.0, 2.0], [3.0, 4.0]]))
        """, (3, "SHP101")),
    "fits": ("""\
        import torch
        import torch.nn as nn
        fc = nn.Linear(2, 1)
        y = fc(torch.Tensor([[1.0, 2.0], [3.0, 4.0]]))
        """, None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bare_layer_is_judged_where_torch_raises(name):
    source, finding = CASES[name]
    source = textwrap.dedent(source)
    found = [(d.line, d.code.code) for d in analyse(source, "script.py").diagnostics()
             if d.code.code.startswith(("SHP1", "SHP2"))]
    assert found == ([finding] if finding else [])
    if finding:
        with pytest.raises(RuntimeError):
            exec(compile(source, "script.py", "exec"), {})
    else:
        exec(compile(source, "script.py", "exec"), {})
