"""An image saved into io.BytesIO() as PNG and opened again (frameworks/pil_files.py): the mode
and size shapelint reads are Pillow's own for every mode it keeps; a buffer anything else may
have touched opens as an image of unknown mode, as any file does."""
from __future__ import annotations

import pytest

from shapelint.frameworks.pil_images import Image
from static_out import static_out

HEADER = "import io\nimport numpy as np\nfrom PIL import Image\n\nbuffer = io.BytesIO()\n"


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA"])
@pytest.mark.parametrize("save", ['save(buffer, format="PNG")', 'save(buffer, "png")',
                                  'save(buffer, format="PNG", optimize=True)'])
def test_png_round_trip_is_pillows(mode, save):
    pil = pytest.importorskip("PIL.Image")
    code = (f'Image.new("{mode}", (7, 5)).{save}\nbuffer.seek(0)\n'
            "out = Image.open(buffer)\narray = np.asarray(out)\n")
    real = {}
    exec(HEADER + code, real)  # noqa: S102 - our own source
    got = static_out(HEADER, code)
    assert isinstance(got, Image)
    assert (got.mode, got.width, got.height) == (real["out"].mode, *real["out"].size)
    assert got.pil_array().shape.dims == real["array"].shape
    assert pil.open is not None


@pytest.mark.parametrize("code", [
    'Image.new("RGBA", (7, 5)).save(buffer, format="PNG")\nout = Image.open(buffer)',  # no seek
    'Image.new("RGBA", (7, 5)).save(buffer, format="PNG")\nbuffer.seek(3)\n'
    "out = Image.open(buffer)",
    'Image.new("RGB", (7, 5)).save(buffer, format="JPEG")\nbuffer.seek(0)\n'
    "out = Image.open(buffer)",
    'Image.new("RGBA", (7, 5)).save(buffer, format="PNG")\nImage.new("L", (7, 5)).save('
    'buffer, format="PNG")\nbuffer.seek(0)\nout = Image.open(buffer)',  # saved twice
    'Image.new("RGBA", (7, 5)).save(buffer, format="PNG")\nbuffer.write(b"x")\n'
    "buffer.seek(0)\nout = Image.open(buffer)",
    'Image.new("RGBA", (7, 5)).save(buffer, format="PNG")\nimport shutil\n'
    "shutil.copyfileobj(io.BytesIO(), buffer)\nbuffer.seek(0)\nout = Image.open(buffer)",
    'import random\nsprite = Image.new("RGBA", (7, 5))\nif random.random() > 0.5:\n'
    '    sprite.save(buffer, format="PNG")\nbuffer.seek(0)\nout = Image.open(buffer)',
    # (saved under an undecided condition)
    'Image.new("RGBA", (7, 5)).save(buffer, format="PNG", bits=4)\nbuffer.seek(0)\n'
    "out = Image.open(buffer)",
])
def test_a_buffer_anything_else_may_have_touched_opens_unknown(code):
    got = static_out(HEADER, code)
    assert isinstance(got, Image) and got.mode is None and not isinstance(got.channels, int)
