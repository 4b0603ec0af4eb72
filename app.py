"""The advisor questionnaire: ``streamlit run app.py``.

The page lives in :mod:`advisor.app`; this script only sets it up and draws it.
"""

import streamlit as st

import advisor.app

st.set_page_config(page_title="advisor", page_icon=":material/explore:", layout="wide")
advisor.app.main()
