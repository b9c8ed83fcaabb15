"""Load and validate the question bank (data/bank/<version>/).

A bank is a folder: bank.yaml (version, stages, gate, pillars and their dimensions) and one
items_<PILLAR>.yaml per pillar. Anything malformed raises BankError naming file, item and field.
"""

from __future__ import annotations

import json
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from readiness import strict_yaml
from readiness.paths import DATA_DIR

DEFAULT_BANK_DIR = DATA_DIR / "bank" / "v1"
LEVELS = range(0, 6)
QUICK_PER_PILLAR = 3


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


class Dimension(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Text


class Pillar(Strict):
    id: Annotated[str, Field(pattern=r"^[A-Z]{2,4}$")]
    weight: Annotated[float, Field(gt=0)]
    name: Text
    description: Text
    dimensions: Annotated[list[Dimension], Field(min_length=1)]


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
    pillar: str = ""

    def level_text(self, level: int, lang: str) -> str:
        return self.levels[level].get(lang)

    def next_action(self, level: int, lang: str) -> str | None:
        """The action that takes a company from `level` to the next, or None at the top."""
        return self.actions[level].get(lang) if 0 <= level < 5 else None


class _BankFile(Strict):
    version: Annotated[str, Field(min_length=1)]
    title: Text
    stages: Annotated[list[Stage], Field(min_length=4, max_length=4)]
    gate: Gate
    pillars: Annotated[list[Pillar], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> _BankFile:
        mins = [s.min for s in self.stages]
        if mins[0] != 0 or mins != sorted(mins) or len(set(mins)) != len(mins):
            raise ValueError("stages: thresholds must start at 0 and strictly increase")
        if self.gate.stage not in {s.id for s in self.stages}:
            raise ValueError(f"gate.stage: unknown stage {self.gate.stage!r}")
        ids = [p.id for p in self.pillars]
        if len(set(ids)) != len(ids):
            raise ValueError("pillars: duplicate pillar id")
        return self


class _ItemsFile(Strict):
    pillar: str
    items: Annotated[list[Item], Field(min_length=1)]


class Bank(Strict):
    version: str
    title: Text
    stages: list[Stage]
    gate: Gate
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

    def dimension_name(self, pillar_id: str, dimension_id: str, lang: str) -> str:
        dim = next(d for d in self.pillar(pillar_id).dimensions if d.id == dimension_id)
        return dim.name.get(lang)

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
            items.append(item.model_copy(update={"pillar": pillar.id}))
        quick = sum(1 for i in parsed.items if i.quick)
        if quick != QUICK_PER_PILLAR:
            problems.append(
                f"{items_path}: field quick: exactly {QUICK_PER_PILLAR} quick-scan items "
                f"per pillar, found {quick}"
            )
        if not any(i.critical for i in parsed.items):
            problems.append(f"{items_path}: field critical: at least one critical item per pillar")
    if problems:
        raise BankError("\n".join(problems))
    return Bank(
        version=meta.version,
        title=meta.title,
        stages=meta.stages,
        gate=meta.gate,
        pillars=meta.pillars,
        items=items,
    )


@lru_cache(maxsize=4)
def default_bank() -> Bank:
    """The bank in data/bank/v1, loaded once per process."""
    return load_bank(DEFAULT_BANK_DIR)
