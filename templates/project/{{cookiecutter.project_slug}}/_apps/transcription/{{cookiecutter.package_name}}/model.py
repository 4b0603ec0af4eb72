"""Whisper from transformers: the checkpoint and its processor (log-mel feature extractor and
tokenizer), the batches training reads, and transcription with `generate`.

`model.checkpoint` in params.yaml is a Hub name or a folder written by save_pretrained;
`model.language` and `model.task` set the prompt tokens Whisper is trained and asked with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers.utils import logging as hf_logging

from .audio import SAMPLE_RATE
from .config import Config
from .pretrained import load_pretrained

# Label positions the loss ignores (padding): the value PyTorch's cross-entropy skips.
IGNORE = -100


def load(config: Config, source: str | Path | None = None) -> tuple[Any, Any]:
    """The model and processor of `source` (default: params.yaml model.checkpoint), set to
    the language and task in params.yaml."""
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    settings = config["model"]
    name = str(source or settings["checkpoint"])
    processor = load_pretrained(WhisperProcessor, name, str(config.root))
    model = load_pretrained(WhisperForConditionalGeneration, name, str(config.root))
    language, task = settings.get("language"), settings.get("task")
    processor.tokenizer.set_prefix_tokens(language=language, task=task)
    # The prompt comes from language and task, not from ids fixed in an older config.
    model.generation_config.forced_decoder_ids = None
    model.generation_config.language = language
    model.generation_config.task = task
    return model, processor


def label_ids(processor: Any, texts: list[str], max_length: int) -> list[list[int]]:
    """Token ids of each transcript: Whisper's prompt tokens, the text, end of text."""
    return processor.tokenizer(texts, truncation=True, max_length=max_length).input_ids


@dataclass(frozen=True)
class Collator:
    """Turns (audio, label ids) pairs into a batch: log-mel features from the processor,
    labels padded with IGNORE. The model prepends the decoder's start token itself, so a
    leading one is dropped from the labels."""

    processor: Any
    start_token: int

    def __call__(self, items: list[tuple[np.ndarray, list[int]]]) -> dict[str, torch.Tensor]:
        audio = [clip for clip, _ in items]
        features = self.processor.feature_extractor(
            audio, sampling_rate=SAMPLE_RATE, return_tensors="pt"
        ).input_features
        labels = [ids[1:] if ids and ids[0] == self.start_token else ids for _, ids in items]
        padded = torch.full((len(labels), max(map(len, labels))), IGNORE, dtype=torch.long)
        for row, ids in enumerate(labels):
            padded[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        return {"input_features": features, "labels": padded}


@torch.no_grad()
def transcribe(
    model: Any,
    processor: Any,
    audio: list[np.ndarray],
    *,
    batch_size: int = 16,
    max_new_tokens: int = 128,
    num_beams: int = 1,
) -> list[str]:
    """The text of each clip (16 kHz mono), decoded with `generate` in batches."""
    model.eval()
    device = next(model.parameters()).device
    config = model.generation_config
    prompt = 4  # at most: start, language, task, no-timestamps
    # The decoder holds max_target_positions tokens, prompt included.
    limit = max(1, min(max_new_tokens, model.config.max_target_positions - prompt))
    options = {"max_new_tokens": limit, "num_beams": num_beams}
    if getattr(config, "is_multilingual", False):
        options.update(language=config.language, task=config.task)
    texts: list[str] = []
    # generate warns on every batch that max_new_tokens overrides the checkpoint's
    # max_length, which is what is asked for here: its warnings are off while it runs.
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        for start in range(0, len(audio), batch_size):
            features = processor.feature_extractor(
                audio[start : start + batch_size], sampling_rate=SAMPLE_RATE, return_tensors="pt"
            ).input_features.to(device, dtype=model.dtype)
            tokens = model.generate(features, **options)
            decoded = processor.batch_decode(tokens, skip_special_tokens=True)
            texts += [text.strip() for text in decoded]
    finally:
        hf_logging.set_verbosity(verbosity)
    return texts
