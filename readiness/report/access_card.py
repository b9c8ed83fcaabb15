"""The "your access card": one A4 page with a company's private link, its QR code, the date and
what the link is for, in the CEO's language, to print or keep beside the board papers.

The link is the only way back to the company's assessment: the token is stored only as a hash, so
the card says that nobody (the association included) can look it up again.
"""

from __future__ import annotations

import io
import re
from datetime import date

from fpdf.enums import WrapMode, XPos, YPos

from readiness.i18n import t
from readiness.report.canvas import (
    BLUE,
    CONTENT_W,
    GREY,
    MARGIN,
    NAVY,
    PAGE_W,
    RULE,
    VERMILLION,
    Canvas,
)

QR_MM = 70.0


def access_card_filename(company_name: str, lang: str) -> str:
    """The card's file name: the company name with anything a file system dislikes dropped."""
    safe = re.sub(r"[^\w\-]+", "_", company_name, flags=re.UNICODE).strip("_")[:40] or "card"
    return t("link.card_file", lang, company=safe, lang=lang)


def link_qr_png(link: str, *, scale: int = 10) -> bytes:
    """The link as a QR code, a PNG with a quiet zone (drawn here: no outside service)."""
    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def access_card_pdf(*, company_name: str, link: str, lang: str, issued: date) -> bytes:
    """The access card of `company_name` for `link`, dated `issued`, in `lang`."""
    pdf = Canvas(lang)
    pdf.set_title(t("link.card_title", lang))
    pdf.set_auto_page_break(False)
    pdf.add_page()

    def words(key: str, **values: object) -> str:
        return t(f"link.{key}", lang, **values)

    pdf.font(9, colour=GREY)
    pdf.cell(CONTENT_W, 5, t("app.title", lang), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(22, bold=True, colour=NAVY)
    pdf.cell(CONTENT_W, 12, words("card_title"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    with pdf.stroke(BLUE, 0.8):
        pdf.line(MARGIN, pdf.get_y() + 1, MARGIN + 24, pdf.get_y() + 1)
    pdf.ln(6)

    pdf.font(15, bold=True)
    pdf.multi_cell(CONTENT_W, 7.5, company_name, align="L", new_x=XPos.LMARGIN)
    pdf.font(10, colour=GREY)
    pdf.cell(
        CONTENT_W,
        6,
        words("card_issued", date=issued.isoformat()),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(5)

    pdf.image(io.BytesIO(link_qr_png(link)), x=(PAGE_W - QR_MM) / 2, w=QR_MM, h=QR_MM)
    pdf.ln(2)
    pdf.font(9, colour=GREY)
    pdf.cell(CONTENT_W, 5, words("card_scan"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    pdf.font(9.5, bold=True, colour=NAVY)
    pdf.cell(CONTENT_W, 6, words("card_link_label"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2.5)
    top = pdf.get_y()
    pdf.set_x(MARGIN + 3)
    pdf.font(11)
    pdf.multi_cell(CONTENT_W - 6, 6, link, align="L", wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN)
    with pdf.stroke(RULE, 0.3):
        pdf.rect(MARGIN, top - 1.5, CONTENT_W, pdf.get_y() - top + 3)
    pdf.ln(7)

    for heading, body in (
        ("card_for_title", "card_for_body"),
        ("card_keep_title", "card_keep_body"),
    ):
        pdf.font(11, bold=True, colour=VERMILLION if heading == "card_keep_title" else NAVY)
        pdf.cell(CONTENT_W, 7, words(heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.font(10)
        pdf.multi_cell(CONTENT_W, 5.4, words(body), align="L", new_x=XPos.LMARGIN)
        pdf.ln(4)
    return bytes(pdf.output())
