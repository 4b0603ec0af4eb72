"""The feasibility check: classical baselines against a neural network, under one budget.

:func:`advisor.check.runner.run_check` runs it and returns a
:class:`advisor.check.result.FeasibilityReport`; :func:`advisor.check.report.write_report`
writes its HTML and JSON. Modules: ``candidates`` (the ladder, one estimator interface),
``neural`` (the PyTorch networks), ``budget`` (the time box), ``evaluation`` (splits,
metrics, the verdict rule), ``guards`` (honesty warnings), ``worker`` (jobs run in child
processes). Nothing heavy is imported here.
"""
