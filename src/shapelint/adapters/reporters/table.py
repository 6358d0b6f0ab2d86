"""A summary table in the spirit of Keras's model.summary()."""
from __future__ import annotations

from ...domain.dims import is_known


def _count(value) -> str:
    if is_known(value):
        return f"{value:,}"
    return "?"


def render(graph, path: str) -> str:
    from ...cost import model_cost
    cost = model_cost(graph)
    rows = [(f"{n.name} ({n.type_name})", str(n.output_shape),
             _count(n.total) if n.counts else "0 (shared)") + _cost_cells(c)
            for n, c in zip(graph.rows, cost.rows)]
    header = ("Layer (type)", "Output Shape", "Param #", "FLOPs", "Activations")
    widths = [max(len(r[i]) for r in rows + [header]) + 2 for i in range(len(header))]
    width = sum(widths)

    def line(cells):
        return (cells[0].ljust(widths[0]) + cells[1].ljust(widths[1])
                + "".join(c.rjust(w) for c, w in zip(cells[2:], widths[2:]))).rstrip()
    from ..notebook import where  # 'cell 3:2' in a notebook
    out = [f'Model: "{graph.name}" ({graph.entry}, {path}:{where(path, graph.line)})',
           "=" * width,
           line(header), "=" * width]
    out += [line(r) for r in rows]
    out.append("=" * width)
    out.append(f"Total params: {_count(graph.total)}")
    out.append(f"Trainable params: {_count(graph.trainable)}")
    out.append(f"Non-trainable params: {_count(graph.non_trainable)}")
    out += _cost_lines(cost)
    if graph.assumptions:  # exact for the script run as it is, and resting on these
        out.append("Assumes (command-line defaults): " + ", ".join(graph.assumptions))
    reasons = graph.reasons()
    if reasons:
        out.append("Unknown:")
        out += [f"  - {r}" for r in reasons]
    return "\n".join(out) + "\n"


# -- cost columns and totals (shapelint.cost) ---------------------------------------------------

def _cost_cells(pair) -> tuple:
    from ...cost import units
    flops, acts = pair
    return (units.short(flops.value) if flops.known else (flops.formula or "?"),
            units.size(acts.value) if acts.known else "?")


def _cost_lines(cost) -> list:
    """FLOPs, parameter and activation memory in human units, exact figures beside."""
    from ...cost import units
    at = " (batch of 1)" if cost.per_sample else ""

    def show(figure, human, extra=""):
        if figure.known:
            return f"{human(figure.value)} ({figure.value:,}{extra})"
        return f"unknown: {figure.reason}" + (f" ({figure.formula})" if figure.formula else "")
    macs = cost.macs
    return [f"FLOPs{at}: " + show(cost.flops, units.flops,
                                  f"; MACs {macs.value:,}" if macs.known else ""),
            "Parameter memory: " + show(cost.param_bytes, units.size, " bytes"),
            f"Activation memory{at}: " + show(cost.activation_bytes, units.size,
                                              " bytes of layer outputs")]
