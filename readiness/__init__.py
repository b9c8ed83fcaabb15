"""Global Readiness Dashboard: the domain package. It never imports streamlit."""
