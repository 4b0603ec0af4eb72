"""The whole pipeline in one process: prepare -> train -> evaluate.

Run it with `python -m {{ cookiecutter.package_name }}`.
"""

from __future__ import annotations

import sys

from . import evaluate, prepare, train


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    prepare.main(argv)
    train.main(argv)
    evaluate.main(argv)


if __name__ == "__main__":
    main()
