"""What shapelint reads for the name `out` of a small source: the tests of data shapes
(test_arrays.py, test_numpy_random.py) run the same source with numpy and compare."""
from shapelint.pipeline.analysis import analyse


def static_out(header: str, code: str):
    """The interpreter's value of `out` after `header + code`, read as a whole file; the
    reading must leave no note (nothing it failed to read)."""
    analysis = analyse(header + code + "\n", "case.py", whole_file=True)
    assert not analysis.notes, analysis.notes
    return analysis.module.scope.vars["out"]
