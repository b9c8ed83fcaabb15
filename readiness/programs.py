"""Support programmes that fit a company: eligibility first, then its largest gaps (issue #15).

The catalog (data/programs.yaml, or the one staff uploaded, stored in the database) is data: each
programme has an owner, what it pays for, a typical amount, the season it opens, a link, a source
with an "as of" date and a `valid_until` date, the rules of who may apply (`eligible`) and the gaps
of the question bank it closes (`gaps`: item ids, "PILLAR.dimension" or pillar ids).

Matching, for a company's profile, answers and result, on a given day:

1. Eligibility. A programme is never suggested when it has expired (`valid_until` before the day)
   or when any of its rules does not hold: size band, KSIC division, export history (exporter: an
   export share above 0 or a named market; non-exporter: an export share of 0 and no market),
   stage (the result's, between `min` and `max`), item levels, certifications held. A fact the
   company has not given never satisfies a rule: a programme for exporters is not suggested to a
   company whose export share is unknown.
2. Fit. Each gap the programme names is scored 0-100 for the company (an item: level x 20; a
   dimension: its weighted score; a pillar: its score); its priority is (100 - score) x
   importance (the dimension's importance in the bank; a pillar's weight). Only gaps scoring
   below GAP_BELOW count. The programme's gap is the one with the highest priority; programmes
   are ranked by it (then by a lower score, then by id), and the reason names that gap and the
   rule that lets the company apply, in one sentence (catalog keys program_reason.*).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator

from readiness import partners, reference, strict_yaml
from readiness.bank import Bank, Strict, Text, bank_for_version, default_bank
from readiness.i18n import Listing, Localized, Message, check_lang, mid_sentence
from readiness.paths import DATA_DIR
from readiness.scoring import Answers, Result, score_assessment, weighted_score

DEFAULT_CATALOG = DATA_DIR / "programs.yaml"
GAP_BELOW = 60.0  # a gap scoring this or more is no gap a programme needs to close
MATCH_LIMIT = 5  # programmes shown to a company (page and PDF)


class ProgramCatalogError(ValueError):
    """A malformed programme catalog; the message names source, programme and field."""


class LevelRange(Strict):
    min: Annotated[int, Field(ge=0, le=5)] | None = None
    max: Annotated[int, Field(ge=0, le=5)] | None = None


class StageRange(Strict):
    min: str | None = None
    max: str | None = None


class Eligibility(Strict):
    size_bands: list[str] | None = None  # None: every band
    ksic: Literal["all"] | list[str] = "all"
    export: Literal["any", "exporter", "non_exporter"] = "any"
    stage: StageRange | None = None
    levels: dict[str, LevelRange] = Field(default_factory=dict)
    certifications: list[str] = Field(default_factory=list)


class Program(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    owner: Text
    name: Text
    pays_for: Text
    amount: Text
    season: Text
    link: Annotated[str, Field(pattern=r"^https://[^\s]+$")]
    source: Text
    as_of: dt.date
    valid_until: dt.date
    eligible: Eligibility
    gaps: Annotated[list[str], Field(min_length=1)]

    def expired(self, today: dt.date) -> bool:
        return today > self.valid_until


class ProgramCatalog(Strict):
    version: Annotated[str, Field(min_length=1)]
    bank: Annotated[str, Field(min_length=1)]
    certifications: dict[str, Text] = Field(default_factory=dict)
    programs: Annotated[list[Program], Field(min_length=1)]

    @field_validator("version", "bank", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    def program(self, program_id: str) -> Program | None:
        return next((p for p in self.programs if p.id == program_id), None)

    def expired(self, today: dt.date) -> list[Program]:
        """The programmes past their `valid_until`: hidden from companies, flagged to staff."""
        return [p for p in self.programs if p.expired(today)]

    def to_yaml(self) -> str:
        data = self.model_dump(mode="json")
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


# --- validation -----------------------------------------------------------------------------------


def gap_kind(bank: Bank, ref: str) -> Literal["item", "dimension", "pillar"] | None:
    """What a gap reference names in `bank`; None when it names nothing."""
    if ref in bank.known_item_ids:
        return "item"
    if ref in bank.pillar_ids:
        return "pillar"
    pillar, _, dimension = ref.partition(".")
    if pillar in bank.pillar_ids and any(d.id == dimension for d in bank.pillar(pillar).dimensions):
        return "dimension"
    return None


FieldProblem = tuple[
    str, Message
]  # the field's path in the YAML ("eligible.size_bands"), the problem


def _problem(key: str, **params: Any) -> Message:
    return Message(f"catalog_problem.{key}", params)


def _stage_problems(stage: StageRange, bank: Bank) -> list[FieldProblem]:
    stages: list[str] = [s.id for s in bank.stages]
    problems: list[FieldProblem] = [
        (
            f"eligible.stage.{op}",
            _problem("unknown_stage", value=repr(value), known=", ".join(stages)),
        )
        for op, value in (("min", stage.min), ("max", stage.max))
        if value is not None and value not in stages
    ]
    if stage.min is None and stage.max is None:
        problems.append(("eligible.stage", _problem("give_bounds")))
    elif (
        not problems
        and stage.min is not None
        and stage.max is not None
        and stages.index(stage.min) > stages.index(stage.max)
    ):
        problems.append(("eligible.stage", _problem("min_above_max")))
    return problems


def program_field_problems(
    program: Program, *, certifications: Mapping[str, Text], bank: Bank
) -> list[FieldProblem]:
    """What is wrong with one programme beyond its fields' types, field by field: unknown size
    bands, divisions, stages, items, certifications or gaps, and inverted ranges or dates. The
    problems are catalog sentences (catalog_problem.*), so the staff's upload names them in the
    reader's language; `program_problems` gives them as the YAML loader's English lines."""
    problems: list[FieldProblem] = []
    rules = program.eligible
    bands = reference.size_band_ids()
    if rules.size_bands is not None and not rules.size_bands:
        problems.append(("eligible.size_bands", _problem("bands_empty")))
    problems.extend(
        ("eligible.size_bands", _problem("unknown_band", value=repr(band), known=", ".join(bands)))
        for band in rules.size_bands or []
        if band not in bands
    )
    if rules.ksic != "all":
        known = reference.ksic_codes()
        if not rules.ksic:
            problems.append(("eligible.ksic", _problem("ksic_empty")))
        problems.extend(
            ("eligible.ksic", _problem("unknown_ksic", value=repr(code)))
            for code in rules.ksic
            if code not in known
        )
    if rules.stage is not None:
        problems.extend(_stage_problems(rules.stage, bank))
    for item_id, bounds in rules.levels.items():
        where = f"eligible.levels.{item_id}"
        if item_id not in bank.known_item_ids:
            problems.append((where, _problem("unknown_item", bank=bank.version)))
        if bounds.min is None and bounds.max is None:
            problems.append((where, _problem("give_bounds")))
        elif bounds.min is not None and bounds.max is not None and bounds.min > bounds.max:
            problems.append((where, _problem("min_above_max")))
    problems.extend(
        ("eligible.certifications", _problem("unknown_certification", value=repr(cert)))
        for cert in rules.certifications
        if cert not in certifications
    )
    problems.extend(
        ("gaps", _problem("unknown_gap", value=repr(ref), bank=bank.version))
        for ref in program.gaps
        if gap_kind(bank, ref) is None
    )
    if len(set(program.gaps)) != len(program.gaps):
        problems.append(("gaps", _problem("gap_twice")))
    if program.valid_until < program.as_of:
        problems.append(("valid_until", _problem("ends_before_as_of")))
    return problems


def program_problems(
    program: Program, *, certifications: Mapping[str, Text], bank: Bank
) -> list[str]:
    """The problems of `program_field_problems` as English lines, "field: problem" each."""
    return [
        f"{where}: {message.render('en')}"
        for where, message in program_field_problems(
            program, certifications=certifications, bank=bank
        )
    ]


def parse_catalog(raw: object, *, bank: Bank, source: str = "<programmes>") -> ProgramCatalog:
    """Validate a catalog read from YAML or JSON; raises ProgramCatalogError naming programme and
    field (every problem, not only the first)."""
    try:
        catalog = ProgramCatalog.model_validate(raw)
    except ValidationError as exc:
        raise ProgramCatalogError(
            strict_yaml.describe_errors(source, exc, raw, entries="programs", noun="programme")
        ) from None
    problems: list[str] = []
    if catalog.bank != bank.version:
        problems.append(
            f"{source}: field bank: the catalog is written for bank {catalog.bank!r}, "
            f"checked against bank {bank.version!r}"
        )
    seen: set[str] = set()
    for program in catalog.programs:
        where = f"{source}: programme {program.id}"
        if program.id in seen:
            problems.append(f"{where}, field id: duplicate programme id")
        seen.add(program.id)
        found = program_problems(program, certifications=catalog.certifications, bank=bank)
        problems.extend(f"{where}, field {p}" for p in found)
    if problems:
        raise ProgramCatalogError("\n".join(problems))
    return catalog


def _bank_named(raw: object) -> Bank:
    declared = raw.get("bank") if isinstance(raw, dict) else None
    try:
        return bank_for_version(str(declared)) if declared else default_bank()
    except ValueError:
        return default_bank()


def parse_text(
    text: str, *, bank: Bank | None = None, source: str = "<programmes>"
) -> ProgramCatalog:
    """A catalog from YAML (or JSON, which is YAML) text, as stored in the database."""
    try:
        raw = strict_yaml.safe_load(io.StringIO(text))
    except yaml.YAMLError as exc:
        raise ProgramCatalogError(f"{source}: not valid YAML: {exc}") from None
    return parse_catalog(raw, bank=bank or _bank_named(raw), source=source)


def load_catalog(path: Path | str | None = None, *, bank: Bank | None = None) -> ProgramCatalog:
    """The shipped catalog (cached) or the file at `path`; raises ProgramCatalogError."""
    if path is None and bank is None:
        return _shipped()
    path = Path(path or DEFAULT_CATALOG)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProgramCatalogError(f"{path}: file not found") from None
    return parse_text(text, bank=bank, source=str(path))


@lru_cache(maxsize=1)
def _shipped() -> ProgramCatalog:
    return load_catalog(DEFAULT_CATALOG, bank=default_bank())


# --- eligibility ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What eligibility looks at, from a profile and a result."""

    size_band: str | None
    ksic: str | None
    exporter: bool | None  # None: not known
    stage: str | None
    answers: Answers
    certifications: frozenset[str]


