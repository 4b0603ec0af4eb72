"""How much compute the answer needs: each model's measured speed carried to the full data
and to 10x the data, and the time to predict one row, with the machine it was measured on.

The study times every fit and every prediction on its splits. From a model's mean fit
time on a split's training rows, and the threads its fit had, comes its speed in rows per
CPU-second; the time to train on ``rows`` rows is then the measured CPU time scaled by
``(rows / training rows) ** exponent``. The exponent is 1 (linear: every row is read at
least once per pass) unless the model's own learning-curve fits, timed at 25 %, 50 % and
100 % of the rows, say it grows faster; then it is their log-log slope, kept within
[1, 3] (a kernel SVM's fit is at worst cubic in its rows). A network's curve fits see the
same number of examples at every share of the rows, so its time says nothing about the
rows: it scales linearly, the same epochs over more rows.

A fit that its deadline cut short took the time it was given, not the time it needed:
its estimate is a lower bound, and says so. With ``--gpu-speedup F``, the deep-learning
side also gets a GPU estimate, its CPU estimate divided by F.

Light: no numpy, so that :mod:`advisor.check.result` can import it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from advisor.errors import ParameterError
from advisor.terms import FAMILY_WORDS, MODEL_FAMILIES

MULTIPLE = 10  # the larger data the estimate is carried to, as a multiple of the full data
EXPONENT_BOUNDS = (1.0, 3.0)
MIN_SPAN = 2.0  # curve fits spanning fewer times the rows than this give no exponent
LINEAR = "linear"  # how the time grows with the rows: in proportion
FITTED = "fitted"  # as the learning-curve fits' times grew
EPOCHS = "epochs"  # a network: the same epochs over more rows, so in proportion
NOT_SCORED = "it has no score, so its speed was not measured"
NOT_TIMED = "its predictions were not timed (a report from an older version)"


@dataclass(frozen=True)
class Machine:
    """Where the speeds were measured."""

    cpu: str  # the CPU model as the operating system names it
    cores: int  # logical cores (of every node, on a cluster)
    engine: str = "local"  # "local" or "ray"
    nodes: int = 1
    busy: bool = False  # other work kept every core busy as the check finished

    def words(self) -> str:
        if self.engine == "ray":
            where = (
                f"a Ray cluster of {self.nodes} node{'s' * (self.nodes != 1)}, {self.cores} CPUs"
            )
            where += f" (this machine: {self.cpu})"
        else:
            where = f"{self.cpu}, {self.cores} core{'s' * (self.cores != 1)}"
        if self.busy:
            where += "; other work kept every core busy, so the times are on the high side"
        return where

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Machine:
        return cls(
            cpu=data["cpu"],
            cores=data["cores"],
            engine=data.get("engine", "local"),
            nodes=data.get("nodes", 1),
            busy=data.get("busy", False),
        )


@dataclass(frozen=True)
class Timing:
    """What the study timed for one model (the input to :func:`estimate`)."""

    model: str
    family: str
    train_rows: int  # mean training rows of a split
    threads: int  # threads each fit had
    fit_seconds: float | None  # mean wall seconds per fit; None when not scored
    predict_row_seconds: float | None = None  # mean wall seconds per row, predicting a batch
    latency_seconds: float | None = None  # wall seconds to predict one row alone
    cut_short: bool = False  # a deadline ended some of its fits
    curve: tuple[tuple[int, float], ...] = ()  # (training rows, mean fit seconds) of its curve


@dataclass(frozen=True)
class ModelCompute:
    """One model's speed and what it costs to train on the full data and on 10x it."""

    model: str
    family: str
    train_rows: int
    threads: int
    fit_rows_per_cpu_second: float | None
    predict_rows_per_cpu_second: float | None
    latency_seconds: float | None
    exponent: float | None
    scaling: str | None  # LINEAR, FITTED or EPOCHS
    train_cpu_seconds: float | None  # on the full data
    train_cpu_seconds_10x: float | None
    gpu_seconds: float | None = None  # with --gpu-speedup, for a network
    gpu_seconds_10x: float | None = None
    lower_bound: bool = False  # cut short by its deadline: it would need at least this
    why_not: str | None = None  # why a number is missing

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelCompute:
        return cls(
            **{k: data.get(k) for k in _MODEL_KEYS} | {"lower_bound": bool(data.get("lower_bound"))}
        )


