from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from readiness.i18n import t


def _texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.value for e in at.title] + [e.value for e in at.subheader]
    return "\n".join(str(p) for p in parts)


def test_home_in_korean_by_default_shows_the_demo_data(make_app: Callable[..., AppTest]) -> None:
    at = make_app().run()
    assert not at.exception
    assert at.title[0].value == "글로벌 역량 진단"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("home.data_companies", "ko")] == "60"
    assert int(metrics[t("home.data_waves", "ko")]) == 2
    text = _texts(at)
    assert t("home.data_synthetic_note", "ko", n="60") in text
    for pillar in ("수출 준비도", "제조의 서비스화", "AI·스마트공장", "가치사슬 협업"):
        assert pillar in text
    assert at.query_params["lang"] == ["ko"] or at.query_params["lang"] == "ko"


def test_english_via_query_parameter(make_app: Callable[..., AppTest]) -> None:
    at = make_app("en").run()
    assert not at.exception
    assert at.title[0].value == "Global Readiness"
    text = _texts(at)
    assert "Export readiness" in text and "Servitization" in text
    assert "수출 준비도" not in text


def test_language_switch_changes_the_page_and_the_url(make_app: Callable[..., AppTest]) -> None:
    at = make_app().run()
    at.segmented_control(key="lang_switch").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Global Readiness"
    assert "en" in at.query_params["lang"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_empty_database_says_so(
    make_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("READINESS_DEMO", "0")
    at = make_app(lang).run()
    assert not at.exception
    assert at.info[0].value == t("home.data_empty", lang)
    assert not at.metric


def test_unknown_language_falls_back_to_korean(make_app: Callable[..., AppTest]) -> None:
    at = make_app("fr").run()
    assert at.title[0].value == "글로벌 역량 진단"
