"""Check the audio files and their transcripts, split them, and write
data/processed/{train,val}.npz (16 kHz mono audio with its texts).

Run it with `python -m {{ cookiecutter.package_name }}.prepare`. With no `data.path` in
params.yaml, generated demo clips (data/processed/demo) are written and used.
"""

from __future__ import annotations

import numpy as np

from .audio import Clips, read_folder, save_clips
from .config import Config, load_config, parse_args
from .demo import write_demo

SPLITS = ("train", "val")


def split(clips: Clips, val_size: float, seed: int) -> dict[str, Clips]:
    """A seeded random split; at least one clip on each side."""
    if len(clips) < 2:
        raise SystemExit(
            f"Error: {len(clips)} clip in the transcripts; training and evaluation need at least 2"
        )
    order = np.random.default_rng(seed).permutation(len(clips))
    held_out = min(len(clips) - 1, max(1, round(len(clips) * val_size)))
    return {"train": clips.subset(order[held_out:]), "val": clips.subset(order[:held_out])}


def prepare(config: Config) -> dict[str, int]:
    settings = config["data"]
    processed = config.path("data", "processed")
    if settings.get("path"):
        # Read and checked in full before anything is written.
        clips = read_folder(config.path(settings["path"]), settings["transcripts"])
    else:
        demo = processed / "demo"
        write_demo(demo, settings["demo_clips"], config["seed"])
        clips = read_folder(demo, "transcripts.csv")
    parts = split(clips, settings["val_size"], config["seed"])
    processed.mkdir(parents=True, exist_ok=True)
    for name in SPLITS:
        save_clips(processed / f"{name}.npz", parts[name])
    return {name: len(parts[name]) for name in SPLITS}


def main(argv: list[str] | None = None) -> dict[str, int]:
    args = parse_args(__doc__, argv)
    counts = prepare(load_config(args.params))
    print(f"prepared {counts['train']} training and {counts['val']} validation clips")
    return counts


if __name__ == "__main__":
    main()
