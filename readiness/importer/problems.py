"""What can be wrong with a file: a problem at a row and column, or a failure of the whole file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from readiness.i18n import Message

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file: row as numbered in the file (1 = header), column as headed."""

    row: int
    column: str
    message: Message
    severity: Severity = "error"

    @property
    def located(self) -> Message:
        """The message with its place: "row 3, column ksic: unknown KSIC code ..."."""
        return Message(
            "importer.at_cell" if self.column else "importer.at_row",
            {"row": self.row, "column": self.column, "message": self.message},
        )

    def describe(self, lang: str = "en") -> str:
        return self.located.render(lang)


class ImportFailure(ValueError):
    """A file that cannot be read, or a plan that cannot be applied; `message` is for the reader."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


class ImportFileError(ImportFailure):
    """The upload is not a readable table (too large, empty, binary, broken .xlsx ...)."""


class ImportRefused(ImportFailure):
    """apply_import refused: the plan has errors, or the database changed since the preview."""
