"""frameworks/array_writes.py: a PIL picture written into a preallocated batch slot whose bands
it lacks. Each snippet is run with the real Pillow and numpy: shapelint reports it exactly when
numpy raises, on the line that set the picture's mode, naming the write."""
import pytest

from shapelint.pipeline.analysis import analyse

np = pytest.importorskip("numpy")
pytest.importorskip("PIL")

HEADER = "import numpy as np\nfrom PIL import Image, ImageOps\n"
SLOT_RGB = "data = np.ndarray(shape=(1, 64, 64, 3), dtype=np.float32)\n"

# (picture lines, write line, reported): the picture's mode set on the first picture line
CASES = [
    (SLOT_RGB + "image = Image.new('L', (53, 53))\nimage = ImageOps.fit(image, (64, 64))\n",
     "data[0] = np.asarray(image).astype(np.float32) / 127.0 - 1", True),
    (SLOT_RGB + "image = Image.new('RGBA', (80, 64))\nimage = image.resize((64, 64))\n",
     "data[0] = np.asarray(image, dtype=np.float32)", True),
    (SLOT_RGB + "image = Image.new('RGB', (80, 64)).convert('LA')\n"
     "image = ImageOps.fit(image, (64, 64))\n", "data[0] = np.asarray(image)", True),
    (SLOT_RGB + "image = Image.new('RGB', (53, 53))\nimage = ImageOps.fit(image, (64, 64))\n",
     "data[0] = np.asarray(image)", False),
    (SLOT_RGB + "image = Image.new('RGBA', (53, 53)).convert('RGB')\n"
     "image = ImageOps.fit(image, (64, 64))\n", "data[0] = np.asarray(image)", False),
    # a one-band picture with a channel axis of 1 broadcasts over the three
    (SLOT_RGB + "image = Image.new('L', (64, 64))\n",
     "data[0] = np.asarray(image)[..., None]", False),
    # (3, 3) broadcasts into (3, 3, 3): numpy aligns the width with the channels
    ("data = np.zeros((2, 3, 3, 3))\nimage = Image.new('L', (3, 3))\n",
     "data[1] = np.asarray(image)", False),
    # another size as well: the bands are not the one difference, so not judged
    (SLOT_RGB + "image = Image.new('L', (32, 32))\n", "data[0] = np.asarray(image)", None),
    # a grayscale slot: not a channel axis of the slot's own
    ("data = np.zeros((1, 64, 64))\nimage = Image.new('RGB', (64, 64))\n",
     "data[0] = np.asarray(image)", None),
]


def _run(code):
    try:
        exec(code, {})
    except ValueError:
        return True
    return False


@pytest.mark.parametrize("lines, write, reported", CASES)
def test_reported_where_numpy_raises(lines, write, reported):
    raises = _run(HEADER + lines + write)  # the model below only makes the analysis read it
    code = HEADER + lines + write + "\nimport keras\nmodel = keras.Sequential()\n" \
        "model.predict(data)\n"
    found = [d for d in analyse(code, "m.py").diagnostics() if d.code.code == "SHP109"]
    if reported is None:  # numpy raises, for a reason this rule does not judge
        assert raises and not found
        return
    assert raises is reported
    assert bool(found) is reported, found
    if reported:
        [d] = found
        write_line = code.splitlines().index(write) + 1
        assert d.line == HEADER.count("\n") + 2  # the line that set the mode
        assert d.data["seen_at_line"] == write_line


def test_not_reported_under_an_undecided_condition():
    code = HEADER + SLOT_RGB + "image = Image.new('L', (64, 64))\nif flag:\n" \
        "    data[0] = np.asarray(image)\nimport keras\nmodel = keras.Sequential()\n" \
        "model.predict(data)\n"
    assert not [d for d in analyse(code, "m.py").diagnostics() if d.code.code == "SHP109"]
