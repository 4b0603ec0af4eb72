"""The rules engine: a closed vocabulary (:mod:`.vocabulary`), YAML rules over it checked at
load time (:mod:`.engine`), and the knowledge base itself (``kb/*.yaml``)."""

from __future__ import annotations

from advisor.rules.engine import Rule, fired, load_rule_file, load_rules
from advisor.rules.vocabulary import CANDIDATES, vocabulary

__all__ = ["CANDIDATES", "Rule", "fired", "load_rule_file", "load_rules", "vocabulary"]
