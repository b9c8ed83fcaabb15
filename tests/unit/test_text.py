"""readiness.text: user text made inert for Streamlit Markdown and Plotly, clipped for display."""

from __future__ import annotations

import pytest

from readiness.i18n import Listing, Message, t
from readiness.text import DISPLAY_LIMIT, ELLIPSIS, display, display_cells, markdown, plotly
from tests.hostile_names import NAMES, markdown_problems, plotly_problems


@pytest.mark.parametrize("name", NAMES)
def test_every_hostile_name_is_inert_for_markdown_and_plotly(name: str) -> None:
    framed = name if name.startswith("«") else f"«{name}»"
    assert markdown_problems(markdown(framed)) == []
    assert plotly_problems(plotly(framed)) == []


def test_display_drops_invisible_characters_and_folds_lines() -> None:
    assert display("evil\u202etxt.exe\u200b \u2066x\u2069\n# Heading\r\n- item\tz") == (
        "eviltxt.exe x # Heading - item z"
    )


def test_display_clips_long_text_with_an_ellipsis_and_keeps_short_text() -> None:
    assert display("한빛정밀 Co., Ltd.") == "한빛정밀 Co., Ltd."
    clipped = display("가" * 10_000)
    assert len(clipped) == DISPLAY_LIMIT and clipped.endswith(ELLIPSIS)
    assert display("가" * 10_000, limit=None) == "가" * 10_000
    assert display_cells([["가" * 500, 3, None]]) == [[clipped, 3, None]]


def test_markdown_reads_as_written_once_escapes_are_resolved() -> None:
    name = "[링크](https://evil.example) :red[x] $x$ a@b.kr"
    shown = markdown(name).replace("\u2060", "")
    assert shown.replace("\\", "") == name
    assert "\\[" in shown and "\\$" in shown and "\\:" in shown


def test_plotly_turns_tags_templates_and_entities_into_entities() -> None:
    assert plotly("<b>%{x}</b> & co") == "&lt;b&gt;&#37;{x}&lt;/b&gt; &amp; co"


def test_a_message_escapes_its_values_not_its_sentence() -> None:
    leader = Message("proposal_reason.leader", {"pillar": "EXP", "score": 80.0, "name": "**B**"})
    message = Message("proposal_reason.leaders", {"leaders": Listing((leader, leader))})
    plain_text = message.render("en")
    assert "**B**" in plain_text  # for PDF and CSV: as written
    escaped = message.render("en", text=markdown)
    assert "**B**" not in escaped and "\\*\\*B\\*\\*" in escaped
    assert escaped.startswith(t("proposal_reason.leaders", "en", leaders="")[:-1])
