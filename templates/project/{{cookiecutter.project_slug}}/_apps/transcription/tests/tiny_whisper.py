"""A tiny Whisper checkpoint (random weights) with its processor, built from a config and
saved with save_pretrained, so that tests load it through the real `from_pretrained` path
without a download."""

from __future__ import annotations

import json
from pathlib import Path

# The special tokens Whisper's tokenizer and `generate` look up by name (English only).
SPECIAL = [
    "<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|translate|>", "<|transcribe|>",
    "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>",
]  # fmt: skip


def tiny_whisper(folder: Path, words: list[str], *, seconds: int = 1) -> Path:
    """A one-layer Whisper (width 32) for clips of up to `seconds` at 16 kHz, with a
    byte-level BPE tokenizer trained on `words` (any other text still encodes, byte by byte)."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
        WhisperTokenizer,
    )

    bpe = ByteLevelBPETokenizer()
    corpus = [" " + " ".join(words)] * 4 + [" " + word for word in words]
    bpe.train_from_iterator(corpus, vocab_size=256 + 8 * len(words), show_progress=False)
    trained = json.loads(bpe._tokenizer.to_str())["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in trained["merges"]]
    tokenizer = WhisperTokenizer(vocab=trained["vocab"], merges=merges)
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIAL[1:]})
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in SPECIAL}
    # A short window: the features of `seconds` of audio instead of Whisper's 30 s.
    extractor = WhisperFeatureExtractor(feature_size=80, chunk_length=seconds)
    special = {
        "decoder_start_token_id": ids["<|startoftranscript|>"],
        "eos_token_id": ids["<|endoftext|>"],
        "pad_token_id": ids["<|endoftext|>"],
        "bos_token_id": ids["<|endoftext|>"],
    }
    config = WhisperConfig(
        vocab_size=len(tokenizer),
        num_mel_bins=80,
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_source_positions=extractor.nb_max_frames // 2,  # the encoder's stride-2 convolution
        max_target_positions=32,
        suppress_tokens=[],
        begin_suppress_tokens=[],
        **special,
    )
    model = WhisperForConditionalGeneration(config)
    # What `generate` needs to build the prompt from a language and a task.
    model.generation_config = GenerationConfig(
        **special,
        max_length=config.max_target_positions,
        is_multilingual=True,
        lang_to_id={"<|en|>": ids["<|en|>"]},
        task_to_id={"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]},
        no_timestamps_token_id=ids["<|notimestamps|>"],
        suppress_tokens=[],
        begin_suppress_tokens=[],
    )
    model.save_pretrained(folder)
    WhisperProcessor(feature_extractor=extractor, tokenizer=tokenizer).save_pretrained(folder)
    return folder
