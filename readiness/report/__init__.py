"""The one-click PDF report for a member company's CEO: 2-3 board-ready A4 pages, drawn with fpdf2.

`report_pdf` prints a company's results (readiness.results); `build_report` prints a `ReportData`
(data.py), the plain numbers and texts the report shows. canvas.py holds the fpdf2 helpers and the
font, charts.py the drawn charts, sections.py the pages.
"""

from readiness.report.data import ReportData, report_data
from readiness.report.sections import build_report, report_pdf

__all__ = ["ReportData", "build_report", "report_data", "report_pdf"]
