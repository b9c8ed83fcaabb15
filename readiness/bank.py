"""Load and validate the question bank (data/bank/<version>/).

A bank is a folder: bank.yaml (version, method, stages, gate, segments, pillars and dimensions)
and one items_<PILLAR>.yaml per pillar. Anything malformed raises BankError naming file, item and
field. Several versions ship side by side: new assessments use the current one (`default_bank`), a
stored assessment is read with the bank of its own version (`bank_for_version`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from readiness import reference, strict_yaml
from readiness.paths import DATA_DIR

BANKS_DIR = DATA_DIR / "bank"
CURRENT_VERSION_DIR = "v2"
DEFAULT_BANK_DIR = BANKS_DIR / CURRENT_VERSION_DIR
LEVELS = range(0, 6)
QUICK_PER_PILLAR = 3
DEFAULT_SEGMENT = "component"
# Roles whose product is the company's own: their division and products choose the segment. A
# company that only supplies upstream roles (materials, parts, packaging) is a component maker.
OWN_PRODUCT_ROLES = frozenset({"final_product", "after_sales"})


class BankError(ValueError):
    """A malformed question bank; the message names file, item and field."""


class Strict(BaseModel):
    """Frozen, and any unknown field is an error: for data files staff edit by hand."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    ko: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    @field_validator("ko", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


class Stage(Strict):
    id: Literal["beginner", "promising", "leading", "champion"]
    min: Annotated[float, Field(ge=0, le=100)]
    name: Text
    description: Text


class Gate(Strict):
    stage: str
    min_pillar_score: Annotated[float, Field(ge=0, le=100)]


class Method(Strict):
    """The published completeness rule and the quick scan's ceiling (docs/method.md)."""

    min_level_share: Annotated[float, Field(gt=0, le=1)] = 0.66
    quick_max_stage: str = "leading"

    def min_levels(self, items_in_scope: int) -> int:
        """How many items of a pillar need a level before the pillar gets a score."""
        return max(1, math.ceil(self.min_level_share * items_in_scope - 1e-9))


class Segment(Strict):
    """A kind of maker that sees its own ladder on items with variants (`Bank.segment_for`)."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Text
    ksic: list[str] = []
    products_any: list[str] = []
    default: bool = False


class Dimension(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Text
    importance: Annotated[float, Field(gt=0, le=5)] = 1.0


class Pillar(Strict):
    id: Annotated[str, Field(pattern=r"^[A-Z]{2,4}$")]
    weight: Annotated[float, Field(gt=0)]
    name: Text
    description: Text
    dimensions: Annotated[list[Dimension], Field(min_length=1)]


class Example(Strict):
    """A sector's own example for an item's help text, shown to companies in these divisions
    (and, where `segments` is given, only to those segments: C20 holds cosmetics and chemicals)."""

    ksic: Annotated[list[str], Field(min_length=1)]
    segments: list[str] = []
    text: Text


class Variant(Strict):
    """A segment's own wording and ladder for an item; scored on the same 0-5 scale."""

    text: Text
    help: Text
    levels: Annotated[list[Text], Field(min_length=6, max_length=6)]
    actions: Annotated[list[Text], Field(min_length=5, max_length=5)]


class Item(Strict):
    id: Annotated[str, Field(pattern=r"^[A-Z]{2,4}\d{2}$")]
    dimension: str
    weight: Annotated[float, Field(gt=0, le=5)]
    quick: bool
    critical: bool
    text: Text
    help: Text
    levels: Annotated[list[Text], Field(min_length=6, max_length=6)]
    actions: Annotated[list[Text], Field(min_length=5, max_length=5)]
    v1: Annotated[str | None, Field(pattern=r"^[A-Z]{2,4}\d{2}$")] = None
    examples: list[Example] = []
    variants: dict[str, Variant] = {}
    pillar: str = ""

    @property
    def allows_na(self) -> bool:
        """Critical items are never offered "not applicable"."""
        return not self.critical

    def for_segment(self, segment: str | None) -> Item:
        """The item as a company of `segment` sees it: its variant's text, help, levels, actions."""
        variant = self.variants.get(segment or "")
        if variant is None:
            return self
        return self.model_copy(
            update={name: getattr(variant, name) for name in Variant.model_fields}
        )

    def examples_for(self, ksic: str | None, segment: str | None = None) -> list[Text]:
        return [
            e.text
            for e in self.examples
            if ksic in e.ksic and (not e.segments or segment in e.segments)
        ]

    def level_text(self, level: int, lang: str) -> str:
        return self.levels[level].get(lang)

    def next_action(self, level: int, lang: str) -> str | None:
        """The action that takes a company from `level` to the next, or None at the top."""
        return self.actions[level].get(lang) if 0 <= level < 5 else None


