"""The advisor questionnaire: ``streamlit run app.py``.

A thin page over the library: it asks the questions, calls :func:`advisor.recommend`,
:func:`advisor.run_check` and :func:`advisor.scaffold_project`, and shows what they return.
One step at a time; the sidebar goes back to any step and every answer is kept.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import streamlit as st

from advisor import questionnaire as q
from advisor.errors import AdvisorError
from advisor.profile import Profile

STEPS = (
    "1 · The problem",
    "2 · The data",
    "3 · The recommendation",
    "4 · The check",
    "5 · The project",
)
VERDICTS = {
    "classical": "A classical model should do.",
    "deep_learning": "Deep learning is the right tool here.",
    "check": "The rules cannot decide: run the feasibility check on your data (step 4).",
}
NO_DATA = "none"
EXAMPLE = "example"
UPLOAD = "upload"


# --- cached library objects -----------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def vocabulary() -> dict[str, dict[str, Any]]:
    from advisor.rules.vocabulary import vocabulary as export

    return export()


@st.cache_resource(show_spinner=False)
def recipes() -> dict[str, Any]:
    from advisor.scaffold.recipes import load_recipes

    return load_recipes()


@st.cache_resource(show_spinner=False)
def session_folders():
    # One registry per server process, shared by all sessions (see advisor.uploads).
    from advisor.uploads import SessionFolders, sweep_stale_folders

    sweep_stale_folders()  # what a crashed server left behind
    return SessionFolders()


@st.cache_resource(show_spinner=False)
def start_workers() -> None:
    """Start the check's workers (importing scikit-learn takes seconds) once per server, in the
    background, so a check's budget is not spent on it."""
    from advisor.check.budget import warm_up_in_background

    warm_up_in_background()


@st.cache_resource(show_spinner="Loading the example…")
def example_dataset(name: str, task: str | None = None):
    # A resource, not cache_data: every session shares the one read-only Dataset.
    from advisor.data import load_example

    return load_example(name, task=task)


# --- session state --------------------------------------------------------------------------


def init_state() -> None:
    """Set up this session's state once; later runs keep what is there."""
    if "step" not in st.session_state:
        st.session_state.step = STEPS[0]
    if "answers" not in st.session_state:
        st.session_state.answers = q.default_answers(vocabulary())
    # Every run frees the folders of sessions that ended (a dictionary walk: cheap).
    session_folders().release_gone(session_is_alive, grace=reconnect_seconds())
    if "workdir" not in st.session_state:
        st.session_state.workdir = workdir()
    for key in ("data", "inferred", "data_error", "report", "project"):
        if key not in st.session_state:
            st.session_state[key] = None
    if "kept" not in st.session_state:
        st.session_state.kept = {}  # values of widgets whose step is off-page (remember())


