"""Every row of a table checked on its own (no database): members, scored results, problems.

Members are keyed by business registration number when the file gives one, else by exact name
and KSIC division (and the synthetic flag). Several rows may describe one member (one per wave):
later rows win, but a blank optional cell never clears an earlier value.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from readiness import reference
from readiness.bank import Bank
from readiness.exports import unneutralise
from readiness.i18n import Message
from readiness.importer.cells import (
    LEVELS,
    BadCell,
    parse_biz_no,
    parse_email,
    parse_employees,
    parse_export_share,
    parse_flag,
    parse_ksic,
    parse_level,
    parse_mode,
    parse_name,
    parse_phone,
    parse_region,
    parse_representative,
    parse_revenue_band,
    parse_wave,
    reference_names,
    region_names,
)
from readiness.importer.columns import ColumnMap, map_columns
from readiness.importer.problems import Problem
from readiness.importer.read import RawTable
from readiness.member_file import CONTACT_KEYS, FIELD_BY_KEY, FIELDS
from readiness.peers import NORM_MIN_COMPLETENESS
from readiness.profile import CompanyProfile
from readiness.scoring import Result, score_assessment

MemberKey = tuple[str, ...]
UPDATABLE = ("region", "export_share", "revenue_band")  # optional: a blank cell keeps the stored


@dataclass
class FileMember:
    """One company as the file describes it (several rows may describe it, one per wave)."""

    key: MemberKey
    row: int
    profile: CompanyProfile
    given: set[str]
    synthetic: bool
    contact: dict[str, str] = field(
        default_factory=dict
    )  # staff only: representative, phone, email


@dataclass(frozen=True)
class FileAssessment:
    """One submitted result in the file, scored with the bank."""

    row: int
    member: MemberKey
    wave: int
    mode: str
    answers: dict[str, int | None]
    result: Result


@dataclass(frozen=True)
class ParsedTable:
    """What the file holds once checked on its own (no database involved)."""

    table: RawTable
    columns: ColumnMap
    members: dict[MemberKey, FileMember]
    assessments: list[FileAssessment]
    problems: list[Problem]

    @property
    def any_contact(self) -> bool:
        """True when the file gives a contact (representative, phone, e-mail) of any member."""
        return any(m.contact for m in self.members.values())


def name_key(name: str, ksic: str, synthetic: bool) -> MemberKey:
    """The key of a member without a business registration number."""
    return ("name", unicodedata.normalize("NFC", " ".join(name.split())), ksic, str(synthetic))


def _member_key(profile: CompanyProfile, synthetic: bool) -> MemberKey:
    if profile.biz_no:
        return ("biz_no", profile.biz_no)
    return name_key(profile.name, profile.ksic, synthetic)


_MISSING = Message("importer.missing_value")
TOTALS_WORDS = {"합계", "총계", "소계", "총합계", "계", "total", "totals", "grandtotal", "subtotal"}


def _is_totals_row(row: list[str], name_at: int, biz_no_at: int | None) -> bool:
    """A spreadsheet's totals line: its name cell a totals word ("합계", "Total"), no number."""
    name = row[name_at] if name_at < len(row) else ""
    biz_no = row[biz_no_at] if biz_no_at is not None and biz_no_at < len(row) else ""
    folded = "".join(unicodedata.normalize("NFC", name).casefold().split()).rstrip(":")
    return folded in TOTALS_WORDS and not biz_no


