"""Outputs of a nested model with several outputs (PacktPublishing/Advanced-Deep-Learning-with-
Keras's StackedGAN: `adv1_outputs = dis1(gen1_outputs) + [enc1(gen1_outputs)]`): the graph's
output node is the nested model's one node, whose output_shape is its first output's, so the
label checks read the second output's labels against the first output's shape and gave a false
SHP206. Such an output is not judged (rules/edges.single_output); Keras trains both models."""
from __future__ import annotations

import pytest

from shapelint.pipeline.analysis import analyse

GAN = """import numpy as np
import keras
from keras.layers import Dense, Input
from keras.models import Model

inp = Input(shape=(8,))
x = Dense(16)(inp)
dis = Model(inp, [Dense(1, activation="sigmoid")(x), Dense(5, activation="tanh")(x)])
enc_in = Input(shape=(8,))
enc = Model(enc_in, Dense(3, activation="softmax")(enc_in))
g_in = Input(shape=(4,))
g_out = Dense(8)(g_in)
OUTPUTS
adv = Model(g_in, outs)
adv.compile(loss=LOSS, optimizer="adam")
adv.train_on_batch(np.zeros((6, 4)), LABELS)
"""

CASES = [
    ("outs = dis(g_out) + [enc(g_out)]",
     '["binary_crossentropy", "mse", "categorical_crossentropy"]',
     "[np.ones((6, 1)), np.zeros((6, 5)), np.eye(3)[[0, 1, 2, 0, 1, 2]]]"),
    ("outs = dis(g_out)[1]", '"mse"', "np.zeros((6, 5))"),
]


@pytest.mark.parametrize("outputs, loss, labels", CASES)
def test_labels_of_a_nested_models_later_output_are_not_misread(outputs, loss, labels):
    keras = pytest.importorskip("keras")
    text = GAN.replace("OUTPUTS", outputs).replace("LOSS", loss).replace("LABELS", labels)
    namespace = {}
    exec(text, namespace)  # noqa: S102 - our own snippet: Keras trains it
    assert isinstance(namespace["adv"], keras.Model)
    assert [d.code.code for d in analyse(text, "m.py").diagnostics()] == []