class _BankFile(Strict):
    version: Annotated[str, Field(min_length=1)]
    title: Text
    method: Method = Method()
    stages: Annotated[list[Stage], Field(min_length=4, max_length=4)]
    gate: Gate
    segments: list[Segment] = []
    pillars: Annotated[list[Pillar], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> _BankFile:
        mins = [s.min for s in self.stages]
        if mins[0] != 0 or mins != sorted(mins) or len(set(mins)) != len(mins):
            raise ValueError("stages: thresholds must start at 0 and strictly increase")
        if self.gate.stage not in {s.id for s in self.stages}:
            raise ValueError(f"gate.stage: unknown stage {self.gate.stage!r}")
        if self.method.quick_max_stage not in {s.id for s in self.stages}:
            stage = self.method.quick_max_stage
            raise ValueError(f"method.quick_max_stage: unknown stage {stage!r}")
        ids = [p.id for p in self.pillars]
        if len(set(ids)) != len(ids):
            raise ValueError("pillars: duplicate pillar id")
        if self.segments and sum(s.default for s in self.segments) != 1:
            raise ValueError("segments: exactly one segment must be the default")
        return self


class _ItemsFile(Strict):
    pillar: str
    items: Annotated[list[Item], Field(min_length=1)]


class Bank(Strict):
    version: str
    title: Text
    method: Method = Method()
    stages: list[Stage]
    gate: Gate
    segments: list[Segment] = []
    pillars: list[Pillar]
    items: list[Item]

    @property
    def pillar_ids(self) -> list[str]:
        return [p.id for p in self.pillars]

    def pillar(self, pillar_id: str) -> Pillar:
        return next(p for p in self.pillars if p.id == pillar_id)

    def item(self, item_id: str) -> Item:
        return self._item_index[item_id]

    def items_of(self, pillar_id: str, *, quick_only: bool = False) -> list[Item]:
        return [i for i in self.items if i.pillar == pillar_id and (i.quick or not quick_only)]

    def item_ids(self, *, quick_only: bool = False) -> list[str]:
        return [i.id for i in self.items if i.quick or not quick_only]

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.stages if s.id == stage_id)

    def dimension(self, pillar_id: str, dimension_id: str) -> Dimension:
        return next(d for d in self.pillar(pillar_id).dimensions if d.id == dimension_id)

    def dimension_name(self, pillar_id: str, dimension_id: str, lang: str) -> str:
        return self.dimension(pillar_id, dimension_id).name.get(lang)

    def item_view(self, item_id: str, segment: str | None) -> Item:
        """An item as a company of `segment` reads it."""
        return self.item(item_id).for_segment(segment)

    def segment_for(
        self, ksic: str | None, roles: Iterable[str] = (), products: str | None = ""
    ) -> str | None:
        """Which segment's ladders a company sees; None for a bank without segments.

        A company that names roles, none of them its own product (final product, after-sales), is a
        supplier: the default segment. Otherwise the first segment listing its division, or whose
        product words appear in its products, else the default.
        """
        if not self.segments:
            return None
        default = next(s.id for s in self.segments if s.default)
        roles = set(roles)
        if roles and not roles & OWN_PRODUCT_ROLES:
            return default
        words = (products or "").casefold()
        for segment in self.segments:
            if ksic in segment.ksic or any(w.casefold() in words for w in segment.products_any):
                return segment.id
        return default

    @cached_property
    def _item_index(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    @cached_property
    def known_item_ids(self) -> frozenset[str]:
        return frozenset(self._item_index)

    @cached_property
    def _scopes(self) -> dict[tuple[str, bool], list[Item]]:
        return {
            (p.id, quick): self.items_of(p.id, quick_only=quick)
            for p in self.pillars
            for quick in (False, True)
        }

    def scope(self, pillar_id: str, quick_only: bool) -> list[Item]:
        """The items of a pillar that count in a full assessment or a quick scan (computed once)."""
        return self._scopes[(pillar_id, quick_only)]

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2)


