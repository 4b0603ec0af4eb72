"""The feasibility check: classical baselines against a neural network, under one budget.

:func:`advisor.check.runner.run_check` runs it and returns a
:class:`advisor.check.result.FeasibilityReport`; :func:`advisor.check.report.write_report`
writes its HTML and JSON. Nothing heavy is imported here.

- Orchestration: ``runner`` (run_check), ``sampling`` (rows the budget can evaluate),
  ``plan`` (the budget and its windows, frozen once), ``study`` (the candidates as jobs),
  ``lanes`` (jobs sharing time, one or two at a time), ``executor`` (where jobs run) and
  ``children`` (the local engine: child processes of a fork server), ``worker`` (the jobs),
  ``messages`` (what crosses between them), ``aggregate`` (fits into results), ``curve``
  (the learning curve in words).
- The candidates: ``ladder`` (which models, for which data), ``features``, ``boosting``,
  ``neural`` (the PyTorch networks), ``fitting`` (fit and score one split), ``hardware``
  (threads and lanes for this machine).
- Judging and showing: ``evaluation`` (splits, metrics, the paired test), ``verdict`` (the
  outcome and the verdict by the fixed rule), ``advice`` (the budget that would settle a
  tie), ``extrapolate`` (how much data would change the answer), ``compute`` (what
  training and prediction would cost), ``compare`` (two reports
  side by side), ``guards`` (honesty warnings), ``result`` (the report and its JSON),
  ``view`` (what every front end shows), ``report`` (the HTML page), ``markdown``.
- Engines: ``engines`` (make_executor: local, or ``engines.ray`` on a Ray cluster).
"""
