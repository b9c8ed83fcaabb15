"""Reusable Streamlit pieces and pure Plotly figure builders."""
