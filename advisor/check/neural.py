"""Small neural networks trained from scratch with PyTorch, as scikit-learn estimators.

An MLP for tables, a small CNN for images and a bag-of-n-grams embedding network for
text (fastText-style); TabM for small tables builds on them in
:mod:`advisor.check.tabm_net`. They share one readable training loop: AdamW, inner validation
data carved out of the training data for early stopping (never the evaluation fold), the
best weights kept, and a cooperative ``deadline`` checked every batch so a fit ends cleanly
inside its time slot. skorch would add a second training framework for what is a 40-line
loop, and it has no notion of a wall-clock deadline; so the loop is written out here.

torch is imported inside ``fit``/``predict`` only: importing this module stays cheap.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder

from advisor.check.embedding import category_front, code_levels
from advisor.check.messages import Stop


@dataclass(frozen=True)
class TrainSettings:
    """How a network is trained; one place for the defaults."""

    max_epochs: int = 300  # early stopping normally ends training far sooner
    patience: int = 10  # epochs without a better validation loss before stopping
    # Better means lower by this much (Keras's min_delta): on the few validation rows of a
    # small training set, the loss creeps down for a hundred epochs after the predictions
    # have stopped changing.
    min_delta: float = 1e-3
    lr: float = 2e-3  # AdamW learning rate
    weight_decay: float = 1e-4  # AdamW decoupled weight decay
    batch_size: int = 256  # upper bound; small data uses smaller batches
    validation_fraction: float = 0.15  # inner validation share of the training data


class AdamW:
    """AdamW (Loshchilov and Hutter, 2019): the update ``torch.optim.AdamW`` makes.

    Written out because ``torch.optim`` imports ``torch._dynamo`` (hundreds of modules)
    at an optimizer's first step, and every check would pay that out of its budget; the
    update itself is eight multi-tensor operations (``torch._foreach_*``, the ones
    ``torch.optim`` uses). A test holds it to ``torch.optim.AdamW``'s results.
    """

    def __init__(
        self,
        params: Any,
        *,
        lr: float,
        weight_decay: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        import torch

        self.params = [p for p in params if p.requires_grad]
        self.lr, self.weight_decay, self.betas, self.eps = lr, weight_decay, betas, eps
        self.steps = 0
        self._mean = [torch.zeros_like(p) for p in self.params]
        self._square = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        import torch

        self.steps += 1
        beta1, beta2 = self.betas
        step_size = self.lr / (1 - beta1**self.steps)
        root_correction = math.sqrt(1 - beta2**self.steps)
        live = [i for i, p in enumerate(self.params) if p.grad is not None]
        params = [self.params[i] for i in live]
        grads = [p.grad for p in params]
        means, squares = [self._mean[i] for i in live], [self._square[i] for i in live]
        # One multi-tensor call per operation for all the parameters (what torch.optim
        # does with foreach=True): on small networks the per-call overhead dominates.
        with torch.no_grad():
            torch._foreach_mul_(params, 1 - self.lr * self.weight_decay)
            torch._foreach_lerp_(means, grads, 1 - beta1)
            torch._foreach_mul_(squares, beta2)
            torch._foreach_addcmul_(squares, grads, grads, value=1 - beta2)
            denominators = torch._foreach_sqrt(squares)
            torch._foreach_div_(denominators, root_correction)
            torch._foreach_add_(denominators, self.eps)
            torch._foreach_addcdiv_(params, means, denominators, value=-step_size)


def _snapshot(module: Any) -> dict[str, Any]:
    """A copy of the module's weights and buffers: cloning the tensors skips the
    bookkeeping of ``copy.deepcopy``, which on small data costs a good share of a fit."""
    return {name: value.detach().clone() for name, value in module.state_dict().items()}


class TorchEstimator(BaseEstimator):
    """Shared fit/predict for the networks; subclasses define the module and inputs."""

    def __init__(
        self,
        *,
        task: str = "binary",
        width: int = 256,
        max_epochs: int = 300,
        patience: int = 10,
        lr: float = 2e-3,
        batch_size: int | None = None,
        deadline: float | None = None,
        seed: int = 0,
        threads: int | None = None,
        categorical: int = 0,
    ) -> None:
        self.task = task
        self.width = width
        self.max_epochs = max_epochs
        self.patience = patience
        self.lr = lr
        self.batch_size = batch_size
        self.deadline = deadline
        self.seed = seed
        self.threads = threads
        # Tables only: how many of the last columns are category codes, each embedded
        # (see advisor.check.embedding).
        self.categorical = categorical

    # --- what subclasses provide ---------------------------------------------------------

    def _fit_inputs(self, X: Any) -> None:
        """Learn input statistics (scaling) from the training data."""

    def _batch(self, X: Any, index: np.ndarray) -> tuple[Any, ...]:
        """The module's input tensors for rows ``index`` of ``X``."""
        raise NotImplementedError

    def _module(self, X: Any, n_outputs: int) -> Any:
        raise NotImplementedError

    # --- fitting -------------------------------------------------------------------------

    def fit(self, X: Any, y: Any) -> TorchEstimator:
        import torch

        torch.manual_seed(self.seed)
        torch.set_num_threads(self.threads or min(4, os.cpu_count() or 1))
        y = np.asarray(y)
        classify = self.task != "regression"
        if classify:
            self.encoder_ = LabelEncoder().fit(y)
            self.classes_ = self.encoder_.classes_
            target = self.encoder_.transform(y)
            n_outputs = len(self.classes_)
        else:
            self.y_mean_, self.y_scale_ = float(np.mean(y)), float(np.std(y) or 1.0)
            target = (y.astype(np.float64) - self.y_mean_) / self.y_scale_
            n_outputs = 1
        rows = np.arange(len(target))
        settings = TrainSettings(max_epochs=self.max_epochs, patience=self.patience, lr=self.lr)
        stratify = target if classify and np.bincount(target).min() >= 2 else None
        train_rows, val_rows = train_test_split(
            rows,
            test_size=settings.validation_fraction,
            random_state=self.seed,
            stratify=stratify,
        )
        self._fit_inputs(X[train_rows])
        self.module_ = self._module(X, n_outputs)
        if classify:
            y_tensor = torch.as_tensor(target, dtype=torch.long)
        else:
            y_tensor = torch.as_tensor(target, dtype=torch.float32).reshape(-1, 1)
        self._train(X, y_tensor, train_rows, val_rows, settings)
        return self

    def _loss(self) -> Any:
        import torch

        return torch.nn.CrossEntropyLoss() if self.task != "regression" else torch.nn.MSELoss()

    def _train(self, X, y, train_rows, val_rows, settings: TrainSettings) -> None:
        """One readable loop: epochs of shuffled batches, validate, keep the best weights."""
        module, loss_fn = self.module_, self._loss()
        optimizer = AdamW(module.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
        batch_size = self.batch_size or int(np.clip(len(train_rows) // 3, 32, settings.batch_size))
        generator = np.random.default_rng(self.seed)
        best_loss, best_state, stale = math.inf, _snapshot(module), 0
        self.stopped_by_, self.n_epochs_ = Stop.MAX_EPOCHS, 0
        module.train()
        for epoch in range(settings.max_epochs):
            order = train_rows[generator.permutation(len(train_rows))]
            out_of_time = False
            for start in range(0, len(order), batch_size):
                index = order[start : start + batch_size]
                if len(index) < 2 and start > 0:
                    continue  # batch norm cannot use a batch of one
                optimizer.zero_grad()
                loss = loss_fn(module(*self._batch(X, index)), y[index])
                loss.backward()
                optimizer.step()
                if self.deadline is not None and time.monotonic() > self.deadline:
                    out_of_time = True
                    break
            self.n_epochs_ = epoch + 1
            val_loss = self._evaluate(X, y, val_rows, loss_fn)
            if val_loss < best_loss - settings.min_delta:
                best_loss, best_state, stale = val_loss, _snapshot(module), 0
            else:
                stale += 1
            if out_of_time:
                # Still improving if it improved within the last half of its patience;
                # else it was waiting out a plateau, and the best weights are already kept.
                improving = stale < settings.patience / 2
                self.stopped_by_ = Stop.DEADLINE if improving else Stop.DEADLINE_ON_PLATEAU
                break
            if stale >= settings.patience:
                self.stopped_by_ = Stop.EARLY_STOPPING
                break
        module.load_state_dict(best_state)
        module.eval()

    def _evaluate(self, X, y, rows, loss_fn) -> float:
        import torch

        self.module_.eval()
        total = 0.0
        with torch.no_grad():
            for start in range(0, len(rows), 1024):
                index = rows[start : start + 1024]
                total += float(loss_fn(self.module_(*self._batch(X, index)), y[index])) * len(index)
        self.module_.train()
        return total / max(1, len(rows))

    # --- predicting ----------------------------------------------------------------------

    def _outputs(self, X: Any) -> np.ndarray:
        import torch

        self.module_.eval()
        rows = np.arange(X.shape[0])
        parts = []
        with torch.no_grad():
            for start in range(0, len(rows), 1024):
                parts.append(self.module_(*self._batch(X, rows[start : start + 1024])).numpy())
        return np.concatenate(parts) if parts else np.empty((0, 1))

    def predict_proba(self, X: Any) -> np.ndarray:
        logits = self._outputs(X).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        return weights / weights.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        if self.task != "regression":
            return self.classes_[np.argmax(self._outputs(X), axis=1)]
        return self._outputs(X)[:, 0] * self.y_scale_ + self.y_mean_


class MLPNet(TorchEstimator):
    """A multilayer perceptron for scaled numeric features (two hidden layers), with an
    embedding for each category column (``categorical``)."""

    def _fit_inputs(self, X: Any) -> None:
        self.n_features_in_ = np.asarray(X).shape[1]
        self.levels_ = code_levels(X, self.categorical)

    def _batch(self, X, index):
        import torch

        return (torch.as_tensor(np.asarray(X[index], dtype=np.float32)),)

    def _module(self, X, n_outputs):
        from torch import nn

        width = self.width
        front, inputs = category_front(self.n_features_in_, self.levels_)
        return nn.Sequential(
            front,
            nn.Linear(inputs, width),
            nn.BatchNorm1d(width),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(width, width),
            nn.BatchNorm1d(width),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(width, n_outputs),
        )


class CNNNet(TorchEstimator):
    """A small convolutional network for N×H×W×C images (three conv blocks)."""

    def _fit_inputs(self, X: Any) -> None:
        X = np.asarray(X, dtype=np.float32)
        # Per-channel standardisation learnt on the training rows only.
        self.mean_ = X.mean(axis=(0, 1, 2))
        self.std_ = X.std(axis=(0, 1, 2)) + 1e-6

    def _batch(self, X, index):
        import torch

        images = (np.asarray(X[index], dtype=np.float32) - self.mean_) / self.std_
        # N×H×W×C viewed as N×C×H×W is torch's channels_last layout, which its CPU
        # convolutions run fastest on, without a copy.
        return (torch.as_tensor(images).permute(0, 3, 1, 2),)

    def _module(self, X, n_outputs):
        import torch
        from torch import nn

        channels, side = X.shape[3], min(X.shape[1], X.shape[2])
        # Narrow layers: on a CPU budget, more epochs beat more channels; wider layers
        # train slower to no better accuracy on small images.
        pool = [nn.MaxPool2d(2)] if side >= 16 else []
        module = nn.Sequential(
            nn.Conv2d(channels, 8, 3, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            *pool,
            nn.Conv2d(8, 16, 3, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(2) if side >= 4 else nn.Identity(),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(2),
            nn.Flatten(),
            nn.Dropout(0.2),
            nn.Linear(32 * 4, n_outputs),
        )
        return module.to(memory_format=torch.channels_last)


def _bag_module(n_features: int, width: int, n_outputs: int) -> Any:
    """Summed n-gram embeddings weighted by TF-IDF, then a hidden layer; built in a function
    so that torch is imported only when a text net trains."""
    from torch import nn

    class BagOfNgrams(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.EmbeddingBag(n_features, width, mode="sum")
            self.head = nn.Sequential(nn.ReLU(), nn.Dropout(0.2), nn.Linear(width, n_outputs))

        def forward(self, indices, offsets, weights):
            return self.head(self.embed(indices, offsets, per_sample_weights=weights))

    return BagOfNgrams()


class TextNet(TorchEstimator):
    """A bag-of-n-grams embedding network over a sparse TF-IDF matrix (fastText-style)."""

    def _fit_inputs(self, X: Any) -> None:
        self.n_features_in_ = X.shape[1]

    def _batch(self, X, index):
        import torch

        rows = X[index]
        return (
            torch.as_tensor(rows.indices, dtype=torch.long),
            torch.as_tensor(rows.indptr[:-1], dtype=torch.long),
            torch.as_tensor(rows.data, dtype=torch.float32),
        )

    def _module(self, X, n_outputs):
        return _bag_module(self.n_features_in_, self.width, n_outputs)
