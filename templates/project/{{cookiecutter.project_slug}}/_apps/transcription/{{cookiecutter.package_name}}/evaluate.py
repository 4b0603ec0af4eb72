"""Transcribe the validation clips with the trained model: word and character error rates
(jiwer) to metrics.json, and the first clips' transcriptions to examples.csv.

Run it with `python -m {{ cookiecutter.package_name }}.evaluate`.
"""

from __future__ import annotations

import csv
import json

from .audio import load_clips
from .config import load_config, parse_args
from .device import select_device
from .model import load, transcribe
from .train import MODEL_DIR


def normalise(text: str) -> str:
    """Lower case without punctuation, as Whisper's papers score: Whisper's own basic
    normaliser (it keeps any language's letters)."""
    from transformers.models.whisper.english_normalizer import BasicTextNormalizer

    return BasicTextNormalizer()(text).strip()


def error_rates(references: list[str], hypotheses: list[str]) -> dict[str, float]:
    """Word and character error rates over all the clips (errors / reference length)."""
    import jiwer

    return {
        "wer": float(jiwer.wer(references, hypotheses)),
        "cer": float(jiwer.cer(references, hypotheses)),
    }


def main(argv: list[str] | None = None) -> dict:
    """Evaluate; returns what was written to metrics.json."""
    args = parse_args(__doc__, argv)
    config = load_config(args.params)
    settings = config["evaluate"]
    folder = config.path(*MODEL_DIR)
    if not folder.is_dir():
        raise SystemExit(f"Error: {str(folder)!r} does not exist; run `train` first")
    clips = load_clips(config.path("data", "processed", "val.npz"))
    model, processor = load(config, folder)
    model.to(select_device())
    transcriptions = transcribe(
        model,
        processor,
        clips.audio,
        batch_size=settings["batch_size"],
        max_new_tokens=settings["max_new_tokens"],
        num_beams=settings["num_beams"],
    )
    references, hypotheses = clips.texts, transcriptions
    if settings["normalize"]:
        references = [normalise(text) for text in references]
        hypotheses = [normalise(text) for text in hypotheses]
    result = error_rates(references, hypotheses)
    config.path("metrics.json").write_text(json.dumps(result, indent=2) + "\n")
    with config.path("examples.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "reference", "transcription"])
        rows = zip(clips.files, clips.texts, transcriptions, strict=True)
        writer.writerows(list(rows)[: settings["examples"]])
    print(f"on {len(clips)} validation clips: WER {result['wer']:.4f}, CER {result['cer']:.4f}")
    return result


if __name__ == "__main__":
    main()
