"""Regenerate tests/data/{timm,transformers,keras_hub}_truth.json: the real parameter counts of
entries of timm 1.0.31, transformers 5.25.0 and keras-hub 0.32.0, built from the same unzipped
wheels shapelint reads as text (tests/test_libraries.py). Never run in CI.

    python tests/make_library_truth.py LIBRARIES TORCHVISION [timm|transformers|keras_hub]...

LIBRARIES holds the unzipped wheels (LIBRARIES/timm/timm, LIBRARIES/transformers/transformers,
LIBRARIES/keras_hub/keras_hub, as tests/libraries.py lays them out); TORCHVISION holds the .py
files of the torchvision 0.28.0 wheel (timm imports torchvision.ops.misc). Run it in a venv of
its own (ORACLES.md), never the project's:

    python3 -m venv /work/venv-truth && /work/venv-truth/bin/pip install torch==2.13.0
    /work/venv-truth/bin/pip install --no-deps timm==1.0.31 transformers==5.25.0 keras-hub==0.32.0
    /work/venv-truth/bin/pip install huggingface_hub tokenizers safetensors regex pyyaml tqdm \
        filelock requests packaging numpy typer pillow keras kagglehub sentencepiece

The entries are fixed here before anything is measured. timm: the first @register_model
function of every model file, called with no arguments (pretrained=False). transformers:
<Arch>Model(<Arch>Config()) for each architecture below, plus its causal LM for the decoder-only
LMs (GPT-2's is GPT2LMHeadModel), plus five small models configured by keyword. keras-hub: backbones with small configurations. torch models
are built on the meta device (default configs are billions of parameters), on the CPU where a
constructor reads tensor values; Keras ones on the torch backend.
"""
from __future__ import annotations

import ast
import json
import os
import pathlib
import sys
import traceback

DATA = pathlib.Path(__file__).resolve().parent / "data"

TRANSFORMERS = {  # directory: (class prefix, is a decoder-only LM)
    "bert": ("Bert", False), "roberta": ("Roberta", False), "distilbert": ("DistilBert", False),
    "albert": ("Albert", False), "electra": ("Electra", False),
    "deberta_v2": ("DebertaV2", False), "gpt2": ("GPT2", True), "gpt_neox": ("GPTNeoX", True),
    "gptj": ("GPTJ", True), "llama": ("Llama", True), "mistral": ("Mistral", True),
    "mixtral": ("Mixtral", True), "qwen2": ("Qwen2", True), "gemma": ("Gemma", True),
    "phi": ("Phi", True), "t5": ("T5", False), "bart": ("Bart", False),
    "whisper": ("Whisper", False), "vit": ("ViT", False), "deit": ("DeiT", False),
    "swin": ("Swin", False), "convnext": ("ConvNext", False), "clip": ("CLIP", False),
    "wav2vec2": ("Wav2Vec2", False),
}

# Configured by keyword, as users build small models: the config's own fields must reach the
# layers (a config class whose fields the analysis cannot set must give unknown, never the
# default config's count).
TRANSFORMERS_CONFIGURED = {
    "bert": "BertModel(BertConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=2, "
            "intermediate_size=128))",
    "gpt2": "GPT2Model(GPT2Config(n_embd=64, n_layer=2, n_head=2))",
    "llama": "LlamaModel(LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2, "
             "num_attention_heads=4, num_key_value_heads=2, vocab_size=1000))",
    "vit": "ViTModel(ViTConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=2, "
           "intermediate_size=128, image_size=32, patch_size=8))",
    "t5": "T5Model(T5Config(d_model=64, d_kv=16, d_ff=128, num_layers=2, num_heads=4, "
          "vocab_size=1000))",
}

