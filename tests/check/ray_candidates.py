"""Candidates the Ray engine's tests put into the ladder. They live in a module, not in the
test file, because the cluster's workers import a candidate's ``build`` by name (the nodes
find this repository through ``PYTHONPATH``, see :mod:`tests.check.ray_cluster`)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

STEADY_SECONDS = 0.6  # each fit of a steady candidate: long enough to be caught running


class SlowClassifier(BaseEstimator):
    """Stands for a fit that never checks the clock (an SVM in C code, say). It writes its
    process id to ``slow.pids`` in the cluster's folder, so that a test can see the process
    end when the job is cancelled."""

    def fit(self, X, y):
        folder = os.environ.get("ADVISOR_RAY_TEST_FOLDER")
        if folder:
            with (Path(folder) / "slow.pids").open("a") as file:
                file.write(f"{os.getpid()}\n")
        time.sleep(600)
        return self


class SteadyLogistic(LogisticRegression):
    """A logistic regression that takes :data:`STEADY_SECONDS` longer to fit."""

    def fit(self, X, y, sample_weight=None):
        time.sleep(STEADY_SECONDS)
        return super().fit(X, y, sample_weight)


def never_ends(context, deadline):
    return SlowClassifier()


def steady(context, deadline):
    return SteadyLogistic()