def _value(profile: Mapping[str, Any] | object, name: str) -> Any:
    if isinstance(profile, Mapping):
        return profile.get(name)
    return getattr(profile, name, None)


def exporter_of(export_share: float | None, markets: Sequence[str]) -> bool | None:
    """True: exports today; False: an export share of 0 and no market; None: not known."""
    if markets or (export_share is not None and export_share > 0):
        return True
    if export_share is not None:
        return False
    return None


def facts_of(
    profile: Mapping[str, Any] | object,
    answers: Answers,
    result: Result | None,
    certifications: Sequence[str] = (),
) -> Facts:
    ksic = _value(profile, "ksic")
    ksic = str(ksic).strip().upper() if ksic else None
    if ksic and ksic.isdigit():
        ksic = f"C{ksic}"
    band = _value(profile, "size_band")
    employees = _value(profile, "employees")
    if not band and employees is not None:
        band = reference.size_band_for(int(employees))
    share = _value(profile, "export_share")
    held = _value(profile, "certifications") or ()
    return Facts(
        size_band=band or None,
        ksic=ksic,
        exporter=exporter_of(
            float(share) if share is not None else None, tuple(_value(profile, "markets") or ())
        ),
        stage=result.stage if result is not None else None,
        answers=answers,
        certifications=frozenset([*held, *certifications]),
    )


