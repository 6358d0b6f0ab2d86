"""A summary table in the spirit of Keras's model.summary()."""
from __future__ import annotations

from ..dims import is_known


def _count(value) -> str:
    if is_known(value):
        return f"{value:,}"
    return "?"


def render(graph, path: str) -> str:
    rows = [(f"{n.name} ({n.type_name})", str(n.output_shape),
             _count(n.total) if n.counts else "0 (shared)") for n in graph.rows]
    header = ("Layer (type)", "Output Shape", "Param #")
    widths = [max(len(r[i]) for r in rows + [header]) + 2 for i in range(3)]
    width = sum(widths)

    def line(cells):
        return (cells[0].ljust(widths[0]) + cells[1].ljust(widths[1])
                + cells[2].rjust(widths[2])).rstrip()
    from ..notebook import where  # 'cell 3:2' in a notebook
    out = [f'Model: "{graph.name}" ({graph.entry}, {path}:{where(path, graph.line)})',
           "=" * width,
           line(header), "=" * width]
    out += [line(r) for r in rows]
    out.append("=" * width)
    out.append(f"Total params: {_count(graph.total)}")
    out.append(f"Trainable params: {_count(graph.trainable)}")
    out.append(f"Non-trainable params: {_count(graph.non_trainable)}")
    if graph.assumptions:  # exact for the script run as it is, and resting on these
        out.append("Assumes (command-line defaults): " + ", ".join(graph.assumptions))
    reasons = graph.reasons()
    if reasons:
        out.append("Unknown:")
        out += [f"  - {r}" for r in reasons]
    return "\n".join(out) + "\n"
