"""Import members and past assessment results from CSV or Excel (.xlsx).

Three steps, so that a person sees everything before anything is written:

- `read_table` turns the uploaded bytes into a RawTable (read.py; columns.py finds the header).
- `plan_import` checks every cell (cells.py) and row (rows.py) against the question bank, the
  reference lists and the database, and says which members would be created, updated or left
  unchanged and which results recorded, with every problem by row and column (plan.py). It
  writes nothing.
- `apply_import` writes a plan that has no errors in one transaction, audited once (apply.py).

Members are matched by business registration number when the file gives one, else by exact name
and KSIC division (among members with the same synthetic flag). A result identical to one already
submitted for the same member, wave and mode is left alone, so importing a file twice changes
nothing. Blank optional cells never clear what is stored. The file's columns are shared with the
exports in readiness.member_file; the template is built in template.py.
"""

from readiness.importer.apply import ImportResult, apply_import
from readiness.importer.columns import ColumnMap, header_key, map_columns
from readiness.importer.plan import AssessmentChange, ImportPlan, MemberChange, plan_import
from readiness.importer.problems import ImportFailure, ImportFileError, ImportRefused, Problem
from readiness.importer.read import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, RawTable, read_table
from readiness.importer.rows import ParsedTable, parse_table
from readiness.importer.template import template_csv, template_header, template_xlsx

__all__ = [
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "AssessmentChange",
    "ColumnMap",
    "ImportFailure",
    "ImportFileError",
    "ImportPlan",
    "ImportRefused",
    "ImportResult",
    "MemberChange",
    "ParsedTable",
    "Problem",
    "RawTable",
    "apply_import",
    "header_key",
    "map_columns",
    "parse_table",
    "plan_import",
    "read_table",
    "template_csv",
    "template_header",
    "template_xlsx",
]
