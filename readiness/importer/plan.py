"""The preview of an import: what the file would change in the database, and every problem.

A plan is all or nothing: with any error it cannot be applied. It writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
import sqlalchemy as sa

from readiness import store
from readiness.bank import Bank
from readiness.i18n import Message, t
from readiness.importer.problems import Problem
from readiness.importer.read import RawTable
from readiness.importer.rows import UPDATABLE, MemberKey, ParsedTable, name_key, parse_table
from readiness.member_file import CONTACT_KEYS, FIELDS, mode_words

PROFILE_FIELDS = ("name", "biz_no", "ksic", "employees", "region", "export_share", "revenue_band")
MemberAction = Literal["create", "update", "unchanged"]
AssessmentAction = Literal["create", "unchanged"]
PREVIEW_WORDS = (
    "row",
    "name",
    "action",
    "changes",
    "wave",
    "mode",
    "overall",
    "stage",
    "column",
    "severity",
    "message",
    "create",
    "update",
    "unchanged",
    "supersedes",
    "error",
    "warning",
)


@dataclass(frozen=True)
class MemberChange:
    """What happens to one company of the file; `changes` maps field -> (stored, from the file)."""

    key: MemberKey
    row: int
    name: str
    action: MemberAction
    company_id: int | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class AssessmentChange:
    """What happens to one result of the file.

    `supersedes` is True when the member already has a different submission for the same wave and
    mode: the new one becomes the latest and is the one that counts in the norms.
    """

    key: MemberKey
    row: int
    name: str
    wave: int
    mode: str
    action: AssessmentAction
    overall: float | None
    stage: str | None
    supersedes: bool = False


def _words(lang: str) -> dict[str, str]:
    """The preview tables' column names and values in `lang`."""
    return {word: t(f"importer.preview.{word}", lang) for word in PREVIEW_WORDS}


