"""Check the images and boxes, split them, and write data/processed/ (COCO JSON splits, the
images, manifest.json).

Run it with `python -m {{ cookiecutter.package_name }}.prepare`.
"""

from __future__ import annotations

from .config import load_config, parse_args
from .data import prepare


def main(argv: list[str] | None = None) -> dict[str, int]:
    args = parse_args(__doc__, argv)
    counts = prepare(load_config(args.params))
    print(f"prepared {counts['train']} training and {counts['val']} validation images")
    return counts


if __name__ == "__main__":
    main()