def _has_error(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _values_key(values: dict[str, Any], synthetic: bool) -> MemberKey | None:
    """The member key of a row whose profile could not be built, when its cells give one."""
    if values.get("biz_no"):
        return ("biz_no", values["biz_no"])
    if "name" in values and "ksic" in values:
        return name_key(values["name"], values["ksic"], synthetic)
    return None


def _row_rule_problems(
    number: int,
    answers: dict[str, int | None],
    *,
    wave: int | None,
    wave_header: str,
    wave_was_bad: bool,
    item_headers: list[tuple[str, str]],
    critical: set[str],
) -> list[Problem]:
    """What a row's answers break as a whole: no wave, nothing but N/A, N/A on critical items."""
    if not answers:
        return []
    found: list[Problem] = []
    if wave is None and not wave_was_bad:
        found.append(Problem(number, wave_header, Message("importer.wave_missing")))
    if all(level is None for level in answers.values()):
        first = next(h for item_id, h in item_headers if item_id in answers)
        found.append(Problem(number, first, Message("importer.all_not_applicable")))
    elif critical_na := [i for i, level in answers.items() if level is None and i in critical]:
        column = next(h for item_id, h in item_headers if item_id in critical_na)
        found.append(
            Problem(
                number, column, Message("importer.critical_na", {"items": ", ".join(critical_na)})
            )
        )
    return found


class _RowReader:
    """Reads one data row into field values and answers, collecting its problems."""

    def __init__(self, table: RawTable, columns: ColumnMap) -> None:
        header = table.header
        self.merged_over = table.merged_over
        regions = region_names()
        revenue = reference_names("revenue_bands", "id")
        ksic = set(reference.ksic_codes())
        self.header = header
        self.required = {
            "name": parse_name,
            "ksic": lambda t: parse_ksic(t, ksic),
            "employees": parse_employees,
        }
        self.optional = {
            "biz_no": parse_biz_no,
            "region": lambda t: parse_region(t, regions),
            "export_share": parse_export_share,
            "revenue_band": lambda t: parse_revenue_band(t, revenue),
            "wave": parse_wave,
            "mode": parse_mode,
            "synthetic": parse_flag,
            "representative": parse_representative,
            "phone": parse_phone,
            "email": parse_email,
        }
        self.fields = [(k, i) for k, i in columns.fields.items() if k in self.optional]
        self.required_at = [(k, columns.fields[k]) for k in self.required]
        self.items = sorted(columns.items.items(), key=lambda kv: kv[1])

    def read(
        self, number: int, row: list[str]
    ) -> tuple[dict[str, Any], dict[str, int | None], list[Problem]]:
        values: dict[str, Any] = {}
        answers: dict[str, int | None] = {}
        problems: list[Problem] = []
        width = len(row)
        for key, index in self.required_at:
            text = unneutralise(row[index]) if index < width else ""
            if not text:
                problems.append(Problem(number, self.header[index], _MISSING))
                problems.extend(self._merged_blank(number, index))
                continue
            try:
                values[key] = self.required[key](text)
            except BadCell as exc:
                problems.append(Problem(number, self.header[index], exc.message))
        for key, index in self.fields:
            text = unneutralise(row[index]) if index < width else ""
            if not text:
                problems.extend(self._merged_blank(number, index))
                continue
            try:
                values[key] = self.optional[key](text)
            except BadCell as exc:
                problems.append(Problem(number, self.header[index], exc.message))
        for item_id, index in self.items:
            text = row[index] if index < width else ""
            if not text:
                continue
            level = LEVELS.get(text, -1)
            if level != -1:
                answers[item_id] = level
                continue
            try:
                answers[item_id] = parse_level(unneutralise(text))
            except BadCell as exc:
                problems.append(Problem(number, self.header[index], exc.message))
        return values, answers, problems

    def _merged_blank(self, number: int, index: int) -> list[Problem]:
        """A blank cell that an .xlsx merged range covers: its value is not imported, say so."""
        merged = self.merged_over(number, index)
        if merged is None:
            return []
        message = Message("importer.merged_blank", {"first": merged.first_row, "range": merged.ref})
        return [Problem(number, self.header[index], message, "warning")]


def parse_table(table: RawTable, *, bank: Bank) -> ParsedTable:
    """Check every row on its own: values, required fields, duplicates; score the results."""
    columns = map_columns(table.header, bank=bank, header_row=table.header_row)
    problems = list(columns.problems)
    members: dict[MemberKey, FileMember] = {}
    assessments: list[FileAssessment] = []
    if not table.rows:
        problems.append(Problem(table.header_row, "", Message("importer.no_rows"), "warning"))
    if any(f.required and f.key not in columns.fields for f in FIELDS):
        return ParsedTable(table, columns, members, assessments, problems)

    header = table.header
    reader = _RowReader(table, columns)
    has_items = bool(columns.items)
    quick_ids = set(bank.item_ids(quick_only=True))
    critical = {i.id for i in bank.items if i.critical}

    def header_of(key: str) -> str:
        at = columns.fields.get(key)
        return FIELD_BY_KEY[key].both if at is None else header[at]

    name_header, wave_header, mode_header = header_of("name"), header_of("wave"), header_of("mode")
    seen_members: dict[MemberKey, int] = {}
    seen_results: dict[tuple[MemberKey, int, str], int] = {}
    unnamed: set[int] = set()
    name_at = columns.fields["name"]
    biz_no_at = columns.fields.get("biz_no")
    item_headers = {header[index] for _, index in reader.items}

    for number, row in table.rows:
        for index in range(len(header), len(row)):
            if row[index] and index not in unnamed:
                unnamed.add(index)
                problems.append(
                    Problem(number, f"#{index + 1}", Message("importer.unnamed_column"), "warning")
                )
        if _is_totals_row(row, name_at, biz_no_at):
            problems.append(Problem(number, name_header, Message("importer.totals_row"), "warning"))
            continue
        values, answers, row_problems = reader.read(number, row)
        synthetic = bool(values.pop("synthetic", False))
        wave = values.pop("wave", None)
        mode = values.pop("mode", "full")
        contact = {k: values.pop(k) for k in CONTACT_KEYS if k in values}
        key: MemberKey | None = None
        profile: CompanyProfile | None = None
        if not _has_error(row_problems):
            try:
                profile = CompanyProfile(**values)
                key = _member_key(profile, synthetic)
            except ValidationError as exc:  # a rule of the profile that the cell checks missed
                detail = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
                row_problems.append(
                    Problem(number, "", Message("importer.profile_rule", {"detail": detail}))
                )
        if key is None:
            key = _values_key(values, synthetic)
        bad_columns = {p.column for p in row_problems if p.severity == "error"}
        row_problems.extend(
            _row_rule_problems(
                number,
                answers,
                wave=wave,
                wave_header=wave_header,
                wave_was_bad=wave_header in bad_columns,
                item_headers=[(item_id, header[index]) for item_id, index in reader.items],
                critical=critical,
            )
        )
        if key is not None and answers and wave is not None:
            if (key, wave, mode) in seen_results:
                row_problems.append(
                    Problem(
                        number,
                        name_header,
                        Message(
                            "importer.duplicate_result",
                            {
                                "first": seen_results[(key, wave, mode)],
                                "wave": wave,
                                "mode": Message(f"member_file.mode_{mode}"),
                            },
                        ),
                    )
                )
            seen_results.setdefault((key, wave, mode), number)
        elif (
            key is not None
            and not answers
            and not bad_columns & item_headers
            and key in seen_members
        ):
            row_problems.append(
                Problem(
                    number,
                    name_header,
                    Message("importer.duplicate_member", {"first": seen_members[key]}),
                )
            )
        if key is not None:
            seen_members.setdefault(key, number)
        problems.extend(row_problems)
        if _has_error(row_problems) or profile is None or key is None:
            continue
        if not answers and wave is not None and has_items:
            problems.append(
                Problem(number, wave_header, Message("importer.wave_without_answers"), "warning")
            )
        _merge_member(members, key, number, profile, synthetic, contact)
        if not answers:
            continue
        unscored = sorted(set(answers) - quick_ids) if mode == "quick" else []
        if unscored:
            problems.append(
                Problem(
                    number,
                    mode_header,
                    Message("importer.not_scored", {"items": ", ".join(unscored)}),
                    "warning",
                )
            )
        result = score_assessment(bank, answers, mode=mode)
        short = {pid: p for pid, p in result.pillars.items() if not p.scored}
        answered = sum(p.answered for p in result.pillars.values())
        total = sum(p.total for p in result.pillars.values())
        if not short and answered < NORM_MIN_COMPLETENESS * total:
            problems.append(
                Problem(
                    number,
                    mode_header,
                    Message(
                        "importer.incomplete",
                        {
                            "answered": answered,
                            "total": total,
                            "rule": round(100 * NORM_MIN_COMPLETENESS),
                        },
                    ),
                    "warning",
                )
            )
        if short:
            missing = ", ".join(f"{pid} {p.levels}/{p.min_levels}" for pid, p in short.items())
            problems.append(
                Problem(
                    number,
                    mode_header,
                    Message(
                        "importer.pillars_unscored"
                        if len(short) < len(result.pillars)
                        else "importer.nothing_scored",
                        {"pillars": missing},
                    ),
                    "warning",
                )
            )
        assessments.append(
            FileAssessment(
                row=number,
                member=key,
                wave=wave,
                mode=mode,
                answers=answers,
                result=result,
            )
        )
    problems.sort(key=lambda p: (p.row, p.severity != "error"))
    return ParsedTable(table, columns, members, assessments, problems)


def _merge_member(
    members: dict[MemberKey, FileMember],
    key: MemberKey,
    number: int,
    profile: CompanyProfile,
    synthetic: bool,
    contact: dict[str, str],
) -> None:
    """Later rows of a company win, but a blank optional cell never clears an earlier value."""
    given = {k for k in UPDATABLE if k in profile.model_fields_set}
    known = members.get(key)
    if known is None:
        members[key] = FileMember(key, number, profile, given, synthetic, dict(contact))
        return
    known.contact.update(contact)
    kept = {k: getattr(known.profile, k) for k in known.given - given}
    known.profile = profile.model_copy(update=kept)
    known.given |= given
    known.row = number
