"""The ``advisor`` command line: parses arguments, calls the library, shows the result.

Each subcommand lives in a module of its own here and imports the heavy parts of the
library (torch, scikit-learn, xgboost) inside the command, so ``advisor --help`` and
``advisor recommend`` start fast.
"""

from __future__ import annotations

import click

from advisor.errors import AdvisorError


class AdvisorGroup(click.Group):
    """A group that turns advisor's own errors into click's one-line ``Error: ...``."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AdvisorError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=AdvisorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="advisor")
def main() -> None:
    """Do we need deep learning here? Recommend, measure, and start the project."""


def _register() -> None:
    from advisor.cli.check import check
    from advisor.cli.compare import compare
    from advisor.cli.recipes import recipes
    from advisor.cli.recommend import recommend
    from advisor.cli.scaffold import scaffold

    for command in (recommend, check, compare, scaffold, recipes):
        main.add_command(command)


_register()
