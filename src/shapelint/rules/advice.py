"""The advice sentences rules/edges.py adds to a finding between a model and its data (`_fix`,
and the either-side place of data_places), by their openings. A rule that moves such a finding
to another statement says anew what to change there, and cuts these first: advice for the
model's line no longer holds once the finding sits on the data's, or the reverse."""
from __future__ import annotations

import re

OPENINGS = (
    "input_shape=",  # "... is the data's full shape, sample axis included"
    "If the data is right",
    "That data is made",
    "The data has no",
    "The data lacks the channel axis",
    "The data has the shape of one sample",
    "The input_shape swaps",
    "The model's input width",
)
_CUT = re.compile(r"\. (?:" + "|".join(map(re.escape, OPENINGS)) + ")")


def without_advice(message: str) -> str:
    """message up to the first advice sentence, without its final period."""
    return _CUT.split(message, maxsplit=1)[0].rstrip(".")
