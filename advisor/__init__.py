"""advisor: do we need deep learning here, and how do we start the project right?

The public names are re-exported here, lazily: ``import advisor`` (and so ``advisor
--help``) loads none of pandas, scikit-learn, xgboost or torch until a name that needs
them is used.
"""

from __future__ import annotations

import importlib
from typing import Any

from advisor.errors import (
    AdvisorError,
    CheckError,
    DataError,
    ExpectationError,
    ParameterError,
    RecipeError,
    ReportError,
    RuleError,
    ScaffoldError,
)
from advisor.profile import Profile

__version__ = "0.1.0"

# public name -> module that defines it; add a line here when a module gains a public name
_LAZY = {
    "EXAMPLES": "advisor.data",
    "Dataset": "advisor.data",
    "load_dataset": "advisor.data",
    "load_example": "advisor.data",
    "infer_profile": "advisor.inference",
    "profile_from_dataset": "advisor.inference",
    "recommend": "advisor.recommendation",
    "Recommendation": "advisor.recommendation",
    "vocabulary": "advisor.rules.vocabulary",
    "run_check": "advisor.check.runner",
    "compare_reports": "advisor.check.compare",
    "FeasibilityReport": "advisor.check.result",
    "write_report": "advisor.check.report",
    "scaffold_project": "advisor.scaffold.generate",
    "Scaffolded": "advisor.scaffold.generate",
    "load_recipes": "advisor.scaffold.recipes",
    "Recipe": "advisor.scaffold.recipes",
}

__all__ = [
    "AdvisorError",
    "CheckError",
    "DataError",
    "ExpectationError",
    "ParameterError",
    "Profile",
    "RecipeError",
    "ReportError",
    "RuleError",
    "ScaffoldError",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'advisor' has no attribute {name!r}")
