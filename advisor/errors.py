"""Every error advisor raises on purpose.

The command line and the questionnaire catch :class:`AdvisorError` and show its message as
one line; anything else escaping is a bug. Messages say what was wrong, what was expected,
and what to do.
"""

from __future__ import annotations


class AdvisorError(Exception):
    """Raised when advisor cannot do what was asked; the base of every error here."""


class ParameterError(AdvisorError, ValueError):
    """Raised when a parameter of a library call has a value outside its allowed range."""


class DataError(AdvisorError):
    """Raised when input data cannot be read or cannot support the task asked of it."""


class RuleError(AdvisorError):
    """Raised when a rule file is malformed or uses a word outside the vocabulary."""


class RecipeError(AdvisorError):
    """Raised when a recipe is unknown, malformed, or names an invalid combination."""


class ScaffoldError(AdvisorError):
    """Raised when a project cannot be generated where or how it was asked."""


class ReportError(AdvisorError):
    """Raised when a file given as a feasibility report is not one."""


class CheckError(AdvisorError):
    """Raised when the feasibility check cannot run on the data it was given."""


class ExpectationError(AdvisorError):
    """Raised when a finished check is not what the caller held it to (``--expect``,
    ``--strict``): a verdict other than the one expected, or a family left unmeasured."""
