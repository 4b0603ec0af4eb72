"""Step 5: the project, a recipe's stack with the check's baseline baked in, zipped for
download."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from advisor.app.resources import recipes
from advisor.app.state import current_profile, remember, workdir
from advisor.errors import AdvisorError

STACK = ("framework", "tracking", "versioning")


def draw() -> None:
    """Choose a recipe and its stack, say which baseline goes in, generate and offer the zip."""
    from advisor.scaffold.vocabulary import CHOICES

    st.header("The project")
    available = recipes()
    suggested = suggested_recipe()
    chosen = st.session_state.kept.get("recipe")
    st.session_state.recipe = chosen if chosen in available else suggested or next(iter(available))
    st.selectbox(
        "Recipe",
        list(available),
        key="recipe",
        on_change=choose_recipe,
        format_func=lambda name: f"{name} (suggested)" if name == suggested else name,
        help="A recipe is a whole stack: framework, tracking, data versioning, hardware.",
    )
    recipe = available[st.session_state.recipe]
    kept = st.session_state.kept
    if kept.get("stack_of") != recipe.name:
        # Another recipe (chosen, or suggested for new answers) brings its own stack.
        for what in STACK:
            kept.pop(f"project_{what}", None)
        kept["stack_of"] = recipe.name
    st.caption(recipe.description)
    for column, what in zip(st.columns(len(STACK)), STACK, strict=True):
        column.selectbox(
            what.capitalize(),
            CHOICES[what],
            **remember(f"project_{what}", getattr(recipe, what)),
        )
    st.text_input("Project name", **remember("project_name", "my-project"))
    try:
        resolved = recipe.with_choices(
            framework=st.session_state.project_framework,
            tracking=st.session_state.project_tracking,
            versioning=st.session_state.project_versioning,
            task=current_profile().task,
        )
    except AdvisorError as exc:
        st.warning(f"This combination cannot be generated: {exc}.", icon=":material/warning:")
        return
    st.markdown("**What will be generated**")
    st.table(
        [
            {"": field, "choice": value.replace("_", " ")}
            for field, value in resolved.choices().items()
        ],
        hide_index=True,
    )
    show_baseline(st.session_state.report)
    if st.button("Generate the project", key="generate", type="primary"):
        generate(resolved)
    show_project(resolved)


def choose_recipe() -> None:
    """Keep the recipe the user chose while the step is off-page."""
    st.session_state.kept["recipe"] = st.session_state.recipe


def suggested_recipe() -> str | None:
    """The recipe the recommendation suggests for the answers, or None when the answers
    make no profile."""
    from advisor.recommendation import recommend

    try:
        return recommend(current_profile()).recipe
    except AdvisorError:
        return None


def show_baseline(report: Any) -> None:
    """Which number to beat the project will carry: none (no check, no score, or no
    signal), a score without a verdict, or the check's verdict and scores."""
    from advisor.scaffold.baseline import baseline_from_report

    if report is None:
        st.info(
            "No check was run, so the project will say that no baseline was measured. "
            "Run the check (step 4) to bake in the number to beat.",
            icon=":material/info:",
        )
    elif not baseline_from_report(report)["measured"]:
        st.info(
            f"The check has no number to bake in ({report.sentence()}), so the project "
            "will say that no baseline was measured.",
            icon=":material/info:",
        )
    elif report.outcome != "measured":
        st.info(
            f"The check has no verdict ({report.sentence()}): the project gets the score it "
            "measured to beat, and says that the comparison was not made.",
            icon=":material/info:",
        )
    else:
        st.success(
            f"The baseline to beat is baked in: {report.sentence()}",
            icon=":material/check_circle:",
        )


def generate(recipe: Any) -> None:
    """Generate the project in a fresh folder of the session's and zip it; the previous
    project's files go. On an error nothing is kept and the page says why."""
    from advisor.app.downloads import archive_project
    from advisor.scaffold.generate import scaffold_project

    report = st.session_state.report
    runs = workdir() / "projects"
    runs.mkdir(exist_ok=True)
    output = Path(tempfile.mkdtemp(dir=runs))  # a fresh folder for every generation
    try:
        result = scaffold_project(
            recipe.name,
            framework=recipe.framework,
            tracking=recipe.tracking,
            versioning=recipe.versioning,
            task=recipe.task,
            name=st.session_state.project_name,
            output_dir=output,
            baseline=report,
        )
    except AdvisorError as exc:
        shutil.rmtree(output, ignore_errors=True)
        st.error(str(exc), icon=":material/warning:")
        return
    previous = st.session_state.project
    if previous is not None:
        shutil.rmtree(previous["folder"], ignore_errors=True)  # one project kept per session
    # What it was generated from, to tell when the choices have changed since.
    st.session_state.project = {
        "folder": output,
        "archive": archive_project(result.path),
        "recipe": recipe,
        "report": report,
        "asked_name": st.session_state.project_name,
    }


def show_project(resolved: Any) -> None:
    """The generated project's download and file list, while the choices are still the
    ones it was generated from."""
    project = st.session_state.project
    if project is None:
        return
    current = (resolved, st.session_state.report, st.session_state.project_name)
    if (project["recipe"], project["report"], project["asked_name"]) != current:
        st.caption("The choices changed since the project was generated: generate it again.")
        return
    archive = project["archive"]
    st.subheader(f"{archive.name}: {len(archive.files)} files")
    st.download_button(
        f"Download {archive.name}.zip",
        archive.data,
        file_name=f"{archive.name}.zip",
        mime="application/zip",
        key="download_project",
        type="primary",
        on_click="ignore",
    )
    with st.expander("The files in the project"):
        st.code("\n".join(archive.files), language=None)