def is_eligible(program: Program, facts: Facts, bank: Bank, today: dt.date) -> bool:
    """Whether the company may apply today: every rule holds, and the entry has not expired."""
    if program.expired(today):
        return False
    rules = program.eligible
    if rules.size_bands is not None and facts.size_band not in rules.size_bands:
        return False
    if rules.ksic != "all" and facts.ksic not in rules.ksic:
        return False
    if rules.export == "exporter" and facts.exporter is not True:
        return False
    if rules.export == "non_exporter" and facts.exporter is not False:
        return False
    if rules.stage is not None:
        order: list[str] = [s.id for s in bank.stages]
        if facts.stage not in order:
            return False
        at = order.index(facts.stage)
        if rules.stage.min is not None and at < order.index(rules.stage.min):
            return False
        if rules.stage.max is not None and at > order.index(rules.stage.max):
            return False
    for item_id, bounds in rules.levels.items():
        level = facts.answers.get(item_id)
        if level is None:
            return False
        if (bounds.min is not None and level < bounds.min) or (
            bounds.max is not None and level > bounds.max
        ):
            return False
    return set(rules.certifications) <= facts.certifications


# --- gaps and reasons -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    ref: str
    kind: str  # item, dimension or pillar
    score: float  # 0-100
    level: int | None  # an item's level
    importance: float

    area: str = ""  # the dimension ("PILLAR.dimension") or pillar the gap lies in

    @property
    def priority(self) -> float:
        return (100.0 - self.score) * self.importance


