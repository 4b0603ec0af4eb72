"""Transcribe audio files with the trained model (models/whisper).

Run it with `python -m {{ cookiecutter.package_name }}.predict a.wav b.flac --output transcripts.csv`.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from .audio import read_audio
from .config import load_config
from .device import select_device
from .model import load, transcribe
from .train import MODEL_DIR


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path, help="WAV or FLAC files")
    parser.add_argument("--output", type=Path, help="a CSV (file,text); default: print them")
    parser.add_argument("--params", default="params.yaml", help="the parameters file")
    args = parser.parse_args(argv)
    config = load_config(args.params)
    folder = config.path(*MODEL_DIR)
    if not folder.is_dir():
        raise SystemExit(f"Error: {str(folder)!r} does not exist; run `train` first")
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        raise SystemExit(f"Error: no such audio file: {', '.join(missing)}")
    audio = [read_audio(path) for path in args.files]  # every file read before any output
    model, processor = load(config, folder)
    model.to(select_device())
    settings = config["evaluate"]
    texts = transcribe(
        model,
        processor,
        audio,
        batch_size=settings["batch_size"],
        max_new_tokens=settings["max_new_tokens"],
        num_beams=settings["num_beams"],
    )
    rows = [("file", "text"), *zip(map(str, args.files), texts, strict=True)]
    if args.output:
        with args.output.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    else:
        csv.writer(sys.stdout).writerows(rows)
    return texts


if __name__ == "__main__":
    main()
