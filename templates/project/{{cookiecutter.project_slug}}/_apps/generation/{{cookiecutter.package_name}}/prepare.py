"""Write data/processed/{train,test}.npz: the captioned images, checked, split, resized
and centre-cropped to `data.resolution`.

Run it with `python -m {{ cookiecutter.package_name }}.prepare`.
"""

from __future__ import annotations

from .config import load_config, parse_args
from .data import prepare


def main(argv: list[str] | None = None) -> dict[str, int]:
    args = parse_args(__doc__, argv)
    counts = prepare(load_config(args.params))
    print(f"prepared {counts['train']} training and {counts['test']} test images")
    return counts


if __name__ == "__main__":
    main()
