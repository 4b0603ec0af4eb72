"""Session state: set up once, answers and other widgets' values kept while their step is
off-page. Each test drives a small script over the state helpers through AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from advisor.app.state import RESULTS, STEPS


def _script() -> None:
    # AppTest runs this function's body as the page script: it imports what it uses.
    import streamlit as st

    from advisor.app.state import init_state, question, remember

    init_state()
    if st.checkbox("Draw the widgets", value=True, key="draw"):
        st.slider("Budget", min_value=3, max_value=300, **remember("budget", 30))
        question("rows", where="p")
    if st.checkbox("Draw the other step", key="other"):
        question("rows", where="c")


def _app() -> AppTest:
    return AppTest.from_function(_script, default_timeout=30).run()


def test_a_new_session_starts_at_the_first_step_with_default_answers_and_no_results():
    app = _app()
    assert not app.exception
    state = app.session_state
    assert state.step == STEPS[0]
    assert state.answers["rows"] is None and state.answers["complexity"] == "unknown"
    assert all(state[key] is None for key in RESULTS)
    assert state.workdir.is_dir()


def test_a_remembered_widget_keeps_its_value_while_it_is_not_drawn():
    app = _app()
    assert app.slider(key="budget").value == 30  # the default given to remember
    app.slider(key="budget").set_value(7).run()
    app.checkbox(key="draw").uncheck().run()
    assert not app.slider  # off-page: Streamlit would drop the widget's own value
    app.checkbox(key="draw").check().run()
    assert app.slider(key="budget").value == 7


def test_an_answer_is_one_value_whichever_widget_draws_it():
    app = _app()
    app.number_input(key="p_rows").set_value(20_000).run()
    answer = app.session_state.answers["rows"]
    assert answer == 20_000 and isinstance(answer, int)
    app.checkbox(key="draw").uncheck()
    app.checkbox(key="other").check().run()
    assert app.number_input(key="c_rows").value == 20_000
    app.number_input(key="c_rows").set_value(500).run()
    app.checkbox(key="draw").check().run()
    assert app.number_input(key="p_rows").value == 500
