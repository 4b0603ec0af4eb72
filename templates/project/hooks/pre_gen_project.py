"""Refuse names that cannot become a Python package before anything is written."""

import keyword
import re
import sys

PACKAGE = "{{ cookiecutter.package_name }}"
SLUG = "{{ cookiecutter.project_slug }}"

if not re.fullmatch(r"[a-z][a-z0-9_]*", PACKAGE) or keyword.iskeyword(PACKAGE):
    sys.exit(
        f"ERROR: package_name {PACKAGE!r} is not a valid Python package name: use lower-case "
        "letters, digits and underscores, starting with a letter."
    )
if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", SLUG):
    sys.exit(f"ERROR: project_slug {SLUG!r} is not a valid folder name: use a-z, 0-9, '-', '_'.")