def gap_of(ref: str, bank: Bank, answers: Answers, result: Result) -> Gap | None:
    """The company's score on a gap reference; None when it has none (N/A, unanswered)."""
    kind = gap_kind(bank, ref)
    if kind == "item":
        level = answers.get(ref)
        if level is None:
            return None
        item = bank.item(ref)
        importance = bank.dimension(item.pillar, item.dimension).importance
        area = f"{item.pillar}.{item.dimension}"
        return Gap(ref, kind, level * 20.0, int(level), importance, area)
    if kind == "dimension":
        pillar, _, dimension = ref.partition(".")
        items = [i for i in bank.items_of(pillar) if i.dimension == dimension]
        score = weighted_score(items, answers)
        if score is None:
            return None
        return Gap(ref, kind, score, None, bank.dimension(pillar, dimension).importance, ref)
    if kind == "pillar":
        pillar_result = result.pillars.get(ref)
        if pillar_result is None or pillar_result.score is None:
            return None
        return Gap(ref, kind, pillar_result.score, None, bank.pillar(ref).weight, ref)
    return None


def _item_names(bank: Bank) -> Mapping[str, Text]:
    """The plain item names the partner catalog keeps for its reasons (one list for both)."""
    try:
        return partners.load_catalog(bank=bank).items
    except (partners.CatalogError, ValueError):
        return {}


def gap_name(bank: Bank, ref: str) -> Localized:
    """A gap as a reader names it: an item by its plain name (the partner catalog's `items`) or
    its dimension's name; a dimension or pillar by its name."""
    kind = gap_kind(bank, ref)
    if kind == "pillar":
        return Localized.of(lambda lang: bank.pillar(ref).name.get(lang))
    if kind == "item":
        item = bank.item(ref)
        named = _item_names(bank).get(ref)
        if named is not None:
            return Localized.of(named.get)
        pillar, dimension = item.pillar, item.dimension
    else:
        pillar, _, dimension = ref.partition(".")
    return Localized.of(
        lambda lang: mid_sentence(bank.dimension_name(pillar, dimension, lang), lang)
    )


def _band_range(bands: Sequence[str]) -> tuple[int, int | None]:
    rows = [r for r in reference.reference()["size_bands"] if r["id"] in bands]
    highs = [r["max"] for r in rows]
    low = min(int(r["min"]) for r in rows)
    return low, None if None in highs else max(int(h) for h in highs)


def _ranged(lo: Localized | int | None, hi: Localized | int | None, key: str) -> Message:
    if lo is not None and hi is not None:
        return Message(f"program_reason.{key}_between", {"min": lo, "max": hi})
    if lo is not None:
        return Message(f"program_reason.{key}_min", {"min": lo})
    return Message(f"program_reason.{key}_max", {"max": hi})


def _stage_name(bank: Bank, stage_id: str | None) -> Localized | None:
    if stage_id is None:
        return None
    return Localized.of(lambda lang: bank.stage(stage_id).name.get(lang))


def _divisions(codes: Sequence[str]) -> Localized:
    return Localized.of(
        lambda lang: ", ".join(f"{c} {reference.label('ksic_divisions', c, lang)}" for c in codes)
    )