@dataclass(frozen=True)
class ComputeNeeded:
    """Every scored model's speed carried to the full data and to 10x it, the two compared
    models in words, on the machine that measured them."""

    machine: Machine
    rows_total: int  # rows of the full data
    models: tuple[ModelCompute, ...]
    best_classical: str | None = None
    best_deep_learning: str | None = None
    gpu_speedup: float | None = None
    gpu_note: str | None = None  # a CUDA GPU is present but not measured

    @property
    def measured(self) -> bool:
        """Whether any model has an estimate: without one, a table would hold only dashes."""
        return any(m.train_cpu_seconds is not None for m in self.models)

    def model(self, name: str | None) -> ModelCompute | None:
        return next((m for m in self.models if m.model == name), None)

    def summary(self) -> str:
        """In words: each compared model's training time on the full data and on 10x,
        its speed, the time to predict one row (what a latency constraint needs), and
        the machine."""
        sentences = [f"Measured on {self.machine.words()}."]
        compared = [self.model(self.best_classical), self.model(self.best_deep_learning)]
        compared = [m for m in compared if m is not None]
        sentences += [_model_words(m, self.rows_total, self.gpu_speedup) for m in compared]
        if not compared:
            sentences.append("No model has a score, so no speed was measured to carry forward.")
        timed = [m for m in compared if m.latency_seconds is not None]
        if timed:
            each = " and ".join(f"{_ms(m.latency_seconds)} for {m.model}" for m in timed)
            sentences.append(
                f"Predicting one row alone takes {each}: the figure for the latency constraint "
                "of advisor recommend (--latency-sensitive: predictions back in milliseconds)."
            )
        if self.gpu_note:
            sentences.append(self.gpu_note)
        return " ".join(sentences)

    def columns(self) -> tuple[str, ...]:
        """The titles of :meth:`table`: the GPU's columns only with ``gpu_speedup``."""
        titles = (
            "model", "family", "fit rows / CPU-s", "predict rows / CPU-s", "one row",
            f"train on {self.rows_total:,} rows", f"on {self.rows_total * MULTIPLE:,}", "scaling",
        )  # fmt: skip
        if self.gpu_speedup:
            titles += (f"GPU ({self.gpu_speedup:g}x)", f"GPU on {self.rows_total * MULTIPLE:,}")
        return titles

    def table(self) -> list[tuple[str, ...]]:
        """A row of text per model under :meth:`columns`, for every front end: speeds,
        the time to predict one row, CPU time to train on the full data and on 10x it;
        a dash where nothing was measured, "≥" before a lower bound."""
        rows = []
        for m in self.models:
            bound = "≥ " if m.lower_bound else ""
            cells = (
                m.model,
                FAMILY_WORDS[m.family],
                _rate(m.fit_rows_per_cpu_second),
                _rate(m.predict_rows_per_cpu_second),
                _ms(m.latency_seconds),
                _time(m.train_cpu_seconds, bound),
                _time(m.train_cpu_seconds_10x, bound),
                _scaling_cell(m),
            )
            if self.gpu_speedup:
                cells += (_time(m.gpu_seconds, bound), _time(m.gpu_seconds_10x, bound))
            rows.append(cells)
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine.to_dict(),
            "rows_total": self.rows_total,
            "multiple": MULTIPLE,
            "models": [m.to_dict() for m in self.models],
            "best_classical": self.best_classical,
            "best_deep_learning": self.best_deep_learning,
            "gpu_speedup": self.gpu_speedup,
            "gpu_note": self.gpu_note,
            "summary": self.summary(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ComputeNeeded:
        return cls(
            machine=Machine.from_dict(data["machine"]),
            rows_total=data["rows_total"],
            models=tuple(ModelCompute.from_dict(m) for m in data["models"]),
            best_classical=data.get("best_classical"),
            best_deep_learning=data.get("best_deep_learning"),
            gpu_speedup=data.get("gpu_speedup"),
            gpu_note=data.get("gpu_note"),
        )


_MODEL_KEYS = tuple(k for k in ModelCompute.__dataclass_fields__ if k != "lower_bound")


def estimate(
    timings: Sequence[Timing],
    *,
    rows_total: int,
    machine: Machine,
    best_classical: str | None = None,
    best_deep_learning: str | None = None,
    gpu_speedup: float | None = None,
    gpu_note: str | None = None,
) -> ComputeNeeded:
    """Each model's speed from its :class:`Timing`, carried to ``rows_total`` rows and to
    10x them (see the module)."""
    models = tuple(
        _model(t, rows_total, gpu_speedup) for t in timings if t.family in MODEL_FAMILIES
    )
    return ComputeNeeded(
        machine,
        rows_total,
        models,
        best_classical,
        best_deep_learning,
        gpu_speedup,
        gpu_note,
    )


def check_gpu_speedup(value: Any) -> None:
    """Raise :class:`ParameterError` unless ``value`` is None or a float > 1: a GPU that is
    no faster than the CPU gives no estimate worth adding."""
    if value is None:
        return
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not value > 1 or value == float("inf"):
        shown = f"{value:g}" if number else repr(value)
        raise ParameterError(
            f"The 'gpu_speedup' parameter of check must be a float > 1 (how many times faster "
            f"than one CPU core a GPU trains the network). Got {shown} instead."
        )


def gpu_note(gpu_speedup: float | None, *, cuda: bool) -> str | None:
    """What to say when a CUDA GPU is present and no speed-up was given: the check trains
    on the CPU, so the GPU's speed is not measured and F must come from the user."""
    if gpu_speedup is not None or not cuda:
        return None
    return (
        "A CUDA GPU is present, but the check trains on the CPU and does not measure it: "
        "give --gpu-speedup F (how many times faster than one core it trains the network) "
        "for a GPU estimate."
    )


def scaling(timing: Timing) -> tuple[float, str]:
    """How the model's fit time grows with its rows: (exponent, LINEAR | FITTED | EPOCHS)."""
    if timing.family == "deep_learning":
        return 1.0, EPOCHS
    points = [(rows, s) for rows, s in timing.curve if rows > 0 and s > 0]
    if timing.fit_seconds and not timing.cut_short:
        points.append((timing.train_rows, timing.fit_seconds))
    if timing.cut_short or len(points) < 2:
        return 1.0, LINEAR
    if max(r for r, _ in points) < MIN_SPAN * min(r for r, _ in points):
        return 1.0, LINEAR
    slope = _slope([math.log(r) for r, _ in points], [math.log(s) for _, s in points])
    low, high = EXPONENT_BOUNDS
    if slope <= low:
        return 1.0, LINEAR
    return round(min(slope, high), 2), FITTED


def _model(timing: Timing, rows_total: int, gpu_speedup: float | None) -> ModelCompute:
    base = dict(model=timing.model, family=timing.family, train_rows=timing.train_rows,
                threads=timing.threads)  # fmt: skip
    if timing.fit_seconds is None or timing.fit_seconds <= 0 or timing.train_rows <= 0:
        return ModelCompute(
            **base, fit_rows_per_cpu_second=None, predict_rows_per_cpu_second=None,
            latency_seconds=None, exponent=None, scaling=None, train_cpu_seconds=None,
            train_cpu_seconds_10x=None, why_not=NOT_SCORED,
        )  # fmt: skip
    cpu = timing.fit_seconds * timing.threads  # CPU-seconds of one fit
    exponent, how = scaling(timing)

    def train(rows: int) -> float:
        return cpu * (rows / timing.train_rows) ** exponent

    full, ten = train(rows_total), train(rows_total * MULTIPLE)
    gpu = gpu_speedup if timing.family == "deep_learning" and gpu_speedup else None
    per_row = timing.predict_row_seconds
    return ModelCompute(
        **base,
        fit_rows_per_cpu_second=_round(timing.train_rows / cpu),
        predict_rows_per_cpu_second=(
            _round(1.0 / (per_row * timing.threads)) if per_row and per_row > 0 else None
        ),
        latency_seconds=_round(timing.latency_seconds),
        exponent=exponent,
        scaling=how,
        train_cpu_seconds=_round(full),
        train_cpu_seconds_10x=_round(ten),
        gpu_seconds=_round(full / gpu) if gpu else None,
        gpu_seconds_10x=_round(ten / gpu) if gpu else None,
        lower_bound=timing.cut_short,
        why_not=None if per_row is not None else NOT_TIMED,
    )


def _model_words(m: ModelCompute, rows_total: int, gpu_speedup: float | None) -> str:
    if m.train_cpu_seconds is None or m.train_cpu_seconds_10x is None:
        return f"{m.model}: no estimate ({m.why_not})."
    bound = "at least " if m.lower_bound else "about "
    words = (
        f"Training {m.model} on the full data ({rows_total:,} rows) takes {bound}"
        f"{duration(m.train_cpu_seconds)} of CPU time, and on {MULTIPLE}x the data "
        f"({rows_total * MULTIPLE:,} rows) {bound}{duration(m.train_cpu_seconds_10x)} "
        f"({_scaling_words(m)})"
    )
    if m.gpu_seconds is not None and m.gpu_seconds_10x is not None:
        words += (
            f"; on a GPU {gpu_speedup:g}x faster than one core, {duration(m.gpu_seconds)} and "
            f"{duration(m.gpu_seconds_10x)}"
        )
    if m.lower_bound:
        words += "; its deadline cut its fits short, so it needs at least this"
    speed = f"it fits {_rate(m.fit_rows_per_cpu_second)} rows per CPU-second"
    if m.predict_rows_per_cpu_second is not None:
        speed += f" and predicts {_rate(m.predict_rows_per_cpu_second)}"
    else:
        speed += f"; {m.why_not}"
    return f"{words}; {speed}."


def _scaling_cell(m: ModelCompute) -> str:
    if m.scaling == FITTED:
        return f"rows^{m.exponent:g}"
    return {LINEAR: "linear", EPOCHS: "linear (epochs)"}.get(m.scaling or "", "–")


def _scaling_words(m: ModelCompute) -> str:
    if m.scaling == FITTED:
        return f"time growing as rows^{m.exponent:g}, from its learning-curve fits"
    if m.scaling == EPOCHS:
        return "linear in the rows: the same epochs over more rows"
    return "linear in the rows"


def duration(seconds: float) -> str:
    """A duration as people read it: seconds, minutes, hours or days."""
    if seconds < 10:
        return f"{seconds:.2g} s" if seconds < 1 else f"{seconds:.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _time(seconds: float | None, bound: str = "") -> str:
    return "–" if seconds is None else bound + duration(seconds)


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    ms = seconds * 1000
    return f"{ms:.2g} ms" if ms < 10 else f"{ms:.0f} ms"


def _rate(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 10 else f"{value:.2g}"


def _round(value: float | None) -> float | None:
    """Four significant digits: the estimates are not more precise than that."""
    if value is None or value == 0:
        return value
    return float(f"{value:.4g}")


def _slope(x: list[float], y: list[float]) -> float:
    """The least-squares slope of y on x: a log-log fit of three points needs no numpy."""
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxx = sum((a - mx) ** 2 for a in x)
    return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sxx


def timings(
    models: Sequence[Any], curve: Sequence[Any], *, train_rows: int, threads: int
) -> list[Timing]:
    """Each model's :class:`Timing` from the report's models (``ModelResult``) and its
    learning curve (``CurvePoint``, whose fit times give the exponent); every fit had
    ``threads`` threads on ``train_rows`` training rows."""
    out = []
    for m in models:
        points = tuple(
            (p.train_rows, p.fit_seconds)
            for p in curve
            if p.model == m.name and p.fraction < 1 and getattr(p, "fit_seconds", None)
        )
        out.append(
            Timing(
                model=m.name,
                family=m.family,
                train_rows=train_rows,
                threads=threads,
                fit_seconds=m.fit_seconds if m.status == "ok" else None,
                predict_row_seconds=getattr(m, "predict_row_seconds", None),
                latency_seconds=getattr(m, "latency_seconds", None),
                cut_short=m.deadline_stops.any,
                curve=points,
            )
        )
    return out
