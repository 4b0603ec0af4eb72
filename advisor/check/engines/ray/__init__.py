"""The check's jobs on a Ray cluster: each job a Ray task, its messages streamed back.

:class:`RayExecutor` (:mod:`.executor`) implements :class:`~advisor.check.executor.Executor`
over a cluster that :mod:`.connect` reaches (or starts here, for ``"local"``); :mod:`.task`
is what runs on the cluster's workers. Ray itself is imported only when the executor
connects.
"""

from __future__ import annotations

from advisor.check.engines.ray.executor import RayExecutor

__all__ = ["RayExecutor"]