def rule_message(program: Program, bank: Bank, catalog: ProgramCatalog) -> Message:
    """Who may apply, in words: the rule the company meets."""
    rules = program.eligible
    parts: list[Message] = []
    if rules.size_bands is not None:
        parts.append(_ranged(*_band_range(rules.size_bands), "size"))
    if rules.ksic != "all":
        parts.append(Message("program_reason.ksic", {"divisions": _divisions(rules.ksic)}))
    if rules.export != "any":
        parts.append(Message(f"program_reason.{rules.export}"))
    if rules.stage is not None:
        low, high = (_stage_name(bank, rules.stage.min), _stage_name(bank, rules.stage.max))
        parts.append(_ranged(low, high, "stage"))
    for item_id, bounds in rules.levels.items():
        level = _ranged(bounds.min, bounds.max, "level")
        name = gap_name(bank, item_id)
        parts.append(Message("program_reason.item_level", {"name": name, "level": level}))
    for cert in rules.certifications:
        held = catalog.certifications[cert]
        parts.append(Message("program_reason.certification", {"name": held}))
    if not parts:
        return Message("program_reason.open_all")
    return Message("program_reason.open_to", {"who": Listing(tuple(parts))})


def gap_message(gap: Gap, bank: Bank) -> Message:
    score = (
        Message("program_reason.score_level", {"level": gap.level})
        if gap.level is not None
        else Message("program_reason.score_points", {"score": round(gap.score)})
    )
    return Message("program_reason.gap", {"name": gap_name(bank, gap.ref), "score": score})


# --- matching -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramMatch:
    program: Program
    gap: Gap
    reason: Message  # one sentence: the gap and the rule

    @property
    def id(self) -> str:
        return self.program.id

    def to_dict(self, lang: str) -> dict[str, Any]:
        """The match in `lang` as plain data (CLI, JSON)."""
        p = self.program
        return {
            "id": p.id,
            "name": p.name.get(lang),
            "owner": p.owner.get(lang),
            "pays_for": p.pays_for.get(lang),
            "amount": p.amount.get(lang),
            "season": p.season.get(lang),
            "link": p.link,
            "source": p.source.get(lang),
            "as_of": p.as_of.isoformat(),
            "valid_until": p.valid_until.isoformat(),
            "gap": self.gap.ref,
            "gap_score": round(self.gap.score, 1),
            "reason": self.reason.render(lang),
        }


def match_programs(
    catalog: ProgramCatalog,
    bank: Bank,
    *,
    profile: Mapping[str, Any] | object,
    answers: Answers,
    result: Result | None = None,
    today: dt.date | None = None,
    certifications: Sequence[str] = (),
    limit: int | None = MATCH_LIMIT,
) -> list[ProgramMatch]:
    """The programmes the company may apply for, best fit to its largest gaps first (see the
    module docstring); `result` defaults to score_assessment(bank, answers)."""
    today = today or dt.date.today()
    if result is None:
        result = score_assessment(bank, answers)
    facts = facts_of(profile, answers, result, certifications)
    ranked: list[tuple[float, float, str, ProgramMatch]] = []
    for program in catalog.programs:
        if not is_eligible(program, facts, bank, today):
            continue
        gaps = [
            g
            for ref in program.gaps
            if (g := gap_of(ref, bank, answers, result)) is not None and g.score < GAP_BELOW
        ]
        if not gaps:
            continue
        gap = max(gaps, key=lambda g: (g.priority, -g.score))
        reason = Message(
            "program_reason.sentence",
            {"gap": gap_message(gap, bank), "rule": rule_message(program, bank, catalog)},
        )
        ranked.append((-gap.priority, gap.score, program.id, ProgramMatch(program, gap, reason)))
    ranked.sort(key=lambda row: row[:3])
    return _varied([row[3] for row in ranked])[:limit]


def _varied(matches: list[ProgramMatch]) -> list[ProgramMatch]:
    """The ranking with the first programme for each gap area (dimension) ahead of the others
    for the same area, so that the top few cover several gaps rather than one."""
    firsts: list[ProgramMatch] = []
    repeats: list[ProgramMatch] = []
    seen: set[str] = set()
    for match in matches:
        area = match.gap.area
        (repeats if area in seen else firsts).append(match)
        seen.add(area)
    return firsts + repeats


def matches_json(matches: Sequence[ProgramMatch], lang: str) -> str:
    """`{"programs": [...]}` in `lang` (the CLI's output)."""
    check_lang(lang)
    return json.dumps(
        {"programs": [m.to_dict(lang) for m in matches]}, ensure_ascii=False, indent=2
    )