_TEXT = "vocabulary_size=1000, num_layers=2, hidden_dim=64, intermediate_dim=128"
_GQA = f"{_TEXT}, num_query_heads=4, num_key_value_heads=2"
KERAS_HUB = {  # file under keras_hub/src/models: entry
    "bert/bert_backbone.py": f"BertBackbone({_TEXT}, num_heads=2, max_sequence_length=128)",
    "albert/albert_backbone.py":
        f"AlbertBackbone({_TEXT}, num_heads=2, embedding_dim=32, max_sequence_length=128)",
    "distil_bert/distil_bert_backbone.py":
        f"DistilBertBackbone({_TEXT}, num_heads=2, max_sequence_length=128)",
    "roberta/roberta_backbone.py":
        f"RobertaBackbone({_TEXT}, num_heads=2, max_sequence_length=128)",
    "electra/electra_backbone.py":
        "ElectraBackbone(vocab_size=1000, num_layers=2, num_heads=2, hidden_dim=64, "
        "embedding_dim=32, intermediate_dim=128, max_sequence_length=128)",
    "deberta_v3/deberta_v3_backbone.py":
        f"DebertaV3Backbone({_TEXT}, num_heads=2, max_sequence_length=128, bucket_size=32)",
    "f_net/f_net_backbone.py": f"FNetBackbone({_TEXT}, max_sequence_length=128)",
    "gpt2/gpt2_backbone.py": f"GPT2Backbone({_TEXT}, num_heads=2, max_sequence_length=128)",
    "gpt_neo_x/gpt_neo_x_backbone.py":
        f"GPTNeoXBackbone({_TEXT}, num_heads=2, max_sequence_length=128)",
    "opt/opt_backbone.py": f"OPTBackbone({_TEXT}, num_heads=2, max_sequence_length=128)",
    "falcon/falcon_backbone.py": f"FalconBackbone({_TEXT}, num_attention_heads=2)",
    "llama/llama_backbone.py": f"LlamaBackbone({_GQA})",
    "mistral/mistral_backbone.py": f"MistralBackbone({_GQA})",
    "mixtral/mixtral_backbone.py": f"MixtralBackbone({_GQA}, num_experts=4)",
    "qwen/qwen_backbone.py": f"QwenBackbone({_GQA})",
    "gemma/gemma_backbone.py": f"GemmaBackbone({_GQA}, head_dim=16)",
    "phi3/phi3_backbone.py": f"Phi3Backbone({_GQA})",
    "bart/bart_backbone.py": f"BartBackbone({_TEXT}, num_heads=2, max_sequence_length=128)",
    "t5/t5_backbone.py": f"T5Backbone({_TEXT}, num_heads=2)",
    "resnet/resnet_backbone.py":
        "ResNetBackbone(input_conv_filters=[64], input_conv_kernel_sizes=[7], "
        "stackwise_num_filters=[64, 128], stackwise_num_blocks=[2, 2], "
        "stackwise_num_strides=[1, 2], block_type='basic_block', image_shape=(64, 64, 3))",
    "vgg/vgg_backbone.py":
        "VGGBackbone(stackwise_num_repeats=[2, 2], stackwise_num_filters=[16, 32], "
        "image_shape=(64, 64, 3))",
    "densenet/densenet_backbone.py":
        "DenseNetBackbone(stackwise_num_repeats=[2, 2], image_shape=(64, 64, 3))",
    "vit/vit_backbone.py":
        "ViTBackbone(image_shape=(32, 32, 3), patch_size=8, num_layers=2, num_heads=2, "
        "hidden_dim=64, mlp_dim=128)",
}


def timm_entries(root: pathlib.Path) -> dict[str, str]:
    """file (relative to the package's parent) -> the first @register_model function, called."""
    entries = {}
    for path in sorted((root / "timm" / "models").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and any(
                    ast.unparse(d) == "register_model" for d in node.decorator_list):
                entries[f"timm/models/{path.name}"] = f"{node.name}()"
                break
    return entries


def transformers_entries() -> dict[str, list[str]]:
    entries = {}
    for directory, (prefix, decoder) in TRANSFORMERS.items():
        lm = "GPT2LMHeadModel" if prefix == "GPT2" else f"{prefix}ForCausalLM"
        entries[f"transformers/models/{directory}/modeling_{directory}.py"] = [
            f"{prefix}Model({prefix}Config())"] + ([f"{lm}({prefix}Config())"] if decoder else []) \
            + ([TRANSFORMERS_CONFIGURED[directory]] if directory in TRANSFORMERS_CONFIGURED else [])
    return entries


def torch_count(module, entry: str) -> dict:
    import torch
    try:
        with torch.device("meta"):
            model = eval(entry, vars(module))
        device = "meta"
    except Exception:  # noqa: BLE001 - constructors that read tensor values build on the CPU
        model, device = eval(entry, vars(module)), "cpu"
    return {"params": sum(p.numel() for p in model.parameters()), "device": device}


def build(table: dict, key: str, count) -> None:
    try:
        table[key] = count()
    except Exception as error:  # noqa: BLE001 - recorded: the framework itself refuses it
        table[key] = {"params": None, "error": f"{type(error).__name__}: {error}"[:300]}
        traceback.print_exc()
    print(key, table[key], flush=True)


def make_timm(root: pathlib.Path) -> dict:
    import importlib
    table: dict = {}
    for file, entry in timm_entries(root / "timm").items():
        module = importlib.import_module(file[:-3].replace("/", "."))
        build(table, f"{file}::{entry}", lambda: torch_count(module, entry))
    return table


def make_transformers(root: pathlib.Path) -> dict:
    import importlib
    table: dict = {}
    for file, entries in transformers_entries().items():
        module = importlib.import_module(file[:-3].replace("/", "."))
        for entry in entries:
            build(table, f"{file}::{entry}", lambda: torch_count(module, entry))
    return table


def make_keras_hub(root: pathlib.Path) -> dict:
    import importlib

    import keras
    table: dict = {}
    for file, entry in KERAS_HUB.items():
        name = f"keras_hub.src.models.{file[:-3].replace('/', '.')}"
        module = importlib.import_module(name)

        def count():
            keras.backend.clear_session()
            return {"params": eval(entry, vars(module)).count_params()}
        build(table, f"keras_hub/src/models/{file}::{entry}", count)
    return table


def main(libraries: str, torchvision: str, which: list[str]) -> None:
    os.environ["KERAS_BACKEND"] = "torch"
    root = pathlib.Path(libraries)
    # The unzipped wheels come first on the path: the very files shapelint reads.
    sys.path[:0] = [str(root / "timm"), str(root / "transformers"), str(root / "keras_hub"),
                    torchvision]
    import torch.library
    # torchvision's compiled ops are built for CUDA; timm needs none of them (ORACLES.md).
    torch.library.register_fake = lambda *a, **k: (lambda f: f)
    makers = {"timm": make_timm, "transformers": make_transformers, "keras_hub": make_keras_hub}
    for name in which or list(makers):
        table = makers[name](root)
        (DATA / f"{name}_truth.json").write_text(json.dumps(table, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
