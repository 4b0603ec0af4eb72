"""The Streamlit questionnaire (``streamlit run app.py``): a thin page over the library.

It asks the questions, calls :func:`advisor.recommend`, :func:`advisor.run_check` and
:func:`advisor.scaffold_project`, and shows what they return, one step at a time.

Where to look:

- :mod:`~advisor.app.page` draws the sidebar, the current step and the navigation.
- :mod:`~advisor.app.state` sets up a session's state and keeps answers while a step is
  off-page; :mod:`~advisor.app.resources` holds what every session shares (cached).
- :mod:`advisor.app.steps` has one module a step: problem, data, recommendation, check,
  project.
- :mod:`~advisor.app.answers`, :mod:`~advisor.app.sessions`, :mod:`~advisor.app.uploads`
  and :mod:`~advisor.app.downloads` do the work that needs no widget, without Streamlit.

Importing this package imports nothing heavy; Streamlit comes in with :func:`main`.
"""

from __future__ import annotations


def main() -> None:
    """Draw the questionnaire: one run of the Streamlit script."""
    from advisor.app.page import main as draw

    draw()
