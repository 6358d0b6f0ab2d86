"""keras.ops on symbolic tensors inside user layers, and the Keras 3 idioms of model libraries
(issue 14, keras-hub): a keras.Model subclass calling the functional constructor with dict
inputs and outputs, layers with build()/add_weight whose call() uses keras.ops, a layer called
on a constant, a sublayer called with its first argument by name, a fused/fallback branch,
ReversibleEmbedding, dtype_policy handed to sublayers. Every total and output shape is checked
against Keras 3 (torch backend)."""
from __future__ import annotations

import textwrap

import pytest

from test_keras_models import _compare
from shapelint.pipeline.analysis import analyse

SNIPPETS = {
    "backbone_with_dict_inputs_and_ops": """
        import keras
        from keras import layers, ops

        class PositionAdd(layers.Layer):
            def __init__(self, length, width, **kwargs):
                super().__init__(**kwargs)
                self.length = length
                self.rows = layers.Embedding(length, width)  # called on a constant

            def build(self, input_shape):
                self.table = self.add_weight(shape=(self.length, input_shape[-1]))

            def call(self, x):
                shape = ops.shape(x)
                table = ops.slice(ops.convert_to_tensor(self.table), (0, 0),
                                  (shape[-2], shape[-1]))
                rows = ops.expand_dims(self.rows(ops.arange(self.length)), 0)
                return x + ops.broadcast_to(ops.expand_dims(table, 0), shape) + rows

        class Block(layers.Layer):
            def __init__(self, width, heads, fused=False, **kwargs):
                super().__init__(**kwargs)
                self.fused = fused
                self.attention = layers.MultiHeadAttention(heads, width // heads,
                                                           dtype=self.dtype_policy)
                self.norm = layers.LayerNormalization(dtype=self.dtype_policy)
                self.up = layers.Dense(width * 2)
                self.down = layers.Dense(width)
                self.act = keras.activations.get("gelu")

            def scores(self, x, mask):
                if self.fused:  # decided only at run time in the libraries
                    return ops.multiply(x, ops.cast(mask, x.dtype))
                return x * ops.cast(mask, "float32")

            def call(self, hidden, padding_mask=None):
                mask = ops.expand_dims(ops.cast(padding_mask, "float32"), -1)
                y = self.attention(hidden, hidden)
                y = self.norm(self.scores(y, mask) + hidden)
                z = ops.reshape(y, (-1, ops.shape(y)[1], 2, ops.shape(y)[-1] // 2))
                z = ops.reshape(ops.transpose(z, (0, 1, 3, 2)), ops.shape(y))
                return self.down(self.act(self.up(-z)))

        class Backbone(keras.Model):
            def __init__(self, vocab=50, width=16, heads=2, length=12, **kwargs):
                # layers made first, stored after the functional constructor (torch's Module
                # refuses attributes before its __init__)
                embed = layers.ReversibleEmbedding(vocab, width)
                position = PositionAdd(length, width)
                blocks = [Block(width, heads, name=f"block_{i}") for i in range(2)]
                pool = layers.Dense(width, activation="tanh")
                ids = keras.Input((length,), dtype="int32", name="ids")
                mask = keras.Input((length,), dtype="int32", name="mask")
                x = position(embed(ids))
                for block in blocks:
                    x = block(hidden=x, padding_mask=mask)
                pooled = pool(x[:, 0, :])
                super().__init__(inputs={"ids": ids, "mask": mask},
                                 outputs={"sequence": x, "pooled": pooled},
                                 **kwargs)
                self.blocks = blocks

        model = Backbone()
        """,
    "a_sublayer_returning_none_beside_its_output": """
        import keras
        from keras import layers, ops

        class WithCache(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.proj = layers.Dense(6)

            def call(self, x, cache=None):
                y = self.proj(x)
                if cache is not None:
                    return y, ops.stack((y, y), axis=1)
                return y, cache

        class Block(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.inner = WithCache()
                self.out = layers.Dense(3)

            def call(self, x, cache=None):
                y, cache = self.inner(x, cache=cache)
                if cache is not None:
                    return self.out(y), cache
                return self.out(y)

        inputs = keras.Input((4, 5))
        model = keras.Model(inputs, Block()(inputs))
        """,
    "build_takes_each_call_argument_shape_by_name": """
        import keras
        from keras import layers

        class Cross(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.cross = None

            def build(self, x_shape, context_shape=None):
                self.own = layers.Dense(x_shape[-1])
                self.own.build(x_shape)
                if context_shape is not None:
                    self.cross = layers.Dense(x_shape[-1])
                    self.cross.build(context_shape)

            def call(self, x, context=None):
                y = self.own(x)
                if self.cross is not None:
                    y = y + self.cross(context)
                return y

        a = keras.Input((4, 6))
        b = keras.Input((4, 9))
        model = keras.Model([a, b], Cross()(a, context=b))
        """,
    "comparisons_make_masks": """
        import keras
        from keras import layers, ops

        class Causal(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.attention = layers.MultiHeadAttention(2, 4)
                self.gate = layers.Dense(8)

            def call(self, x):
                n = ops.shape(x)[1]
                mask = ops.arange(n)[:, None] >= ops.arange(n)[None, :]
                y = self.attention(x, x, attention_mask=ops.expand_dims(mask, 0))
                keep = ops.cast(y > 0, y.dtype)
                mixed, _ = ops.fft2((y, ops.zeros_like(y)))  # FNet's token mixing
                return self.gate(y * keep + mixed)

        inputs = keras.Input((5, 8))
        model = keras.Model(inputs, Causal()(inputs))
        """,
    "subclasses_of_keras_layers": """
        import keras
        from keras import layers, ops

        class Cached(layers.MultiHeadAttention):
            # overrides call(), using the projections Keras builds in its build()
            def call(self, query, value, key=None, attention_mask=None, cache=None,
                     training=None):
                key = value if key is None else key
                q = self._query_dense(query)
                k = self._key_dense(key)
                v = self._value_dense(value)
                out, _ = self._compute_attention(query=q, key=k, value=v,
                                                 attention_mask=attention_mask,
                                                 training=training)
                out = self._output_dense(out)
                if cache is not None:
                    return out, cache
                return out

        class Wider(layers.Dense):
            def __init__(self, units, **kwargs):
                super().__init__(units * 2, **kwargs)

        class Plain(layers.LayerNormalization):
            pass

        a = keras.Input((6, 12))
        b = keras.Input((4, 10))
        x = Cached(num_heads=3, key_dim=5)(a, b)
        x = Cached(num_heads=2, key_dim=4, value_dim=3, output_shape=7)(x, a)
        model = keras.Model([a, b], Plain()(Wider(5)(x)))
        """,
    "mixture_of_experts_routing": """
        import keras
        from keras import layers, ops

        class Experts(layers.Layer):
            def __init__(self, experts, width, **kwargs):
                super().__init__(**kwargs)
                self.experts, self.width = experts, width

            def build(self, input_shape):
                self.kernel = self.add_weight(shape=(self.experts, input_shape[-1],
                                                     self.width))

            def call(self, x):
                return ops.einsum("td,edh->eth", x, self.kernel)

        class Moe(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.router = layers.Dense(4)
                self.bank = Experts(4, 6)

            def call(self, x):
                batch, length, width = ops.shape(x)
                flat = ops.reshape(x, (-1, width))
                top_p, top_i = ops.top_k(ops.softmax(self.router(flat)), k=2)
                one_hot = ops.cast(ops.one_hot(top_i, 4), top_p.dtype)
                routing = ops.transpose(ops.sum(one_hot * top_p[..., None], axis=1), (1, 0))
                out = ops.sum(self.bank(flat) * routing[:, :, None], axis=0)
                return ops.reshape(out, (batch, length, 6)), top_i

        inputs = keras.Input((5, 8))
        y, _ = Moe()(inputs)
        model = keras.Model(inputs, layers.Dense(3)(y))
        """,
    "reversible_embedding_both_ways": """
        import keras
        from keras import layers

        embed = layers.ReversibleEmbedding(40, 8, tie_weights=False)
        ids = keras.Input((5,), dtype="int32")
        logits = embed(layers.Dense(8)(embed(ids)), reverse=True)
        model = keras.Model(ids, logits)
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_static_totals_equal_keras(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]))
    _compare(path)


def test_branches_that_build_different_layers_stay_unknown(tmp_path):
    """A condition the analysis cannot decide, choosing between two Dense layers, leaves
    the count unknown: the weights depend on which branch runs."""
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent("""
        import os
        import keras
        from keras import layers

        class Pick(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.a = layers.Dense(4)
                self.b = layers.Dense(8)

            def call(self, x):
                if os.environ.get("PICK"):
                    return self.a(x)
                return self.b(x)

        inputs = keras.Input((6,))
        model = keras.Model(inputs, Pick()(inputs))
        """))
    [graph] = analyse(path.read_text(), str(path)).graphs()
    assert graph.total is None


def test_ops_that_take_functions_are_opaque(tmp_path):
    """ops.cond runs functions that may call layers: the model's layers are not all known."""
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent("""
        import keras
        from keras import layers, ops

        class Cond(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.d = layers.Dense(4)

            def call(self, x):
                return ops.cond(ops.sum(x) > 0, lambda: self.d(x), lambda: self.d(x))

        inputs = keras.Input((4,))
        model = keras.Model(inputs, Cond()(inputs))
        """))
    [graph] = analyse(path.read_text(), str(path)).graphs()
    assert graph.total is None


# A tf.keras custom layer written with TensorFlow's spellings of the ops; TensorFlow is never
# installed, so the same layer written with keras.ops is the one Keras builds, and the static
# reading of both must equal it.
TF_SPELLED = """
    {imports}


    class Heads(layers.Layer):
        def __init__(self, heads, **kwargs):
            super().__init__(**kwargs)
            self.heads = heads
            self.proj = layers.Dense(32)

        def call(self, x):
            n, d = 10, 32
            q = tf.reshape(self.proj(x), (-1, n, self.heads, d // self.heads))
            q = tf.transpose(q, (0, 2, 1, 3))
            att = tf.{softmax}(tf.matmul(q, tf.transpose(q, (0, 1, 3, 2))), axis=-1)
            out = tf.reshape(tf.transpose(tf.matmul(att, q), (0, 2, 1, 3)), (-1, n, d))
            both = tf.{concat}([out, tf.expand_dims(tf.{mean}(x, axis=1), 1) + x], axis=-1)
            return tf.{mean}(both, axis=1)


    inputs = keras.Input(shape=(10, 32))
    model = keras.Model(inputs, layers.Dense(5)(Heads(4)(inputs)))
    """


def test_tensorflow_spellings_read_as_keras_ops(tmp_path):
    spellings = {
        "tf": dict(imports="import tensorflow as tf\nfrom tensorflow import keras\n"
                           "from tensorflow.keras import layers",
                   softmax="nn.softmax", concat="concat", mean="reduce_mean"),
        "keras": dict(imports="import keras\nfrom keras import layers\nfrom keras import ops as tf",
                      softmax="softmax", concat="concatenate", mean="mean")}
    totals = {}
    for name, words in spellings.items():
        path = tmp_path / f"{name}_spelled.py"
        path.write_text(textwrap.dedent(TF_SPELLED).replace("{imports}", words["imports"])
                        .format(**{k: v for k, v in words.items() if k != "imports"}))
        [graph] = analyse(path.read_text(), str(path)).graphs()
        totals[name] = (graph.total, [o.output_shape.to_json() for o in graph.outputs])
        if name == "keras":
            _compare(path)  # against Keras itself
    assert totals["tf"] == totals["keras"] and totals["tf"][0] is not None
