"""A company, and the membership, against published national and international figures.

The figures are data (data/public_benchmarks.yaml): each is one published share of firms, with its
source (publisher, title, table, URL), the year it describes, the population it covers, a figure
per size band of the app (and how the source's bands were placed on them), and a rule saying which
answers count as "adopted". A rule is a list of conditions `{item, levels}`; a company counts as
adopted when any condition's item is answered with one of its levels, as not adopted when none is
and every listed item is answered (a level, or not applicable) with at least one level among them,
and is otherwise unknown: then it is left out, never guessed. A figure is never shown without its
source: every comparison carries its `Benchmark`.

Staff see the membership by the same rules: per size band, the share of members counting as adopted
(verified members, complete results, one latest result per company in a wave) beside the published
figure, with n; a band with fewer than MIN_N such members shows no share. There a member counts only
when it answered every item of the rule: a quick scan that asks one AI item of five would otherwise
be counted when it says "yes" and left out when it says "no", and inflate the share.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import sqlalchemy as sa
import yaml
from pydantic import Field, ValidationError, field_validator

from readiness import reference, store, strict_yaml
from readiness.bank import Bank, Strict, Text, bank_for_version
from readiness.cohorts import Cohort
from readiness.i18n import t
from readiness.paths import DATA_DIR

DEFAULT_FILE = DATA_DIR / "public_benchmarks.yaml"
REGIONS = ("KR", "EU")
# An https address without spaces, quotes or brackets: it goes into a Markdown link as it is.
SOURCE_URL = r"^https://[A-Za-z0-9.-]+\.[a-z]+(/[A-Za-z0-9._~/?&=%#:+-]*)?$"
MIN_N = 5  # a membership share of fewer known members is not shown (k-anonymity)

Answers = Mapping[str, int | None]


class BenchmarkError(ValueError):
    """A malformed benchmark file; the message names file, entry and field."""


class Condition(Strict):
    item: Annotated[str, Field(min_length=1)]
    levels: Annotated[list[int], Field(min_length=1)]

    @field_validator("levels")
    @classmethod
    def _levels(cls, value: list[int]) -> list[int]:
        if any(level < 0 or level > 5 for level in value):
            raise ValueError("levels are whole numbers from 0 to 5")
        if len(set(value)) != len(value):
            raise ValueError("a level is listed twice")
        return sorted(value)


class Rule(Strict):
    description: Text
    any_of: Annotated[list[Condition], Field(min_length=1)]

    @property
    def item_ids(self) -> list[str]:
        return list(dict.fromkeys(c.item for c in self.any_of))


class Source(Strict):
    publisher: Text
    title: Text
    table: Text
    url: Annotated[str, Field(pattern=SOURCE_URL)]


class Benchmark(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    region: Literal["KR", "EU"]
    label: Text
    population: Text
    year: Annotated[int, Field(ge=2000, le=2100)]  # the year the figure describes
    as_of: Text
    source: Source
    figures: dict[str, Annotated[float, Field(ge=0, le=100)]]  # size band -> percent of firms
    all_sizes: Annotated[float | None, Field(ge=0, le=100)] = None
    band_mapping: Text
    note: Text | None = None
    rule: Rule

    def figure_for(self, size_band: str | None) -> tuple[float, bool] | None:
        """(percent, whether it is the band's own figure) for a size band; the all-sizes figure
        when the source gives none per size; None when the source gives no figure that fits."""
        if size_band is not None and size_band in self.figures:
            return self.figures[size_band], True
        if not self.figures and self.all_sizes is not None:
            return self.all_sizes, False
        return None


class Catalog(Strict):
    version: Annotated[str, Field(min_length=1)]
    bank: Annotated[str, Field(min_length=1)]
    benchmarks: Annotated[list[Benchmark], Field(min_length=1)]

    @property
    def item_ids(self) -> list[str]:
        return list(dict.fromkeys(i for b in self.benchmarks for i in b.rule.item_ids))


# --- validation -----------------------------------------------------------------------------------


def parse_catalog(raw: object, *, bank: Bank, source: str = "<benchmarks>") -> Catalog:
    """Validate a benchmark file read from YAML; raises BenchmarkError naming entry and field."""
    try:
        catalog = Catalog.model_validate(raw)
    except ValidationError as exc:
        raise BenchmarkError(
            strict_yaml.describe_errors(source, exc, raw, entries="benchmarks", noun="benchmark")
        ) from None
    problems: list[str] = []
    if catalog.bank != bank.version:
        problems.append(
            f"{source}: field bank: written for bank {catalog.bank!r}, "
            f"checked against bank {bank.version!r}"
        )
    bands = reference.size_band_ids()
    seen: set[str] = set()
    for entry in catalog.benchmarks:
        where = f"{source}: benchmark {entry.id}"
        if entry.id in seen:
            problems.append(f"{where}, field id: duplicate id")
        seen.add(entry.id)
        for band in entry.figures:
            if band not in bands:
                problems.append(
                    f"{where}, field figures.{band}: unknown size band; use {', '.join(bands)}"
                )
        if not entry.figures and entry.all_sizes is None:
            problems.append(f"{where}, field figures: give a figure per size band or all_sizes")
        for n, cond in enumerate(entry.rule.any_of, start=1):
            if cond.item not in bank.known_item_ids:
                problems.append(
                    f"{where}, field rule.any_of.{n}.item: unknown item id {cond.item!r} "
                    f"in bank {bank.version}"
                )
    if problems:
        raise BenchmarkError("\n".join(problems))
    return catalog


def load_catalog(path: Path | str | None = None, *, bank: Bank | None = None) -> Catalog:
    """Read and validate a benchmark file (the shipped one by default) against its bank."""
    path = Path(path) if path is not None else DEFAULT_FILE
    try:
        with path.open(encoding="utf-8") as fh:
            raw = strict_yaml.safe_load(fh)
    except FileNotFoundError:
        raise BenchmarkError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise BenchmarkError(f"{path}: not valid YAML: {exc}") from None
    if bank is None:
        version = raw.get("bank") if isinstance(raw, dict) else None
        if not isinstance(version, str):
            raise BenchmarkError(f'{path}: field bank: name the bank version, e.g. "2.0"')
        bank = bank_for_version(version)
    return parse_catalog(raw, bank=bank, source=str(path))


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The shipped figures, checked against the bank they are written for, loaded once."""
    return load_catalog()


# --- a company ------------------------------------------------------------------------------------


def adopted(rule: Rule, answers: Answers) -> bool | None:
    """Whether answers count as adopted under `rule`: True, False, or None when not known."""
    some_level = False
    for cond in rule.any_of:
        level = answers.get(cond.item)
        if level is not None:
            some_level = True
            if level in cond.levels:
                return True
    answered_all = all(item in answers for item in rule.item_ids)
    return False if answered_all and some_level else None


@dataclass(frozen=True)
class Comparison:
    """One published figure beside a company's own answer."""

    benchmark: Benchmark  # the figure's source, year, population and rule travel with it
    adopted: bool
    percent: float
    band_figure: bool  # False: the source's all-sizes figure (it gives none per size)


def company_comparisons(
    answers: Answers,
    size_band: str | None,
    *,
    bank_version: str,
    catalog: Catalog | None = None,
) -> list[Comparison]:
    """The published figures a company can be set beside: those whose rule its answers decide,
    with a figure for its size band. Empty for answers of another bank version."""
    catalog = catalog or default_catalog()
    if bank_version != catalog.bank:
        return []
    out = []
    for entry in catalog.benchmarks:
        verdict = adopted(entry.rule, answers)
        figure = entry.figure_for(size_band)
        if verdict is None or figure is None:
            continue
        out.append(Comparison(entry, verdict, figure[0], figure[1]))
    return out


def share_words(value: float) -> str:
    """A published or members' share as every view writes it: "28.5%"."""
    return f"{value:.1f}%"


def region_words(entry: Benchmark, lang: str) -> str:
    return t(f"benchmarks.region_{entry.region}", lang)


def measure_words(entry: Benchmark, lang: str) -> str:
    """A figure by where and what it counts: "한국 · 스마트공장 도입"."""
    return f"{region_words(entry, lang)} · {entry.label.get(lang)}"


def group_words(entry: Benchmark, size_band: str, band_figure: bool, lang: str) -> str:
    """Whom a figure counts: "한국 · 10-49명", or the source's whole population ("한국 · 전체
    규모") when it gives no figure by size."""
    band = (
        reference.label("size_bands", size_band, lang)
        if band_figure
        else t("benchmarks.all_sizes", lang)
    )
    return f"{region_words(entry, lang)} · {band}"


def published_words(comparison: Comparison, size_band: str, lang: str) -> str:
    """The published share with whom it counts and its year: "28.5% (한국 · 10-49명, 2024)"."""
    return t(
        "benchmarks.published_of",
        lang,
        share=share_words(comparison.percent),
        group=group_words(comparison.benchmark, size_band, comparison.band_figure, lang),
        year=comparison.benchmark.year,
    )


def sources(comparisons: Iterable[Comparison]) -> list[Benchmark]:
    """Each benchmark behind the comparisons once, in order (for the lines under a chart)."""
    return list({c.benchmark.id: c.benchmark for c in comparisons}.values())


# --- the membership -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BandShare:
    """The membership of one size band against one published figure."""

    benchmark: Benchmark
    size_band: str
    n: int  # members whose answers decide the rule
    adopted: int
    published: float | None  # the band's published percent (or the all-sizes one), None if none
    band_figure: bool

    @property
    def shown(self) -> bool:
        return self.n >= MIN_N

    @property
    def percent(self) -> float | None:
        """The members' adopted share in percent; None below MIN_N (k-anonymity) or without n."""
        return 100.0 * self.adopted / self.n if self.shown else None


def membership_shares(
    members: Sequence[tuple[str, Answers]], *, catalog: Catalog | None = None
) -> list[BandShare]:
    """Per benchmark and size band (in reference order): how many members answered every item of
    its rule (with at least one level) and how many of them count as adopted. `members`: (size
    band, answers), one per company."""
    catalog = catalog or default_catalog()
    bands = reference.size_band_ids()
    out = []
    for entry in catalog.benchmarks:
        counts = {band: [0, 0] for band in bands}
        for band, answers in members:
            if band not in counts or any(i not in answers for i in entry.rule.item_ids):
                continue
            verdict = adopted(entry.rule, answers)
            if verdict is None:
                continue
            counts[band][0] += 1
            counts[band][1] += int(verdict)
        for band in bands:
            figure = entry.figure_for(band)
            n, yes = counts[band]
            out.append(
                BandShare(
                    benchmark=entry,
                    size_band=band,
                    n=n,
                    adopted=yes,
                    published=None if figure is None else figure[0],
                    band_figure=bool(figure and figure[1]),
                )
            )
    return out


def membership_cohort(wave: int, *, include_synthetic: bool = True, bank: str = "") -> Cohort:
    """Whom staff compare with the published figures: verified members with a complete result,
    the latest per company in `wave`, of the bank version the rules are written for."""
    return Cohort(
        waves=(wave,),
        bank_versions=(bank or default_catalog().bank,),
        verified_only=True,
        complete_only=True,
        include_synthetic=include_synthetic,
    )


def membership_against_published(
    *, engine: sa.Engine, cohort: Cohort, catalog: Catalog | None = None
) -> list[BandShare]:
    """`membership_shares` over a cohort read from the database (one result per company)."""
    catalog = catalog or default_catalog()
    columns, rows = store.cohort_rows(engine=engine, cohort=cohort, pillars=())
    at_id, at_band = columns.index("assessment_id"), columns.index("size_band")
    band_of = {int(row[at_id]): str(row[at_band]) for row in rows}
    answers: dict[int, dict[str, int | None]] = {a: {} for a in band_of}
    levels = store.cohort_item_levels(engine=engine, cohort=cohort, item_ids=catalog.item_ids)
    for assessment_id, item_id, level in levels:
        if assessment_id in answers:
            answers[assessment_id][item_id] = level
    members = [(band_of[a], answers[a]) for a in band_of]
    return membership_shares(members, catalog=catalog)