def workdir() -> Path:
    """This session's private folder (uploads, reports, generated projects)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return session_folders().folder(get_script_run_ctx().session_id)


def session_is_alive(session_id: str) -> bool:
    from streamlit.runtime import Runtime

    # No runtime (AppTest, bare mode): nothing can say a session ended, so keep it.
    return not Runtime.exists() or Runtime.instance().is_active_session(session_id)


def reconnect_seconds() -> float:
    # A dropped connection may resume the session this long after; keep its files till then.
    return float(st.get_option("server.disconnectedSessionTTL"))


def go_to(step: str) -> None:
    st.session_state.step = step


def current_profile() -> Profile:
    """The answers, on top of what the data told us when data was given."""
    return q.answers_to_profile(st.session_state.answers, st.session_state.inferred)


# --- widgets built from the vocabulary ------------------------------------------------------


def question(field: str, *, where: str) -> None:
    """One widget for one vocabulary field; its value lives in ``answers``.

    Streamlit drops a widget's value when a step stops drawing it, so ``answers`` holds
    the value: it is put into the widget's key before every draw and taken back whenever
    the user changes it.
    """
    spec = vocabulary()[field]
    key = f"{where}_{field}"
    st.session_state[key] = st.session_state.answers[field]
    description = spec.get("description", "")
    title = field.replace("_", " ").capitalize()
    # A checkbox reads best as its sentence; other widgets get a short title and the sentence.
    label = description if spec["type"] == "bool" else f"**{title}** · {description}"
    keep = {"key": key, "on_change": take_answer, "args": (field, key)}
    if spec["type"] == "choice":
        values = list(spec["values"])
        explanations = spec.get("explanations") or {}
        st.radio(label, values, captions=[explanations.get(v, "") for v in values], **keep)
    elif spec["type"] == "bool":
        st.checkbox(label, **keep)
    elif spec["type"] == "int":
        st.number_input(label, min_value=0, step=1, placeholder="Not known", **keep)
    else:
        st.number_input(label, min_value=0.0, max_value=1.0, placeholder="Not known", **keep)


def take_answer(field: str, key: str) -> None:
    value = st.session_state[key]
    if vocabulary()[field]["type"] == "int" and value is not None:
        value = int(value)
    st.session_state.answers[field] = value


def remember(key: str, default: Any) -> dict[str, Any]:
    """Keyword arguments that keep a widget's value while its step is off-page (as
    :func:`question` does for answers); the value starts as ``default``."""
    kept = st.session_state.kept
    kept.setdefault(key, default)
    st.session_state[key] = kept[key]
    return {"key": key, "on_change": keep_value, "args": (key,)}


def keep_value(key: str) -> None:
    st.session_state.kept[key] = st.session_state[key]


# --- step 1: the problem -------------------------------------------------------------------


def step_problem() -> None:
    st.header("The problem")
    st.write(
        "Tell us what you want to predict and from what. Not sure? Leave the defaults: "
        "the data step and the check can fill in what you do not know."
    )
    left, right = st.columns(2)
    with left:
        for field in ("task", "modality"):
            question(field, where="p")
        st.subheader("Constraints", divider="gray")
        for field in q.CONSTRAINT_FIELDS:
            question(field, where="p")
    with right:
        question("complexity", where="p")
        st.subheader("Size", divider="gray")
        for field in q.SIZE_FIELDS:
            question(field, where="p")


# --- step 2: the data ------------------------------------------------------------------------


def step_data() -> None:
    from advisor.data import EXAMPLES

    st.header("The data (optional)")
    st.write(
        "Give advisor your data and it measures what you would otherwise guess: size, class "
        "balance, missing values, skewed and uninformative features. The check (step 4) "
        "needs data; the recommendation does not."
    )
    source = st.radio(
        "Data",
        (NO_DATA, EXAMPLE, UPLOAD),
        **remember("data_source", NO_DATA),
        format_func={
            NO_DATA: "No data: answers only",
            EXAMPLE: "A bundled example",
            UPLOAD: "Upload a file",
        }.get,
        horizontal=True,
    )
    if source == EXAMPLE:
        st.selectbox("Example", EXAMPLES, **remember("example_name", EXAMPLES[0]))
        st.button("Use this example", key="load_example", on_click=load_example_data)
    elif source == UPLOAD:
        limit = upload_limit_mb()
        st.file_uploader(
            f"A CSV, TSV or Parquet table, an .npz with X and y, or a zip of an image folder "
            f"(one sub-folder per class), up to {limit} MB",
            type=["csv", "tsv", "txt", "parquet", "pq", "npz", "zip"],
            key="upload",
        )
        left, right = st.columns(2)
        left.text_input(
            "Target column", placeholder="Detected when left empty", **remember("target", "")
        )
        right.text_input(
            "Text column", placeholder="Detected when left empty", **remember("text_column", "")
        )
        st.button("Read this file", key="load_upload", on_click=load_uploaded_data)
    elif st.session_state.data is not None:
        st.button("Forget the data", key="forget_data", on_click=forget_data)
    if st.session_state.data_error:
        st.error(st.session_state.data_error, icon=":material/warning:")
    if st.session_state.inferred is not None:
        show_inferred()


def forget_data() -> None:
    data = st.session_state.data
    if data is not None and data["folder"] is not None:
        shutil.rmtree(data["folder"], ignore_errors=True)
    for key in ("data", "inferred", "data_error", "report", "project"):
        st.session_state[key] = None


def upload_limit_mb() -> int:
    # The same option the browser enforces, so the page and the widget agree.
    return int(st.get_option("server.maxUploadSize"))


def load_example_data() -> None:
    name = st.session_state.example_name
    use_data(lambda task=None: example_dataset(name, task), f"the {name} example")


def load_uploaded_data() -> None:
    import tempfile

    from advisor.uploads import save_upload

    upload = st.session_state.get("upload")
    if upload is None:
        st.session_state.data_error = "Choose a file to upload first."
        return
    uploads = workdir() / "uploads"
    uploads.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=uploads))  # its own folder: nothing is overwritten
    try:
        path = save_upload(upload.name, upload.getvalue(), folder, limit_mb=upload_limit_mb())
    except AdvisorError as exc:
        st.session_state.data_error = str(exc)
        shutil.rmtree(folder, ignore_errors=True)
        return
    load = q.upload_loader(
        path,
        shown_name=upload.name,
        target=st.session_state.get("target") or None,
        text_column=st.session_state.get("text_column") or None,
    )
    if not use_data(load, upload.name, folder=folder):
        shutil.rmtree(folder, ignore_errors=True)


def use_data(load, label: str, *, folder: Path | None = None) -> bool:
    """Read the data, infer its profile and take its facts into the answers.

    ``load(task=None)`` reads the data (again, with another task if the user corrects it);
    ``folder`` holds the uploaded file, removed when other data replaces it.
    """
    from advisor.inference import profile_from_dataset

    try:
        dataset = load()
        inferred = profile_from_dataset(dataset)
    except AdvisorError as exc:
        st.session_state.data_error = str(exc)
        return False
    forget_data()
    st.session_state.data = {"load": load, "label": label, "dataset": dataset, "folder": folder}
    st.session_state.inferred = inferred
    for field in q.DATA_FIELDS:
        st.session_state.answers[field] = getattr(inferred, field)
    return True


def show_inferred() -> None:
    data = st.session_state.data
    inferred: Profile = st.session_state.inferred
    st.subheader(f"What advisor read from {data['label']}")
    st.table(q.profile_rows(inferred, vocabulary()), hide_index=True)
    for note in inferred.notes:
        st.caption(note)
    with st.expander("Wrong? Correct the profile", expanded=False):
        for field in q.DATA_FIELDS:
            question(field, where="c")


# --- step 3: the recommendation -------------------------------------------------------------


def step_recommendation() -> None:
    from advisor.recommendation import recommend

    st.header("The recommendation")
    try:
        recommendation = recommend(current_profile())
    except AdvisorError as exc:
        st.error(str(exc), icon=":material/warning:")
        return
    st.subheader(VERDICTS.get(recommendation.verdict, recommendation.verdict))
    st.write(recommendation.reason)
    st.caption(
        f"Verdict: `{recommendation.verdict}` · the project recipe it suggests: "
        f"`{recommendation.recipe}` (step 5)"
    )
    st.markdown("**Candidates, best first**")
    st.table(
        [
            {
                "rank": rank,
                "model": candidate.label,
                "family": candidate.family.replace("_", " "),
                "score": f"{candidate.score:+g}",
            }
            for rank, candidate in enumerate(recommendation.candidates, start=1)
        ],
        hide_index=True,
    )
    st.markdown(f"**Why: {len(recommendation.rules_fired)} rule(s) fired**")
    for rule in recommendation.rules_fired:
        st.markdown(f"- **{rule.id}** — {rule.because}  \n  *Source: {rule.source}*")


# --- step 4: the check -----------------------------------------------------------------------


def step_check() -> None:
    st.header("The check")
    data = st.session_state.data
    if data is None:
        st.info(
            "The check measures classical baselines against a neural network on your data, so "
            "it needs data: pick a bundled example or upload a file in step 2.",
            icon=":material/info:",
        )
        st.button("Go to the data step", key="to_data", on_click=go_to, args=(STEPS[1],))
        return
    st.write(
        f"Train a ladder of classical baselines and a small neural network on {data['label']} "
        "under one time budget, and compare them fairly."
    )
    st.slider("Budget (seconds)", min_value=3, max_value=300, step=1, **remember("budget", 30))
    st.checkbox(
        "The rows are in time order (evaluate on later rows, never on earlier ones)",
        **remember("time_ordered", False),
    )
    if st.button("Run the check", key="run_check", type="primary"):
        run_check_now(data)
    report = st.session_state.report
    if report is not None:
        show_report(report)


def run_check_now(data: dict[str, Any]) -> None:
    import tempfile
    import time

    started = time.monotonic()  # the budget counts from the click, starting the workers included
    from advisor.check.runner import run_check

    task = st.session_state.answers["task"]
    budget = float(st.session_state.budget)
    bar = st.progress(0.0, text=f"Starting the check: {budget:g} s in all…")
    with st.status("Running the check…", expanded=True) as status:

        def progress(event: str, info: dict[str, Any]) -> None:
            done, total = info.get("done"), info.get("total")
            if isinstance(done, int) and isinstance(total, int) and total:
                bar.progress(min(done / total, 1.0), text=f"{done} of {total} models measured")
            line = q.progress_line(event, info)
            if line:
                status.write(line)

        status.write("Starting the workers and checking the data for leaks and duplicates…")
        try:
            dataset = data["dataset"]
            if task != dataset.task:
                dataset = data["load"](task)  # the user corrected the task in step 1 or 2
            report = run_check(
                dataset,
                budget=budget,
                time_ordered=bool(st.session_state.time_ordered),
                progress=progress,
                started=started,
            )
        except AdvisorError as exc:
            status.update(label="The check could not run", state="error")
            st.error(str(exc), icon=":material/warning:")
            return
        status.update(
            label=f"The check finished in {report.elapsed_seconds:.1f} s",
            state="complete",
            expanded=False,
        )
    bar.progress(1.0, text="Done")
    st.session_state.report = report
    folder = tempfile.mkdtemp(dir=workdir())  # the charts take a moment: write them once
    st.session_state.report_files = q.report_files(report, folder)
    st.session_state.project = None


def show_report(report) -> None:
    import pandas as pd

    st.subheader(report.sentence())
    st.caption(
        f"{report.evaluation} · {report.rows:,} of {report.rows_total:,} rows · "
        f"{report.elapsed_seconds:.1f} s of a {report.budget_seconds:g} s budget"
    )
    scored = [m for m in report.models if m.score is not None]
    direction = "higher is better" if report.higher_is_better else "lower is better"
    st.markdown(f"**Leaderboard** · {report.metric}, {direction}")
    if scored:
        board = pd.DataFrame(
            {
                "model": [m.name for m in scored],
                report.metric: [m.score for m in scored],
                "family": [m.family.replace("_", " ") for m in scored],
            }
        )
        best_first = f"-{report.metric}" if report.higher_is_better else report.metric
        st.bar_chart(
            board, x="model", y=report.metric, color="family", horizontal=True, sort=best_first
        )
    st.table(
        [
            {
                "model": m.name,
                "family": m.family.replace("_", " "),
                report.metric: "—" if m.score is None else f"{m.score:.4f}",
                "± std": "—" if m.score_std is None else f"{m.score_std:.4f}",
                "seconds per fit": f"{m.fit_seconds:.2f}",
                "status": m.status if not m.message else f"{m.status}: {m.message}",
            }
            for m in report.models
        ],
        hide_index=True,
    )
    if report.learning_curve:
        import altair as alt

        points = pd.DataFrame([p.to_dict() for p in report.learning_curve])
        st.markdown(f"**Learning curve** · {report.metric} as the training rows grow")
        # Altair rather than st.line_chart: close scores need an axis that does not start
        # at zero, and each measured point should show.
        curve = (
            alt.Chart(points)
            .mark_line(point=True)
            .encode(
                x=alt.X("train_rows:Q", title="training rows"),
                y=alt.Y("score:Q", title=report.metric, scale=alt.Scale(zero=False)),
                color=alt.Color("model:N", title="model"),
                tooltip=["model", "train_rows", "score"],
            )
        )
        st.altair_chart(curve, width="stretch")
    if report.curve_summary:
        st.write(report.curve_summary)
    for warning in report.warnings:
        st.warning(warning, icon=":material/warning:")
    files = st.session_state.report_files
    left, right = st.columns(2)
    left.download_button(
        "Download the HTML report",
        files["report.html"],
        file_name="report.html",
        mime="text/html",
        key="download_html",
        on_click="ignore",
    )
    right.download_button(
        "Download the JSON",
        files["report.json"],
        file_name="report.json",
        mime="application/json",
        key="download_json",
        on_click="ignore",
    )


# --- step 5: the project ---------------------------------------------------------------------


def step_project() -> None:
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
        for what in ("framework", "tracking", "versioning"):
            kept.pop(f"project_{what}", None)
        kept["stack_of"] = recipe.name
    st.caption(recipe.description)
    stack = ("framework", "tracking", "versioning")
    for column, what in zip(st.columns(3), stack, strict=True):
        column.selectbox(
            what.capitalize(),
            CHOICES[what],
            **remember(f"project_{what}", getattr(recipe, what)),
        )
    st.text_input("Project name", **remember("project_name", "my-project"))
    task = current_profile().task
    try:
        resolved = recipe.with_choices(
            framework=st.session_state.project_framework,
            tracking=st.session_state.project_tracking,
            versioning=st.session_state.project_versioning,
            task=task,
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
    report = st.session_state.report
    if report is None:
        st.info(
            "No check was run, so the project will say that no baseline was measured. "
            "Run the check (step 4) to bake in the number to beat.",
            icon=":material/info:",
        )
    elif report.best_classical is None and report.best_deep_learning is None:
        st.info(
            f"The check finished without scores to compare ({report.sentence()}), so the "
            "project will have no number to beat. Run the check with a larger budget first.",
            icon=":material/info:",
        )
    else:
        st.success(
            f"The baseline to beat is baked in: {report.sentence()}",
            icon=":material/check_circle:",
        )
    if st.button("Generate the project", key="generate", type="primary"):
        generate_project(resolved)
    show_project(resolved)


def choose_recipe() -> None:
    st.session_state.kept["recipe"] = st.session_state.recipe


def suggested_recipe() -> str | None:
    from advisor.recommendation import recommend

    try:
        return recommend(current_profile()).recipe
    except AdvisorError:
        return None


def generate_project(recipe) -> None:
    import tempfile

    from advisor.scaffold.generate import scaffold_project

    report = st.session_state.report
    runs = workdir() / "projects"
    runs.mkdir(exist_ok=True)
    output = Path(tempfile.mkdtemp(dir=runs))  # a fresh folder for every generation
    try:
        path = scaffold_project(
            recipe.name,
            framework=recipe.framework,
            tracking=recipe.tracking,
            versioning=recipe.versioning,
            task=recipe.task,
            name=st.session_state.project_name,
            output_dir=output,
            baseline=report.to_dict() if report is not None else None,
        )
    except AdvisorError as exc:
        shutil.rmtree(output, ignore_errors=True)
        st.error(str(exc), icon=":material/warning:")
        return
    previous = st.session_state.project
    if previous is not None:
        shutil.rmtree(previous["folder"], ignore_errors=True)  # one project kept per session
    st.session_state.project = {
        "folder": output,
        "archive": q.archive_project(path),
        "recipe": recipe,
        "report": report,
        "asked_name": st.session_state.project_name,
    }


def show_project(resolved) -> None:
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


# --- the page --------------------------------------------------------------------------------


def sidebar() -> None:
    with st.sidebar:
        st.title("advisor")
        st.caption("Do we need deep learning here, or will a classical model do?")
        st.radio("Steps", STEPS, key="step")
        profile_summary()


def navigation() -> None:
    index = STEPS.index(st.session_state.step)
    st.divider()
    back, _, forward = st.columns([1, 4, 1])
    if index > 0:
        back.button("← Back", key="back", on_click=go_to, args=(STEPS[index - 1],))
    if index < len(STEPS) - 1:
        forward.button("Next →", key="next", on_click=go_to, args=(STEPS[index + 1],))


def profile_summary() -> None:
    try:
        profile = current_profile()
    except AdvisorError:
        return
    facts = [profile.task, profile.modality, f"{profile.complexity} relationship"]
    if profile.rows is not None:
        facts.append(f"{profile.rows:,} rows")
    if st.session_state.data is not None:
        facts.append(f"data: {st.session_state.data['label']}")
    st.caption("Your answers: " + " · ".join(facts))


PAGES = {
    STEPS[0]: step_problem,
    STEPS[1]: step_data,
    STEPS[2]: step_recommendation,
    STEPS[3]: step_check,
    STEPS[4]: step_project,
}


def main() -> None:
    st.set_page_config(page_title="advisor", page_icon=":material/explore:", layout="wide")
    init_state()
    start_workers()
    sidebar()
    PAGES[st.session_state.step]()
    navigation()


main()
