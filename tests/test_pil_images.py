"""PIL images as frameworks/pil_images.py models them, and keras's img_to_array and
preprocess_input of them (image_files.py): each array's shape and dtype checked against the
one real Pillow, numpy and Keras make from the same code."""
import pytest

from shapelint.frameworks.arrays import ArrayValue
from shapelint.pipeline.analysis import analyse

np = pytest.importorskip("numpy")
pytest.importorskip("PIL")

HEADER = "import numpy as np\nfrom PIL import Image, ImageOps\n"
KERAS = ("import keras\nfrom keras.utils import img_to_array\n"
         "from keras.applications.imagenet_utils import preprocess_input\n")

CASES = [
    "out = np.asarray(Image.new('RGBA', (640, 480)))",
    "out = np.asarray(Image.new('RGB', (650, 400)).resize((224, 224)))",
    "out = np.array(Image.new('RGBA', (64, 48)).convert('RGB'))",
    "out = np.asarray(Image.new('RGB', (64, 48)).convert('L'))",
    "out = np.asarray(Image.new('RGB', (64, 48)).convert('1'))",
    "out = np.asarray(Image.new('L', (64, 48)).convert('F'))",
    "out = np.asarray(Image.new('RGB', (64, 48)).convert('I'))",
    "out = np.asarray(Image.new('LA', (5, 7)).copy())",
    "out = np.asarray(Image.new('P', (5, 7)))",
    # ImageOps.fit crops to the aspect of size, then resizes to it: size (w, h), mode kept
    "out = np.asarray(ImageOps.fit(Image.new('L', (53, 53)), (224, 224), Image.LANCZOS))",
    "out = np.asarray(ImageOps.fit(Image.new('RGBA', (160, 120)), (96, 64)))",
    "out = np.asarray(ImageOps.fit(Image.new('LA', (30, 90)), size=(17, 40)))",
    "out = np.asarray(ImageOps.fit(Image.new('P', (30, 9)), (12, 5), Image.BICUBIC))",
    "out = np.asarray(ImageOps.fit(Image.new('1', (30, 9)), (12, 5)))",
    "out = np.asarray(ImageOps.fit(Image.new('RGB', (8, 8)).convert('I'), (3, 4)))",
    # np.ndarray(shape, dtype=float): an uninitialised array of that shape
    "out = np.ndarray(shape=(1, 224, 224, 3), dtype=np.float32)",
    "out = np.ndarray((2, 5))",
]
KERAS_CASES = [
    "out = img_to_array(Image.new('RGBA', (640, 480)).resize((28, 28)))",
    "out = img_to_array(Image.new('RGB', (64, 48)).convert('L'))",
    "out = img_to_array(Image.new('RGB', (64, 48)), data_format='channels_first')",
    "out = img_to_array(Image.new('RGB', (64, 48)), dtype='float64')",
    "out = img_to_array(np.asarray(Image.new('RGB', (65, 40))).astype('float') / 255.0)",
    "out = img_to_array(np.zeros((6, 5)))",
    "out = img_to_array(np.zeros((6, 5, 3)), data_format='channels_first')",
    "out = preprocess_input(np.zeros((1, 28, 28, 4), dtype='float32'), mode='tf')",
    "out = preprocess_input(np.zeros((2, 8, 8, 3)), mode='caffe')",
    "out = keras.applications.resnet50.preprocess_input(np.zeros((2, 8, 8, 3)))",
]


def _static(code):
    analysis = analyse(code + "\n", "case.py", whole_file=True)
    assert not analysis.notes, analysis.notes
    return analysis.module.scope.vars["out"]


def _check(code):
    real = {}
    exec(code, real)
    got = _static(code)
    assert isinstance(got, ArrayValue), got
    assert got.shape.dims == tuple(real["out"].shape)
    if got.dtype is not None:
        assert got.dtype == str(real["out"].dtype)
    return got


@pytest.mark.parametrize("code", CASES)
def test_pil_arrays_as_numpy_reads_them(code):
    assert _check(HEADER + code).dtype is not None


@pytest.mark.parametrize("code", KERAS_CASES)
def test_keras_arrays_of_pil_images(code):
    pytest.importorskip("keras")
    _check(HEADER + KERAS + code)


def test_an_opened_file_has_unknown_bands():
    """Image.open of a file the code does not show: its mode, so its bands, are not known;
    img_to_array still gives three axes (a one-band image gets its channel axis)."""
    got = _static(HEADER + KERAS + "out = img_to_array(Image.open(path))")
    assert len(got.dims) == 3 and not any(isinstance(d, int) for d in got.dims)
    got = _static(HEADER + "out = np.asarray(Image.open(path).resize((28, 28)))")
    assert not got.shape.known_rank
    got = _static(HEADER + KERAS + "out = img_to_array(Image.open(path).convert('RGB')"
                  ".resize((28, 20)))")
    assert got.shape.dims == (20, 28, 3)


def test_an_unread_mode_stays_unknown():
    got = _static(HEADER + "out = np.asarray(Image.new('RGB', (8, 8)).convert(mode))")
    assert not got.shape.known_rank
