"""Batch predictions: raw inputs from a file (or image folder) to a CSV file, through the
training preprocessing (`data.preprocess`) and the trained model.

Run it with `python -m {{ cookiecutter.package_name }}.predict data/sample{{ {"tabular": "/batch.csv", "image": "", "text": "/batch.txt"}.get(cookiecutter.modality, "") }} --output predictions.csv`.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from .batch import BatchError, read_batch
from .config import TASK, load_config
from .data import load_preprocessing, preprocess
from .predictor import Predictor


def predict_file(params: str, source: str, output: str) -> int:
    """Write one CSV row of predictions per input; returns the number of rows."""
    config = load_config(params)
    state = load_preprocessing(config)
    try:
        raw, names = read_batch(state, source)
    except BatchError as error:
        raise SystemExit(f"Error: {error}") from None
    predictor = Predictor(config)
    output_rows = predictor.predict(preprocess(state, raw))
    with Path(output).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if TASK == "regression":
            writer.writerow(["input", "prediction", "model_version"])
            writer.writerows(
                [name, f"{value:.6g}", predictor.version]
                for name, value in zip(names, output_rows, strict=True)
            )
        else:
            classes = [f"probability_{k}" for k in range(output_rows.shape[1])]
            writer.writerow(["input", "prediction", *classes, "model_version"])
            for name, row in zip(names, output_rows, strict=True):
                probabilities = [f"{p:.6f}" for p in row]
                writer.writerow([name, int(row.argmax()), *probabilities, predictor.version])
    return len(names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("input", help="the raw inputs: {{ {'tabular': 'a CSV file', 'image': 'a folder of images, or one', 'text': 'a text file, one document a line'}.get(cookiecutter.modality, "") }}")
    parser.add_argument("--output", default="predictions.csv", help="the CSV file to write")
    parser.add_argument("--params", default="params.yaml", help="the parameters file")
    args = parser.parse_args(argv)
    count = predict_file(args.params, args.input, args.output)
    print(f"wrote {count} predictions to {args.output}")
    return count


if __name__ == "__main__":
    main()
