"""Project names become safe folder and package names, or a clear error."""

from __future__ import annotations

import pytest

from advisor.errors import ScaffoldError
from advisor.scaffold.naming import project_names


@pytest.mark.parametrize(
    ("name", "slug", "package"),
    [
        ("churn", "churn", "churn"),
        ("Churn Model 2", "churn-model-2", "churn_model_2"),
        ("  fraud__detector!! ", "fraud-detector", "fraud_detector"),
        ("Café Prévision", "cafe-prevision", "cafe_prevision"),
        ("{{ 7*7 }} x", "7-7-x", None),
        ("x {{ 7*7 }}", "x-7-7", "x_7_7"),
        ("../../etc/passwd", "etc-passwd", "etc_passwd"),
    ],
    ids=["plain", "spaces-and-digits", "punctuation", "accents", "template-first", "template",
         "path-traversal"],
)  # fmt: skip
def test_names_are_sanitised(name: str, slug: str, package: str | None) -> None:
    if package is None:
        with pytest.raises(ScaffoldError, match=r"starts with a digit"):
            project_names(name)
        return
    names = project_names(name)
    assert (names.slug, names.package) == (slug, package)
    assert names.display == " ".join(name.split())


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("123", "'123' starts with a digit"),
        ("!!!", "it has no letters or digits"),
        ("日本語", "it has no letters or digits"),
        ("class", "'class' is a Python keyword"),
        ("json", "'json' would shadow the module of that name that the project imports"),
        ("torch", "'torch' would shadow the module of that name that the project imports"),
    ],
    ids=["digits", "punctuation-only", "no-ascii", "keyword", "stdlib", "dependency"],
)
def test_names_that_cannot_become_a_package_are_refused(name: str, problem: str) -> None:
    with pytest.raises(ScaffoldError) as caught:
        project_names(name)
    assert str(caught.value) == (
        f"the project name {name!r} cannot become a Python package name: {problem}; "
        "pass a --name that starts with a letter, such as 'churn-model'"
    )


def test_an_empty_name_is_refused() -> None:
    with pytest.raises(ScaffoldError, match=r"^the project name is empty"):
        project_names(" \n ")
