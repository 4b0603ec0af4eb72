"""Where a check's jobs run: this machine's cores, or a Ray cluster.

:func:`make_executor` turns the command line's ``--engine`` and ``--address`` into an
:class:`~advisor.check.executor.Executor` for :func:`~advisor.check.runner.run_check`. The
Ray engine (:mod:`.ray`) imports Ray only once it is asked for, so that without
``--engine ray`` nothing about start-up changes.
"""

from __future__ import annotations

from advisor.check.executor import Executor, LocalExecutor
from advisor.errors import ParameterError
from advisor.terms import suggest

ENGINES = ("local", "ray")
# At most this share of a check's budget may go to reaching a cluster (or starting Ray): past
# it, the models would have too little left to say anything.
BUDGET_SHARE = 0.5


def make_executor(
    engine: str = "local",
    *,
    address: str | None = None,
    connect_timeout: float | None = None,
    budget: float | None = None,
) -> Executor:
    """The executor for ``engine``: ``"local"`` (this machine's cores) or ``"ray"`` (the
    Ray cluster at ``address``, or a Ray runtime started here for ``"local"``).

    Nothing is started or connected here: the Ray engine connects in ``warm_up()``, inside
    the check's budget, and gives up after ``connect_timeout`` seconds (its own defaults
    when ``None``). Given the check's ``budget``, connecting may take at most half of it.
    Raises :class:`ParameterError` for an unknown engine or an address given to the local
    one.
    """
    if engine not in ENGINES:
        raise ParameterError(
            f"The 'engine' parameter of check must be one of {', '.join(ENGINES)}. "
            f"Got {engine!r} instead{suggest(engine, ENGINES)}."
        )
    if engine == "local":
        if address is not None:
            raise ParameterError(
                "The 'address' parameter of check only applies to the ray engine; "
                "add --engine ray or leave out --address."
            )
        return LocalExecutor()
    from advisor.check.engines.ray import RayExecutor
    from advisor.check.engines.ray.connect import default_timeout, parse_address

    if budget is not None:
        most = BUDGET_SHARE * budget
        given = (
            default_timeout(parse_address(address)) if connect_timeout is None else connect_timeout
        )
        connect_timeout = min(given, most)
    return RayExecutor(address, connect_timeout=connect_timeout)