@dataclass(frozen=True)
class ImportPlan:
    """The preview of an import: every change it would make and every problem found."""

    filename: str
    sha256: str
    kind: str
    encoding: str | None
    rows: int
    members: list[MemberChange]
    assessments: list[AssessmentChange]
    problems: list[Problem]
    ignored_columns: list[str]
    bank: Bank = field(repr=False)
    parsed: ParsedTable = field(repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for m in self.members if m.action == action)

    def summary(self) -> dict[str, int]:
        new = sum(1 for a in self.assessments if a.action == "create")
        return {
            "rows": self.rows,
            "create": self.count("create"),
            "update": self.count("update"),
            "unchanged": self.count("unchanged"),
            "assessments": new,
            "assessments_unchanged": len(self.assessments) - new,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    def summary_message(self) -> Message:
        """The counts in one sentence, e.g. for the CLI or a caption."""
        return Message("importer.summary", dict(self.summary()))

    @property
    def nothing_to_do(self) -> bool:
        s = self.summary()
        return s["create"] == s["update"] == s["assessments"] == 0

    def signature(self) -> tuple[Any, ...]:
        return signature(self.members, self.assessments)

    def members_frame(self, lang: str = "ko") -> pd.DataFrame:
        """One row per company of the file: row, name, action and the changes, for a preview."""
        words = _words(lang)
        labels = {f.key: f.header(lang) for f in FIELDS}
        return pd.DataFrame(
            {
                words["row"]: [m.row for m in self.members],
                words["name"]: [m.name for m in self.members],
                words["action"]: [words[m.action] for m in self.members],
                words["changes"]: [
                    ", ".join(
                        f"{labels[k]}: {_shown(k, old)} → {_shown(k, new)}"
                        for k, (old, new) in m.changes.items()
                    )
                    for m in self.members
                ],
            }
        )

    def assessments_frame(self, lang: str = "ko") -> pd.DataFrame:
        """One row per result of the file: row, name, wave, mode, action, overall and stage."""
        words = _words(lang)
        modes = mode_words(lang)
        return pd.DataFrame(
            {
                words["row"]: [a.row for a in self.assessments],
                words["name"]: [a.name for a in self.assessments],
                words["wave"]: [a.wave for a in self.assessments],
                words["mode"]: [modes[a.mode] for a in self.assessments],
                words["action"]: [
                    words["supersedes" if a.supersedes and a.action == "create" else a.action]
                    for a in self.assessments
                ],
                words["overall"]: [
                    None if a.overall is None else round(a.overall, 1) for a in self.assessments
                ],
                words["stage"]: [
                    self.bank.stage(a.stage).name.get(lang) if a.stage else None
                    for a in self.assessments
                ],
            }
        )

    def problems_frame(self, lang: str = "ko") -> pd.DataFrame:
        """Every problem: row, column, severity and message in `lang`."""
        words = _words(lang)
        return pd.DataFrame(
            {
                words["row"]: [p.row for p in self.problems],
                words["column"]: [p.column for p in self.problems],
                words["severity"]: [words[p.severity] for p in self.problems],
                words["message"]: [p.message.render(lang) for p in self.problems],
            }
        )


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "export_share":
        return f"{round(value * 100, 4):g}%"
    return str(value)


def signature(
    members: Sequence[MemberChange], assessments: Sequence[AssessmentChange]
) -> tuple[Any, ...]:
    """What a plan would do, to compare a preview with the same plan made again."""
    return (
        tuple((m.key, m.action, m.company_id, tuple(sorted(m.changes.items()))) for m in members),
        tuple((a.row, a.action) for a in assessments),
    )


def _same(key: str, stored: Any, new: Any) -> bool:
    if key == "export_share" and stored is not None and new is not None:
        return abs(float(stored) - float(new)) < 1e-9
    return stored == new


def resolve(
    parsed: ParsedTable, reads: store.LoadReads
) -> tuple[list[MemberChange], list[AssessmentChange], list[Problem]]:
    """Match the file's members and results with the database (reads only)."""
    members = list(parsed.members.values())
    biz_nos = sorted({m.profile.biz_no for m in members if m.profile.biz_no})
    names = sorted({m.profile.name for m in members if not m.profile.biz_no})
    by_biz: dict[str, Any] = {r.biz_no: r for r in reads.companies(biz_nos=biz_nos)}
    by_name: dict[MemberKey, list[Any]] = {}
    for r in reads.companies(names=names):
        by_name.setdefault(name_key(r.name, r.ksic, bool(r.synthetic)), []).append(r)

    problems: list[Problem] = []
    name_header = parsed.table.header[parsed.columns.fields["name"]] if members else ""
    matched = [int(r.id) for r in (*by_biz.values(), *(r for rs in by_name.values() for r in rs))]
    contacts = reads.contacts(company_ids=sorted(set(matched))) if parsed.any_contact else {}
    changes: dict[MemberKey, MemberChange] = {}
    for m in members:
        p = m.profile
        if p.biz_no:
            match = by_biz.get(p.biz_no)
        else:
            found = by_name.get(m.key, [])
            if len(found) > 1:
                problems.append(
                    Problem(
                        m.row, name_header, Message("importer.ambiguous_name", {"n": len(found)})
                    )
                )
                continue
            match = found[0] if found else None
        if match is None:
            changes[m.key] = MemberChange(m.key, m.row, p.name, "create", None)
            continue
        diff = {}
        for k in PROFILE_FIELDS:
            if k in UPDATABLE and k not in m.given:
                continue
            if k == "biz_no" and not p.biz_no:
                continue
            stored, new = getattr(match, k), getattr(p, k)
            if not _same(k, stored, new):
                diff[k] = (stored, new)
        stored_contact = contacts.get(int(match.id), {})
        for k in CONTACT_KEYS:
            if k in m.contact and stored_contact.get(k) != m.contact[k]:
                diff[k] = (stored_contact.get(k), m.contact[k])
        action: MemberAction = "update" if diff else "unchanged"
        changes[m.key] = MemberChange(m.key, m.row, p.name, action, int(match.id), diff)

    wanted = {
        (changes[f.member].company_id, f.wave, f.mode)
        for f in parsed.assessments
        if f.member in changes and changes[f.member].company_id is not None
    }
    company_ids = sorted({cid for cid, _, _ in wanted if cid is not None})
    existing: dict[tuple[int, int, str], list[int]] = {}
    for r in reads.submitted(company_ids=company_ids):
        key = (int(r.company_id), int(r.wave), r.mode)
        if key in wanted:
            existing.setdefault(key, []).append(int(r.id))
    ids = sorted(i for group in existing.values() for i in group)
    stored_answers = reads.answers(assessment_ids=ids)

    results: list[AssessmentChange] = []
    for f in parsed.assessments:
        member = changes.get(f.member)
        if member is None:
            continue
        earlier = existing.get((member.company_id, f.wave, f.mode), []) if member.company_id else []
        same = any(stored_answers.get(i, {}) == f.answers for i in earlier)
        results.append(
            AssessmentChange(
                key=f.member,
                row=f.row,
                name=member.name,
                wave=f.wave,
                mode=f.mode,
                action="unchanged" if same else "create",
                overall=f.result.overall,
                stage=f.result.stage,
                supersedes=bool(earlier) and not same,
            )
        )
    return list(changes.values()), results, problems


def plan_import(table: RawTable, *, engine: sa.Engine, bank: Bank) -> ImportPlan:
    """Check the file and compare it with the database; writes nothing."""
    parsed = parse_table(table, bank=bank)
    with store.load_reads(engine=engine) as reads:
        members, assessments, db_problems = resolve(parsed, reads)
    problems = sorted(
        [*parsed.problems, *db_problems], key=lambda p: (p.row, p.severity != "error")
    )
    return ImportPlan(
        filename=table.filename,
        sha256=table.sha256,
        kind=table.kind,
        encoding=table.encoding,
        rows=len(table.rows),
        members=members,
        assessments=assessments,
        problems=problems,
        ignored_columns=list(parsed.columns.ignored),
        bank=bank,
        parsed=parsed,
    )
