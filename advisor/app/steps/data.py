"""Step 2: the data (optional), a bundled example or an upload, and what it tells."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from advisor.app import answers as q
from advisor.app.resources import example_dataset, vocabulary
from advisor.app.state import RESULTS, LoadedData, question, remember, workdir
from advisor.errors import AdvisorError
from advisor.profile import Profile
from advisor.terms import APPLICATION_TASKS

NO_DATA = "none"
EXAMPLE = "example"
UPLOAD = "upload"
# What each application task's project reads, in its recipe's words.
APPLICATION_DATA = {
    "detection": "images with boxes (COCO JSON or YOLO labels)",
    "transcription": "audio files with a CSV of their transcripts",
    "generation": "images with captions",
}
SOURCES = {
    NO_DATA: "No data: answers only",
    EXAMPLE: "A bundled example",
    UPLOAD: "Upload a file",
}


def draw() -> None:
    """Offer an example or an upload; show the profile read from the data."""
    from advisor.data import EXAMPLES

    st.header("The data (optional)")
    st.write(
        "Give advisor your data and it measures what you would otherwise guess: size, class "
        "balance, missing values, skewed and uninformative features. The check (step 4) "
        "needs data; the recommendation does not."
    )
    task = st.session_state.answers["task"]
    if task in APPLICATION_TASKS:
        st.info(
            f"The check does not apply to {task}, so there is nothing to read here for it: "
            f"the {task} project (step 5) reads your {APPLICATION_DATA[task]} itself.",
            icon=":material/info:",
        )
    source = st.radio(
        "Data",
        tuple(SOURCES),
        **remember("data_source", NO_DATA),
        format_func=SOURCES.get,
        horizontal=True,
    )
    if source == EXAMPLE:
        st.selectbox("Example", EXAMPLES, **remember("example_name", EXAMPLES[0]))
        st.button("Use this example", key="load_example", on_click=load_example_data)
    elif source == UPLOAD:
        limit = upload_limit_mb()
        st.file_uploader(
            f"A CSV, TSV or Parquet table, an .npz with X and y, or a zip of an image or audio "
            f"folder (one sub-folder per class), up to {limit} MB",
            type=["csv", "tsv", "txt", "parquet", "pq", "npz", "zip", "gz"],
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


def upload_limit_mb() -> int:
    """The upload limit in megabytes: the option the browser enforces, so the page and the
    widget refuse the same files."""
    return int(st.get_option("server.maxUploadSize"))


def forget_data() -> None:
    """Drop the data and everything that followed from it, the uploaded file included."""
    data: LoadedData | None = st.session_state.data
    if data is not None and data.folder is not None:
        shutil.rmtree(data.folder, ignore_errors=True)
    for key in RESULTS:
        st.session_state[key] = None


def load_example_data() -> None:
    """Read the example chosen in ``example_name``."""
    name = st.session_state.example_name
    use_data(lambda task=None: example_dataset(name, task), f"the {name} example")


def load_uploaded_data() -> None:
    """Save the upload into a folder of its own in the session's folder and read it."""
    from advisor.app.uploads import save_upload, upload_loader

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
    load = upload_loader(
        path,
        shown_name=upload.name,
        target=st.session_state.get("target") or None,
        text_column=st.session_state.get("text_column") or None,
    )
    if not use_data(load, upload.name, folder=folder, takes_options=True):
        shutil.rmtree(folder, ignore_errors=True)


def use_data(
    load: Callable[..., Any], label: str, *, folder: Path | None = None, takes_options: bool = False
) -> bool:
    """Read the data, infer its profile and take its facts into the answers; on an error,
    keep what was there and say why. Returns whether the data was taken.

    ``load(task=None)`` reads the data (again, with another task if the user corrects it);
    ``folder`` holds the uploaded file, removed when other data replaces it;
    ``takes_options`` says ``load`` also takes ``load_dataset``'s options.
    """
    from advisor.inference import profile_from_dataset

    try:
        dataset = load()
        inferred = profile_from_dataset(dataset)
    except AdvisorError as exc:
        st.session_state.data_error = str(exc)
        return False
    forget_data()
    st.session_state.data = LoadedData(
        label=label, load=load, dataset=dataset, folder=folder, takes_options=takes_options
    )
    st.session_state.inferred = inferred
    for field in q.DATA_FIELDS:
        st.session_state.answers[field] = getattr(inferred, field)
    return True


def show_inferred() -> None:
    """The profile the data told, with its notes, and the questions to correct it."""
    data: LoadedData = st.session_state.data
    inferred: Profile = st.session_state.inferred
    st.subheader(f"What advisor read from {data.label}")
    st.table(q.profile_rows(inferred, vocabulary()), hide_index=True)
    for note in inferred.notes:
        st.caption(note)
    with st.expander("Wrong? Correct the profile", expanded=False):
        for field in q.DATA_FIELDS:
            question(field, where="c")
