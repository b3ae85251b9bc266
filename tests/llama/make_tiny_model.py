#!/usr/bin/env python3
"""Writes a tiny llama-architecture GGUF model with seeded random weights and a real
tokenizer: the one llama.cpp's own StarCoder vocab-only file carries, FIM tokens included.

No pretrained weights can be installed on the machines Flint is tested on, and none are
needed to test the wire: llama-server serves this model through /infill,
/v1/completions, /v1/chat/completions and /v1/responses exactly as it would a real one,
with real tokenisation, KV cache, slots and timings.

Random weights alone make greedy decoding (Flint asks for temperature 0) settle into a
loop of a few tokens with no line break, and a line break is what single-line
suggestions and llama.cpp's t_max_predict_ms wait for. So one short cycle of tokens is
planted on top of the noise: every token's embedding shares a common direction, the
output row of each cycle token points at its predecessor's embedding, and the entry
token also points at the common direction. Whatever the prompt, the model then writes
" total = radius * scale" and a newline, and keeps writing "    total = radius * scale"
lines until it is stopped (it never emits end-of-text). Tests still assert on the
protocol, never on the words.

The output is byte-for-byte the same for the same vocab file and seed (numpy's PCG64).

    PYTHONPATH=<llama.cpp>/gguf-py python3 make_tiny_model.py \
        --vocab <llama.cpp>/models/ggml-vocab-starcoder.gguf --out tiny.gguf
"""
import argparse

import numpy as np
import gguf

N_EMBD = 128
N_LAYER = 2
N_HEAD = 4
N_HEAD_KV = 4
N_FF = 256
N_CTX = 4096
# "    total = radius * scale\n" in GPT-2 byte-level BPE spelling; each token once, so
# each has one successor. The first token generated after any prompt is ENTRY.
CYCLE = ["ĠĠĠ", "Ġtotal", "Ġ=", "Ġradius", "Ġ*", "Ġscale", "Ċ"]
ENTRY = "Ġtotal"


def copy_tokenizer(reader: gguf.GGUFReader, writer: gguf.GGUFWriter) -> dict:
    """Copies every tokenizer.* key and returns the token ids by text."""
    ids = {}
    for key, field in reader.fields.items():
        if not key.startswith("tokenizer."):
            continue
        value = field.contents()
        vtype = field.types[0]
        if vtype == gguf.GGUFValueType.ARRAY:
            writer.add_key_value(key, value, vtype, sub_type=field.types[-1])
        else:
            writer.add_key_value(key, value, vtype)
        if key == "tokenizer.ggml.tokens":
            ids = {text: i for i, text in enumerate(value)}
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", required=True, help="a vocab-only GGUF with FIM tokens")
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    reader = gguf.GGUFReader(args.vocab)
    writer = gguf.GGUFWriter(args.out, "llama")
    writer.add_name("flint-tiny-starcoder-random")
    writer.add_context_length(N_CTX)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYER)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD_KV)
    writer.add_rope_dimension_count(N_EMBD // N_HEAD)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)

    ids = copy_tokenizer(reader, writer)
    n_vocab = len(ids)
    # Without these, llama-server's /infill answers 501 "Infill is not supported".
    # fim_rep/fim_sep make it build the repo-level prompt for input_extra.
    fim = {
        gguf.Keys.Tokenizer.FIM_PRE_ID: "<fim_prefix>",
        gguf.Keys.Tokenizer.FIM_SUF_ID: "<fim_suffix>",
        gguf.Keys.Tokenizer.FIM_MID_ID: "<fim_middle>",
        gguf.Keys.Tokenizer.FIM_PAD_ID: "<fim_pad>",
        gguf.Keys.Tokenizer.FIM_REP_ID: "<repo_name>",
        gguf.Keys.Tokenizer.FIM_SEP_ID: "<file_sep>",
    }
    for key, text in fim.items():
        writer.add_uint32(key, ids[text])

    rng = np.random.default_rng(args.seed)

    def matrix(rows: int, cols: int, scale: float) -> np.ndarray:
        return rng.standard_normal((rows, cols), dtype=np.float32) * scale

    def unit(v: np.ndarray) -> np.ndarray:
        return v / np.linalg.norm(v, axis=-1, keepdims=True)

    # Embeddings of norm sqrt(N_EMBD) (what RMS norm gives), sharing a common direction.
    common = unit(rng.standard_normal(N_EMBD, dtype=np.float32))
    embeddings = np.sqrt(N_EMBD) * unit(unit(matrix(n_vocab, N_EMBD, 1.0)) + 0.5 * common)
    # Blocks that barely touch the residual stream: the model stays a bigram machine.
    blocks = 0.01
    output = matrix(n_vocab, N_EMBD, 0.02)
    cycle = [ids[t] for t in CYCLE]
    for previous, token in zip(cycle[-1:] + cycle[:-1], cycle):
        output[token] = unit(embeddings[previous])
    output[ids[ENTRY]] += 0.6 * common

    def f16(a: np.ndarray) -> np.ndarray:
        return a.astype(np.float16)

    # numpy shapes are (out, in); GGUF stores them reversed, as ggml expects.
    writer.add_tensor("token_embd.weight", f16(embeddings))
    for layer in range(N_LAYER):
        p = f"blk.{layer}."
        writer.add_tensor(p + "attn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        writer.add_tensor(p + "attn_q.weight", f16(matrix(N_EMBD, N_EMBD, blocks)))
        writer.add_tensor(p + "attn_k.weight", f16(matrix(N_EMBD * N_HEAD_KV // N_HEAD, N_EMBD, blocks)))
        writer.add_tensor(p + "attn_v.weight", f16(matrix(N_EMBD * N_HEAD_KV // N_HEAD, N_EMBD, blocks)))
        writer.add_tensor(p + "attn_output.weight", f16(matrix(N_EMBD, N_EMBD, blocks)))
        writer.add_tensor(p + "ffn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        writer.add_tensor(p + "ffn_gate.weight", f16(matrix(N_FF, N_EMBD, blocks)))
        writer.add_tensor(p + "ffn_up.weight", f16(matrix(N_FF, N_EMBD, blocks)))
        writer.add_tensor(p + "ffn_down.weight", f16(matrix(N_EMBD, N_FF, blocks)))
    writer.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    writer.add_tensor("output.weight", f16(output))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main()
