"""Tiny pretrained-style checkpoints, built here from a config and saved with
save_pretrained (random weights), so that the fine-tuning recipes load through the real
`from_pretrained` path without a download."""

from __future__ import annotations

from pathlib import Path

# The words of the text recipes' demo documents (the generated data.py), so the tiny
# tokenizer knows them; anything else is [UNK].
DEMO_WORDS = [
    *["match", "goal", "team", "coach", "season", "league", "player", "score", "win", "stadium"],
    *[
        "experiment",
        "theory",
        "data",
        "cell",
        "energy",
        "planet",
        "research",
        "lab",
        "atom",
        "study",
    ],
    *["song", "album", "band", "guitar", "concert", "melody", "singer", "tour", "lyrics", "drum"],
    *[
        "the",
        "a",
        "of",
        "and",
        "to",
        "in",
        "is",
        "was",
        "for",
        "on",
        "with",
        "it",
        "this",
        "that",
        "today",
        "new",
    ],
]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]


def tiny_image_checkpoint(folder: Path, *, labels: int = 5) -> Path:
    """A two-stage ConvNeXt (widths 8 and 16) for 32x32 RGB images, with its image
    processor; its head has `labels` classes, so a project with another count gets a new one."""
    from transformers import ConvNextConfig, ConvNextForImageClassification, ConvNextImageProcessor

    config = ConvNextConfig(
        num_channels=3,
        num_stages=2,
        hidden_sizes=[8, 16],
        depths=[1, 1],
        image_size=32,
        num_labels=labels,
    )
    ConvNextForImageClassification(config).save_pretrained(folder)
    ConvNextImageProcessor(size={"shortest_edge": 32}, crop_pct=1.0).save_pretrained(folder)
    return folder


def tiny_text_checkpoint(folder: Path) -> Path:
    """A one-layer DistilBERT (width 32) with a word-level tokenizer over the demo words."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import (
        DistilBertConfig,
        DistilBertForSequenceClassification,
        PreTrainedTokenizerFast,
    )

    vocab = {word: index for index, word in enumerate([*SPECIAL, *DEMO_WORDS])}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        model_max_length=64,
    ).save_pretrained(folder)
    config = DistilBertConfig(
        vocab_size=len(vocab),
        dim=32,
        n_layers=1,
        n_heads=2,
        hidden_dim=64,
        max_position_embeddings=64,
        pad_token_id=0,
        # Larger random weights than a real initialisation, and no dropout: a random network
        # this small then tells the demo topics apart within a few epochs.
        initializer_range=0.3,
        dropout=0.0,
        attention_dropout=0.0,
        seq_classif_dropout=0.0,
    )
    DistilBertForSequenceClassification(config).save_pretrained(folder)
    return folder
