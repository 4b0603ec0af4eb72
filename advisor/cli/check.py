"""``advisor check``: read the data, run :func:`advisor.check.runner.run_check`, show it.

Progress goes to standard error; the leaderboard and the verdict go to standard output,
except with ``--json -``, where standard output carries the JSON alone. The heavy parts
(pandas, scikit-learn, torch) are imported inside the command.
"""

from __future__ import annotations

import atexit
import gc
import sys
import threading
import time
from pathlib import Path
from typing import Any

import click

from advisor.cli.data_options import DataRequest, data_options
from advisor.errors import ExpectationError, ParameterError
from advisor.terms import CHECK_METRICS, VERDICTS

READ_MAX_ROWS = 500_000  # rows read from a file at most (uniform sample): bounds memory


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--example",
    metavar="NAME",
    help="A dataset that ships with scikit-learn: breast_cancer, digits, diabetes, wine, iris.",
)
@data_options
@click.option(
    "--budget",
    type=float,
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Wall-clock budget for the whole study.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same result.")
@click.option(
    "--metric",
    type=click.Choice(CHECK_METRICS),
    help="Override the metric [default: ROC AUC for binary, accuracy for multiclass, "
    "RMSE for regression].",
)
@click.option(
    "--target-score",
    type=float,
    metavar="SCORE",
    help="Estimate the training rows each family would need to reach this score.",
)
@click.option(
    "--gpu-speedup",
    type=float,
    metavar="F",
    help="How many times faster than one CPU core a GPU trains the network (a float > 1): "
    "adds a GPU estimate to the compute the network needs.",
)
@click.option(
    "--time-ordered",
    is_flag=True,
    help="Rows are in time order: evaluate on later rows only (no shuffling); rows are "
    "sorted by the table's date column when it has one.",
)
@click.option(
    "--time-column",
    metavar="COL",
    help="The date column that orders the rows (implies --time-ordered).",
)
@click.option(
    "--engine",
    type=click.Choice(("local", "ray")),
    default="local",
    show_default=True,
    help="Where the study's jobs run: this machine's cores, or a Ray cluster.",
)
@click.option(
    "--address",
    metavar="ADDR",
    help="With --engine ray: the cluster's address (host:port), or 'local' to start Ray here.",
)
@click.option(
    "--report",
    "report_dir",
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="Write report.html (with charts) and report.json into DIR.",
)
@click.option(
    "--json",
    "json_path",
    metavar="PATH|-",
    help="Write the advisor.feasibility/1 JSON to PATH, or to standard output with '-'.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing report or JSON file.")
@click.option(
    "--format",
    "view_format",
    type=click.Choice(("table", "markdown")),
    default="table",
    show_default=True,
    help="How standard output shows the result: a table, or Markdown for a pull-request "
    "comment or a CI job summary.",
)
@click.option(
    "--expect",
    type=click.Choice(VERDICTS),
    help="Exit non-zero unless both families were measured and the verdict is this one (for CI).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit non-zero when a family produced no score or no model beats the dummy floor.",
)
@click.option(
    "--tuning/--no-tuning",
    default=True,
    show_default=True,
    help="Spend part of the time the models leave on tuning each family's strongest one "
    "(on inner validation rows); --no-tuning leaves it all to repeated cross-validation.",
)
def check(
    path: Path | None,
    example: str | None,
    budget: float,
    seed: int,
    metric: str | None,
    target_score: float | None,
    gpu_speedup: float | None,
    time_ordered: bool,
    engine: str,
    address: str | None,
    report_dir: Path | None,
    json_path: str | None,
    force: bool,
    view_format: str,
    expect: str | None,
    strict: bool,
    tuning: bool,
    **data: Any,
) -> None:
    """Measure classical baselines against a neural network on your data, within a budget.

    PATH is a CSV/Parquet table (tabular, or text with a free-text column), an .npz with
    X and y (images), or a folder of images in class sub-folders. Or use --example NAME.
    """
    started = time.monotonic()  # the budget covers the whole command, reading included
    # At exit, a full garbage collection of everything imported (scikit-learn, pandas)
    # would free nothing the exit does not free anyway. Frozen then, not now:
    # a caller that runs the command in its own process (a test) goes on collecting.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    from rich.console import Console

    if (path is None) == (example is None):
        raise click.UsageError("Give PATH to your data or --example NAME (one of them, not both).")
    if budget <= 0:
        raise ParameterError(
            f"The 'budget' parameter of check must be a float > 0. Got {budget:g} instead."
        )
    if seed < 0:
        raise ParameterError(
            f"The 'seed' parameter of check must be an int >= 0. Got {seed} instead."
        )
    from advisor.check.compute import check_gpu_speedup

    check_gpu_speedup(gpu_speedup)
    request = DataRequest(
        path=path,
        example=example,
        time_ordered=time_ordered or data["time_column"] is not None,
        **data,
    )
    request.check_conflicts()
    from advisor.check.engines import make_executor

    executor = make_executor(engine, address=address, budget=budget)
    _check_outputs(report_dir, json_path, force=force)
    to_stdout = json_path == "-"
    if to_stdout and view_format == "markdown":
        raise ParameterError(
            "--format markdown and --json - both write to standard output: give --json a file path."
        )
    err = Console(stderr=True, soft_wrap=True)
    # Off a terminal (a pipe, a CI log) rich would assume 80 columns and squeeze the table.
    out = err if to_stdout else Console(soft_wrap=True, width=None if sys.stdout.isatty() else 120)

    from advisor.check import children

    # The workers import scikit-learn (seconds) while this process imports it too and
    # reads the data: started first, before the imports below, so that the two overlap.
    # A Ray engine connects in run_check instead, where a failure is one error line.
    warming = children.warm_up_in_background() if engine == "local" else None
    try:
        report = _read_and_run(
            request,
            budget=budget,
            seed=seed,
            metric=metric,
            target_score=target_score,
            gpu_speedup=gpu_speedup,
            tuning=tuning,
            started=started,
            warming=warming,
            console=err,
            executor=executor,
        )
    finally:
        # The command returns once its workers and their fork server have exited.
        if warming is not None:
            warming.join()
        executor.close()  # a Ray engine disconnects (and stops a runtime it started)
        children.shut_down()
    if view_format == "markdown":
        from advisor.check.markdown import render_markdown

        click.echo(render_markdown(report), nl=False)
    else:
        show(report, out)
    saved = None
    if report_dir is not None:
        from advisor.check.report import write_report

        written = write_report(report, report_dir)
        saved = report_dir / "report.json"
        err.print(f"Report: {written} (and report.json)")
    if json_path is not None:
        if to_stdout:
            click.echo(report.to_json())
        else:
            _write_json(Path(json_path), report.to_json() + "\n")
            saved = Path(json_path)
            err.print(f"JSON: {json_path}")
    err.print(_next_step(report, saved))
    _hold_to(report, expect=expect, strict=strict)


def _read_and_run(
    request: DataRequest,
    *,
    seed: int,
    warming: threading.Thread | None,
    console: Any,
    **options: Any,
) -> Any:
    with console.status("Reading the data and starting the workers…"):
        from advisor.check.evaluation import metrics_for
        from advisor.check.runner import check_dataset

        dataset = request.load(max_rows=READ_MAX_ROWS, seed=seed)
        check_dataset(dataset)
        metrics_for(dataset.task, options["metric"])
        if warming is not None:
            warming.join()
    console.print(
        f"[bold]{dataset.name}[/]: {dataset.task} {dataset.modality}, {dataset.rows:,} rows; "
        f"budget {options['budget']:g} s"
    )
    for note in dataset.notes:
        console.print(f"  {note}", style="dim")
    return _run(dataset, seed=seed, time_ordered=request.time_ordered, console=console, **options)


def _next_step(report: Any, saved: Path | None) -> str:
    """What to do with the answer: scaffold from it, or measure it first."""
    if report.outcome != "measured":
        return f"Next: run the check again with a larger --budget than {report.budget_seconds:g} s."
    if saved is None:
        return (
            "Next: save the answer with --json report.json, then "
            "advisor scaffold --from-report report.json"
        )
    return f"Next: advisor scaffold --from-report {saved}"


def _hold_to(report: Any, *, expect: str | None, strict: bool) -> None:
    """Raise :class:`ExpectationError` when the run is not what --expect or --strict asks."""
    if (expect is not None or strict) and report.outcome == "not_measured":
        missing = " and ".join(f.replace("_", " ") for f in report.unmeasured)
        raise ExpectationError(
            f"nothing was measured for {missing} within the {report.budget_seconds:g} s "
            "budget, so there is no verdict to hold to; run again with a larger --budget."
        )
    if strict and report.outcome == "no_signal":
        raise ExpectationError(
            "no model beats the dummy floor beyond the noise of the folds (--strict): check "
            "the target and the features."
        )
    if expect is not None and report.verdict != expect:
        raise ExpectationError(
            f"the verdict is {report.verdict}, not {expect} as --expect asked: {report.sentence()}"
        )


def _check_outputs(report_dir: Path | None, json_path: str | None, *, force: bool) -> None:
    """Refuse unusable output paths, and files the run would overwrite without --force,
    before spending the budget."""
    if report_dir is not None and report_dir.exists() and not report_dir.is_dir():
        raise ParameterError(
            f"{report_dir} is a file: give --report a folder to write report.html and "
            "report.json into."
        )
    if report_dir is not None and not force:
        for name in ("report.html", "report.json"):
            if (report_dir / name).exists():
                raise ParameterError(
                    f"{report_dir / name} already exists: give --report another folder, "
                    "or --force to overwrite it."
                )
    if json_path not in (None, "-"):
        target = Path(json_path)
        if target.is_dir():
            raise ParameterError(
                f"{target} is a folder: give --json a file path, or '-' for standard output."
            )
        if not target.parent.is_dir():
            raise ParameterError(
                f"The folder of {target} does not exist: create it or give --json another path."
            )
        if target.exists() and not force:
            raise ParameterError(
                f"{target} already exists: give --json another path, or --force to overwrite it."
            )


def _run(dataset: Any, *, console: Any, **options: Any) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from advisor.check.runner import run_check

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Starting", total=None)

        def on_event(event: str, info: dict[str, Any]) -> None:
            name = info.get("name", "")
            if "total" in info:
                progress.update(task, total=info["total"], completed=info.get("done", 0))
            if event == "candidate_start":
                progress.update(task, description=f"{name} (up to {info['seconds']:g} s)")
            elif event == "candidate_finish":
                score = info.get("score")
                shown = f"{score:.4f}" if score is not None else info["status"]
                progress.console.print(
                    f"  {name:<26} {shown:>10}   {info['seconds']:.2f} s per fit"
                )
            elif event == "candidate_skipped":
                progress.console.print(f"  {name:<26} {'skipped':>10}   {info['reason']}")
            elif event == "tuning_start":
                progress.update(task, description=f"tuning {name} (up to {info['seconds']:g} s)")
            elif event == "repeats_start":
                progress.update(
                    task, description="repeating the cross-validation of the two compared"
                )
            elif event == "curve_start":
                share = info["fraction"]
                progress.update(task, description=f"learning curve: {name} at {share:.0%}")

        return run_check(dataset, progress=on_event, **options)


def show(report: Any, console: Any) -> None:
    """The leaderboard table, the verdict sentence, the learning curve and the warnings."""
    from rich.table import Table

    from advisor.check import view

    table = Table(title=f"Leaderboard ({view.title(report)}; {view.leaderboard_splits(report)})")
    for index, name in enumerate(view.columns(report)):
        numeric = 2 <= index < len(view.columns(report)) - 1
        table.add_column(name, justify="right" if numeric else "left", no_wrap=index < 2)
    rows = view.rows(report)
    for row in rows:
        table.add_row(*row.cells())
    console.print(table)
    for row in rows:
        if row.message:
            console.print(f"  {row.model}: {row.message}", style="dim")
    console.print(f"[bold]{report.sentence()}[/]")
    console.print(report.curve_summary)
    if report.data_needed is not None:
        console.print(f"Data needed: {report.data_needed.summary()}")
    if report.compute is not None:
        console.print(f"Compute needed: {report.compute.summary()}", markup=False)
    if report.spare_time is not None:
        for line in report.spare_time.summary().splitlines():
            console.print(f"Tuning: {line}", markup=False)
    for warning in report.warnings:
        console.print(f"[yellow]Warning:[/] {warning}")
    ran_on = f" on {report.engine.describe()}" if report.engine else ""
    console.print(
        f"Took {report.elapsed_seconds:.1f} s of a {report.budget_seconds:g} s budget{ran_on}.",
        style="dim",
    )


def _write_json(path: Path, text: str) -> None:
    from advisor.files import write_text

    try:
        write_text(path, text)
    except OSError as exc:
        raise ParameterError(
            f"Cannot write {path} ({exc.strerror}): give --json another path."
        ) from None