def _read_yaml(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as fh:
            return strict_yaml.safe_load(fh)
    except FileNotFoundError:
        raise BankError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise BankError(f"{path}: not valid YAML: {exc}") from None


def _describe(path: Path, exc: ValidationError, raw: Any) -> str:
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            try:
                item_id = raw["items"][loc[1]].get("id", f"#{loc[1] + 1}")
            except (KeyError, IndexError, TypeError, AttributeError):
                item_id = f"#{loc[1] + 1}"
            where = f"item {item_id}, "
            loc = loc[2:]
        field = ".".join(str(part) for part in loc) or "(file)"
        lines.append(f"{path}: {where}field {field}: {err['msg']}")
    return "\n".join(lines)


def _parse(model: type[BaseModel], path: Path) -> BaseModel:
    raw = _read_yaml(path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise BankError(_describe(path, exc, raw)) from None


def load_bank(path: Path | str | None = None) -> Bank:
    """Load and validate a bank folder; raises BankError naming file, item and field."""
    folder = Path(path) if path else DEFAULT_BANK_DIR
    if folder.is_file():
        folder = folder.parent
    meta_path = folder / "bank.yaml"
    meta = _parse(_BankFile, meta_path)
    assert isinstance(meta, _BankFile)
    problems: list[str] = []
    items: list[Item] = []
    seen: set[str] = set()
    segment_ids = {s.id for s in meta.segments}
    ksic_codes = set(reference.ksic_codes())
    for segment in meta.segments:
        unknown = [k for k in segment.ksic if k not in ksic_codes]
        if unknown:
            problems.append(
                f"{meta_path}: segment {segment.id}, field ksic: unknown division(s) "
                f"{', '.join(unknown)}"
            )
    for pillar in meta.pillars:
        items_path = folder / f"items_{pillar.id}.yaml"
        parsed = _parse(_ItemsFile, items_path)
        assert isinstance(parsed, _ItemsFile)
        if parsed.pillar != pillar.id:
            problems.append(f"{items_path}: field pillar: expected {pillar.id!r}")
        dims = {d.id for d in pillar.dimensions}
        for item in parsed.items:
            where = f"{items_path}: item {item.id}"
            if not item.id.startswith(pillar.id) or not item.id[len(pillar.id) :].isdigit():
                problems.append(f"{where}, field id: must be {pillar.id} followed by two digits")
            if item.id in seen:
                problems.append(f"{where}, field id: duplicate item id")
            seen.add(item.id)
            if item.dimension not in dims:
                problems.append(
                    f"{where}, field dimension: {item.dimension!r} is not a dimension of "
                    f"{pillar.id} ({', '.join(sorted(dims))})"
                )
            for segment_id in item.variants:
                if segment_id not in segment_ids:
                    problems.append(
                        f"{where}, field variants.{segment_id}: not a segment of the bank "
                        f"({', '.join(sorted(segment_ids)) or 'none declared'})"
                    )
            for n, example in enumerate(item.examples):
                unknown = [k for k in example.ksic if k not in ksic_codes]
                unknown += [sid for sid in example.segments if sid not in segment_ids]
                if unknown:
                    problems.append(
                        f"{where}, field examples.{n}.ksic: "
                        f"unknown division(s) or segment(s) {', '.join(unknown)}"
                    )
            items.append(item.model_copy(update={"pillar": pillar.id}))
        quick = sum(1 for i in parsed.items if i.quick)
        if quick != QUICK_PER_PILLAR:
            problems.append(
                f"{items_path}: field quick: exactly {QUICK_PER_PILLAR} quick-scan items "
                f"per pillar, found {quick}"
            )
        if not any(i.critical for i in parsed.items):
            problems.append(f"{items_path}: field critical: at least one critical item per pillar")
        for dim in pillar.dimensions:
            if not any(i.dimension == dim.id for i in parsed.items):
                problems.append(f"{items_path}: dimension {dim.id}: no item measures it")
    if problems:
        raise BankError("\n".join(problems))
    return Bank(
        version=meta.version,
        title=meta.title,
        method=meta.method,
        stages=meta.stages,
        gate=meta.gate,
        segments=meta.segments,
        pillars=meta.pillars,
        items=items,
    )


@lru_cache(maxsize=4)
def default_bank() -> Bank:
    """The current bank (data/bank/v2), loaded once per process."""
    return load_bank(DEFAULT_BANK_DIR)


@lru_cache(maxsize=8)
def bank_for_version(version: str) -> Bank:
    """The shipped bank whose `version` is this one (stored assessments keep theirs).

    Raises BankError when no shipped bank has that version.
    """
    current = default_bank()
    if current.version == version:
        return current
    for folder in sorted(BANKS_DIR.iterdir()):
        meta = folder / "bank.yaml"
        if folder.is_dir() and meta.is_file() and _version_of(meta) == version:
            return load_bank(folder)
    raise BankError(f"no shipped question bank has version {version!r}")


def _version_of(meta: Path) -> str | None:
    raw = _read_yaml(meta)
    return str(raw.get("version")) if isinstance(raw, dict) else None
