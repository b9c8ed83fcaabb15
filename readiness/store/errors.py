"""What the store raises when the current state refuses a write."""

from __future__ import annotations


class StoreError(ValueError):
    """A write refused by the current state (e.g. answering a submitted assessment)."""


class WorkshopStateError(StoreError):
    """A write its workshop's status refuses: joining one that is not open, answering a closed one.

    `status` is the workshop's status, or None when the workshop no longer exists.
    """

    def __init__(self, status: str | None) -> None:
        self.status = status
        reason = {
            "paused": "is paused and takes no new participants",
            "closed": "has closed and takes no more answers",
        }.get(status or "", "does not exist")
        super().__init__(f"this workshop {reason}")
