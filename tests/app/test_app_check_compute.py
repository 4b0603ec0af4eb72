"""The check step's report shows the compute needed: the words, and the table of speeds and
training times when a model has an estimate."""

from __future__ import annotations

from advisor.check.compute import Machine, Timing, estimate
from tests.app.test_app import _texts
from tests.app.test_app_check_report import checked  # noqa: F401 (a fixture)


def _compute(fit_seconds: float | None) -> dict:
    timed = [
        Timing("svm", "classical", 120, 1, fit_seconds, 1e-5, 0.001),
        Timing("mlp", "deep_learning", 120, 1, fit_seconds, 2e-5, 0.004),
    ]
    return estimate(
        timed,
        rows_total=150,
        machine=Machine(cpu="Test CPU 9000", cores=8),
        best_classical="svm",
        best_deep_learning="mlp",
        gpu_speedup=10.0,
    ).to_dict()


def test_the_compute_words_and_table_show_when_the_report_has_them(checked) -> None:  # noqa: F811
    app = checked(compute=_compute(0.5))
    texts = _texts(app)
    assert "**Compute needed** · Measured on Test CPU 9000, 8 cores." in texts
    assert "1 ms for svm and 4 ms for mlp" in texts
    table = app.table[-1].value
    assert list(table.columns)[:3] == ["model", "family", "fit rows / CPU-s"]
    assert list(table["model"]) == ["svm", "mlp"]
    assert list(table["GPU (10x)"]) == ["–", "0.062 s"]


def test_no_table_when_no_model_has_an_estimate(checked) -> None:  # noqa: F811
    app = checked(compute=_compute(None))
    texts = _texts(app)
    assert "svm: no estimate (it has no score, so its speed was not measured)." in texts
    assert "Predicting one row alone" not in texts
    assert all("fit rows / CPU-s" not in t.value.columns for t in app.table)
