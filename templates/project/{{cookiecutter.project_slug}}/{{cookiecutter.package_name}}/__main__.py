"""python -m {{ cookiecutter.package_name }}: the whole pipeline, prepare -> train -> evaluate,
in one process."""

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
