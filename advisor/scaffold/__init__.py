"""Scaffold: recipes choose a stack, the cookiecutter template renders it.

- :mod:`advisor.scaffold.recipes` — the recipes and the closed vocabulary they use;
- :mod:`advisor.scaffold.naming` — a project name made safe as a folder and a package;
- :mod:`advisor.scaffold.baseline` — the number to beat, from a feasibility report;
- :mod:`advisor.scaffold.answers` — the answers written into a project, for replay;
- :mod:`advisor.scaffold.generate` — rendering, safely, into the output folder.
"""
