"""Keras 3 lookup, hashing and text layers (keras/src/layers/preprocessing/): Hashing,
HashedCrossing, StringLookup, IntegerLookup, TextVectorization.

They run on TensorFlow's lookup tables (Keras raises ImportError without TensorFlow) and hold no
Keras weights. Their encoded depth is max_tokens with pad_to_max_tokens, else the vocabulary
size: known from a literal vocabulary (IndexLookup.set_vocabulary's arithmetic), unknown when
it is adapted at runtime or read from a file. Cross-checked in tests/test_keras_catalogue_lookup.py.
"""
from __future__ import annotations

from ...domain.codes import SHP105, SHP107
from ...domain.dims import NotKnown, Unknown, is_known
from ...domain.shapes import Shape
from .. import LayerFault, Rule, flag, known_int, layer
from .preprocessing import _keras_none, _output_mode

TOKENS = Unknown("tokens per text")  # the axis a split adds: None in Keras
MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def _mode(value, layer_name, options=MODES) -> str:
    """output_mode, with the spellings Keras also accepts ("binary", "tf-idf")."""
    if isinstance(value, str):
        value = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(value, value)
    return _output_mode(value, options, layer_name)


# -- hashing ---------------------------------------------------------------------------------

@layer("keras", "Hashing")
def hashing(num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
    """int keeps the shape; the encodings replace the last axis by num_bins."""
    bins = known_int(num_bins, "num_bins")
    if bins <= 0:
        raise LayerFault(SHP105, f"Hashing: num_bins must be positive, got {bins}")
    mode = _mode(output_mode, "Hashing", MODES[:4])

    def output(x):
        if mode == "int":
            return x
        return Shape(x[:-1] + (bins,))
    return Rule(output=output)


@layer("keras", "HashedCrossing")
def hashed_crossing(num_bins, output_mode="int", sparse=False, name=None, dtype=None,
                    **kwargs):
    """Crosses two features of one shape; one_hot appends num_bins unless the last axis is 1,
    which it replaces (HashedCrossing.compute_output_shape)."""
    bins = known_int(num_bins, "num_bins")
    mode = _mode(output_mode, "HashedCrossing", ("int", "one_hot"))

    def output(shapes):
        if len(shapes) != 2:
            raise LayerFault(SHP105, f"HashedCrossing takes a list of 2 tensors, got "
                             f"{len(shapes)}")
        a, b = shapes
        if is_known(a[-1]) and is_known(b[-1]) and a[-1] != b[-1]:
            raise LayerFault(SHP107, f"HashedCrossing: inputs {a} and {b} differ in their last "
                             "axis", input_shapes=[a.to_json(), b.to_json()])
        if mode == "int":
            return a
        if a[-1] != 1:
            if not is_known(a[-1]) and not _keras_none(a[-1]):
                raise NotKnown("whether the last axis is 1 is not known")
            return Shape(a[:] + (bins,))
        return Shape(a[:-1] + (bins,))
    return Rule(output=output, multi_input=True)


# -- vocabulary lookups (index_lookup.py) ------------------------------------------------------

def _vocabulary_size(layer_name, vocabulary, mask_token, oov_token, num_oov, mode, max_tokens,
                     invert):
    """set_vocabulary: the special tokens (mask for int output, then the OOV indices) are
    counted once whether or not the vocabulary starts with them; repeats raise."""
    if vocabulary is None:
        return Unknown("the vocabulary is adapted at runtime")
    if isinstance(vocabulary, str):
        return Unknown("the vocabulary is read from a file")
    if not isinstance(vocabulary, (tuple, list)) or any(
            isinstance(t, Unknown) for t in vocabulary):
        return Unknown("the vocabulary is not a literal list")
    if not vocabulary:
        raise LayerFault(SHP105, f"{layer_name}: the vocabulary is empty")
    oov_start = 1 if mask_token is not None and mode == "int" else 0
    start = oov_start + num_oov
    special = [mask_token] * oov_start + [oov_token] * num_oov
    tokens = list(vocabulary[start:]) if list(vocabulary[:start]) == special else list(vocabulary)
    if len(set(map(repr, tokens))) != len(tokens):
        raise LayerFault(SHP105, f"{layer_name}: the vocabulary repeats a token")
    if mask_token is not None and mask_token in tokens or (
            invert and oov_token is not None and oov_token in tokens):
        raise LayerFault(SHP105, f"{layer_name}: a mask or OOV token sits inside the "
                         "vocabulary, not at its start")
    n = start + len(tokens)
    if max_tokens is not None and n > max_tokens:
        raise LayerFault(SHP105, f"{layer_name}: a vocabulary of {n} exceeds max_tokens "
                         f"{max_tokens}")
    return n


def _lookup(layer_name, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary,
            idf_weights, invert, output_mode, pad_to_max_tokens):
    """(mode, depth) after IndexLookup.__init__'s checks."""
    max_tokens = None if max_tokens is None else known_int(max_tokens, "max_tokens")
    if max_tokens is not None and max_tokens <= 1:
        raise LayerFault(SHP105, f"{layer_name}: max_tokens must be greater than 1")
    pad = flag(pad_to_max_tokens, "pad_to_max_tokens")
    if pad and max_tokens is None:
        raise LayerFault(SHP105, f"{layer_name}: pad_to_max_tokens needs max_tokens")
    num_oov = known_int(num_oov_indices, "num_oov_indices")
    if num_oov < 0:
        raise LayerFault(SHP105, f"{layer_name}: num_oov_indices must be >= 0")
    mode = _mode(output_mode, layer_name)
    inv = flag(invert, "invert")
    if inv and mode != "int":
        raise LayerFault(SHP105, f"{layer_name}: invert=True needs output_mode='int'")
    if idf_weights is not None and mode != "tf_idf":
        raise LayerFault(SHP105, f"{layer_name}: idf_weights is only for output_mode='tf_idf'")
    if mode == "tf_idf" and vocabulary is not None and idf_weights is None:
        raise LayerFault(SHP105, f"{layer_name}: a vocabulary in tf_idf mode needs idf_weights")
    size = _vocabulary_size(layer_name, vocabulary, mask_token, oov_token, num_oov, mode,
                            max_tokens, inv)
    return mode, (max_tokens if pad else size)


def _encoded(mode, depth):
    """IndexLookup.compute_output_shape: one_hot encodes each element (a last axis of 1 is
    replaced); multi_hot, count and tf_idf take the last axis as the sample."""
    def output(x):
        if mode == "int":
            return x
        dims = x[:]
        if mode == "one_hot":
            if len(dims) > 1 and dims[-1] == 1:
                return Shape(dims[:-1] + (depth,))
            if len(dims) > 1 and not is_known(dims[-1]) and not (
                    dims[-1] == TOKENS or _keras_none(dims[-1])):  # None is never 1
                raise NotKnown("whether the last axis is 1 is not known")
            return Shape(dims + (depth,))
        return Shape(dims[:-1] + (depth,))
    return output


@layer("keras", "StringLookup")
def string_lookup(max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                  vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                  pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None, salt=None,
                  **kwargs):
    mode, depth = _lookup("StringLookup", max_tokens, num_oov_indices, mask_token, oov_token,
                          vocabulary, idf_weights, invert, output_mode, pad_to_max_tokens)
    return Rule(output=_encoded(mode, depth))


@layer("keras", "IntegerLookup")
def integer_lookup(max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                   vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                   output_mode="int", sparse=False, pad_to_max_tokens=False,
                   oov_method="floormod", salt=None, name=None, **kwargs):
    mode, depth = _lookup("IntegerLookup", max_tokens, num_oov_indices, mask_token, oov_token,
                          vocabulary, idf_weights, invert, output_mode, pad_to_max_tokens)
    return Rule(output=_encoded(mode, depth))


@layer("keras", "TextVectorization")
def text_vectorization(max_tokens=None, standardize="lower_and_strip_punctuation",
                       split="whitespace", ngrams=None, output_mode="int",
                       output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                       idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                       **kwargs):
    """int: (batch, output_sequence_length), the length unknown unless given. Otherwise a
    split adds a token axis before the StringLookup (mask_token "") encodes it, so Keras builds
    (batch, 1, depth) from a (batch, 1) input."""
    mode = _mode(output_mode, "TextVectorization")
    if mode == "int":
        if output_sequence_length is not None and (
                isinstance(output_sequence_length, (bool, float, str))):
            raise LayerFault(SHP105, "TextVectorization: output_sequence_length must be an int "
                             "or None")
        length = (Unknown("no output_sequence_length: as long as the longest text")
                  if output_sequence_length is None
                  else known_int(output_sequence_length, "output_sequence_length"))
    elif output_sequence_length is not None:
        raise LayerFault(SHP105, "TextVectorization: output_sequence_length is only for "
                         "output_mode='int'")
    _, depth = _lookup("TextVectorization", max_tokens, 1, "", "[UNK]", vocabulary,
                       idf_weights, False, mode, pad_to_max_tokens)
    encode = _encoded(mode, depth)

    def output(x):
        if mode == "int":
            return Shape((x[0], length))
        if split is None:
            return encode(Shape(x[:] + (1,)) if x.rank <= 1 else x)
        return encode(Shape(x[:] + (TOKENS,)))
    return Rule(output=output)
