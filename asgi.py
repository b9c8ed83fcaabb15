"""The server: app.py served as st.App, with the cookie routes of the staff session and of the
workshop phone (one device, one participation).

`streamlit run asgi.py` (scripts/app.sh, scripts/serve.sh) finds `app` below and serves it with
uvicorn; every page is still app.py's. `streamlit run app.py` also works, without the routes: staff
sessions then last as long as their tab (components/staff_cookie.py says why the routes exist).
"""

import streamlit as st

from components import join_cookie, staff_cookie

app = st.App("app.py", routes=[*staff_cookie.routes(), *join_cookie.routes()])
