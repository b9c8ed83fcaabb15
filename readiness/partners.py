"""Global partner types: which kinds of partner fit a company, and why (DESIGN.md, partners).

The catalog (data/partners.yaml) is data. Each type has bilingual texts (name, what, when, prepare,
first_steps), optional `requires` conditions that must all hold for it to be suggested at all, and
weighted `rules`, each with a condition (`when`) and a reason template. A condition is a mapping
with exactly one of these keys:

    {item: EXP06, min: 0, max: 1}     item level in range (bounds inclusive; give min, max or both)
    {pillar: EXP, max: 40}            pillar score 0-100
    {overall: {min: 50}}              overall score 0-100
    {stage: [beginner, promising]}    stage (after the gate)
    {employees: {max: 49}}            head count
    {export_share: {max: 0.05}}       share of sales abroad, 0-1
    {markets_any: [US, CN]}           the profile names at least one of these markets
    {markets_count: {min: 1}}         how many markets the profile names
    {roles_any: [components]}         the profile has at least one of these value-chain roles
    {ksic_any: [C28, C29]}            the profile's KSIC division is one of these
    {segment: [equipment]}            the profile's segment (Bank.segment_for: equipment,
                                      component or consumer, from division, roles and products)
    {all: [...]} / {any: [...]}       every / at least one of the listed conditions

A fact that is not known never satisfies a condition: an item answered N/A or left unanswered, a
pillar without a score, a profile without an export share. `any` is allowed in `requires` only: a
rule's reason cites every fact its condition looks at, and under `any` some of those may not hold
(write one rule per alternative instead).

Groups. Every type is either a `market` partner (who sells, distributes, makes or serves abroad with
you) or a `capability` partner (who builds a capability: technology, integration, consultancy);
suggestions carry the group so pages show the two apart.

Catalogs per bank version. A catalog names the bank version it is written for (`bank`); the
shipped catalogs are data/partners.yaml (the current bank) and data/partners_v1.yaml (stored v1
assessments), and `load_catalog(bank=...)` picks the one for that bank.

Fit. Every rule has a weight w in [-1, 1] other than 0: positive rules are signals for the type,
negative ones are cautions against it. For a company

    raw = sum of w over the rules whose condition holds
    fit = min(1, max(0, raw))

so signals that add up to 1 or more make a full fit. A type is suggested only when all its
`requires` hold, at least one positive rule holds (there is always a reason) and fit > 0.
Suggestions are sorted by fit, then by raw (more evidence first), then by type id.

Reasons are the templates of the positive rules that hold, strongest first (cautions likewise, from
the negative ones), with placeholders filled in: {EXP06} (item id, short dimension name and level),
{EXP} (pillar score), {overall}, {stage}, {employees}, {export_share}, {markets}, {roles}, {ksic}.
The loader checks that each template names, in both languages, every item, pillar and profile fact
its condition looks at, so a reason always says what triggered it. A suggestion carries each reason
as a `Reason` (template and phrases) that the page, PDF or CLI renders in the reader's language;
the phrases are catalog messages (data/i18n, partner_reason.*). A reason must not name a fact its
condition does not look at, so it cites only what triggered it. An item reads as its plain name
(the catalog's `items` names, else its dimension's name) and its level: "direct export share at
level 1", ko "직접 수출 비중 수준 1" (단계 is kept for the company's stage); never its code. In
Korean the particle after a placeholder follows the phrase's last sound ("수준 3으로", "수준 2로").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator

from readiness import reference, strict_yaml
from readiness.bank import Bank, BankError, Strict, Text, bank_for_version, default_bank
from readiness.i18n import (
    LANGS,
    Localized,
    Message,
    Param,
    as_data,
    check_lang,
    localize,
    mid_sentence,
    t,
)
from readiness.paths import DATA_DIR
from readiness.scoring import Answers, Result, score_assessment, validate_answers

DEFAULT_CATALOG = DATA_DIR / "partners.yaml"
SHIPPED_CATALOGS = (DEFAULT_CATALOG, DATA_DIR / "partners_v1.yaml")
GROUPS = ("market", "capability")

_RANGES: dict[str, tuple[float, float | None, bool]] = {  # kind -> (lowest, highest, whole numbers)
    "item": (0, 5, True),
    "pillar": (0, 100, False),
    "overall": (0, 100, False),
    "employees": (1, None, True),
    "export_share": (0, 1, False),
    "markets_count": (0, None, True),
}
_LISTS = ("stage", "markets_any", "roles_any", "ksic_any", "segment")
_COMBINATIONS = ("all", "any")
KINDS = (*_RANGES, *_LISTS, *_COMBINATIONS)
PROFILE_FACTS = (
    "overall",
    "stage",
    "employees",
    "export_share",
    "markets",
    "roles",
    "ksic",
    "segment",
)
_FACT_OF = {
    "markets_any": "markets",
    "markets_count": "markets",
    "roles_any": "roles",
    "ksic_any": "ksic",
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

Condition = dict[str, Any]


class CatalogError(ValueError):
    """A malformed partner catalog; the message names file, type, rule and field."""


class Rule(Strict):
    when: Condition
    weight: Annotated[float, Field(ge=-1, le=1)]
    reason: Text

    @field_validator("weight")
    @classmethod
    def _not_zero(cls, value: float) -> float:
        if value == 0:
            raise ValueError("must not be 0 (positive: a signal for the type; negative: a caution)")
        return value


class PartnerType(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    group: Literal["market", "capability"]
    name: Text
    what: Text
    when: Text
    prepare: Text
    first_steps: Annotated[list[Text], Field(min_length=2, max_length=4)]
    requires: list[Condition] = Field(default_factory=list)
    rules: Annotated[list[Rule], Field(min_length=1)]


class Catalog(Strict):
    version: Annotated[str, Field(min_length=1)]
    bank: Annotated[str, Field(min_length=1)]  # the bank version whose items the rules name
    items: dict[str, Text] = Field(default_factory=dict)  # plain item names for reasons
    types: Annotated[list[PartnerType], Field(min_length=1)]

    @property
    def type_ids(self) -> list[str]:
        return [t.id for t in self.types]

    def type(self, type_id: str) -> PartnerType:
        return next(t for t in self.types if t.id == type_id)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2)


# --- validation -----------------------------------------------------------------------------------


def _bounds_problems(bounds: Mapping[str, Any], at: str, kind: str) -> list[str]:
    low, high, whole = _RANGES[kind]
    problems = [
        f"{at}.{key}: unknown operator {key!r}; use min and/or max"
        for key in bounds
        if key not in ("min", "max")
    ]
    given = {op: bounds[op] for op in ("min", "max") if op in bounds}
    if not given:
        return [*problems, f"{at}: give min, max or both"]
    span = f"{low:g} or more" if high is None else f"between {low:g} and {high:g}"
    for op, value in given.items():
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or (whole and value != int(value)):
            problems.append(
                f"{at}.{op}: must be a {'whole ' if whole else ''}number, got {value!r}"
            )
        elif value < low or (high is not None and value > high):
            problems.append(f"{at}.{op}: must be {span}, got {value!r}")
    if not problems and len(given) == 2 and given["min"] > given["max"]:
        problems.append(f"{at}: min {given['min']!r} is above max {given['max']!r}")
    return problems


def _known_values(kind: str, bank: Bank) -> list[str]:
    if kind == "stage":
        return [s.id for s in bank.stages]
    if kind == "markets_any":
        return reference.market_ids()
    if kind == "roles_any":
        return reference.role_ids()
    if kind == "segment":
        return [s.id for s in bank.segments]
    return reference.ksic_codes()


def _condition_problems(cond: object, bank: Bank, at: str, *, rule: bool = False) -> list[str]:
    """Everything wrong with one condition, each as 'path: message'; `rule`: a rule's `when`."""
    if not isinstance(cond, dict) or not cond:
        return [f"{at}: a condition is a mapping with one key, such as {{item: EXP06, max: 1}}"]
    kinds = [key for key in cond if key in KINDS]
    if len(kinds) > 1:
        found = " and ".join(kinds)
        return [f"{at}: one condition per mapping, found {found}; combine them with all: [...]"]
    if not kinds:
        given = ", ".join(repr(k) for k in cond)
        return [f"{at}: unknown condition {given}; expected one of {', '.join(KINDS)}"]
    kind = kinds[0]
    value = cond[kind]
    if kind in ("item", "pillar"):
        known = bank.known_item_ids if kind == "item" else bank.pillar_ids
        problems = []
        if not isinstance(value, str) or value not in known:
            problems.append(f"{at}.{kind}: unknown {kind} id {value!r} in bank {bank.version}")
        rest = {k: v for k, v in cond.items() if k != kind}
        return problems + _bounds_problems(rest, at, kind)
    extra = [k for k in cond if k != kind]
    if extra:
        return [f"{at}.{extra[0]}: unknown key next to {kind}; one condition per mapping"]
    if kind in _RANGES:
        if not isinstance(value, dict):
            return [f"{at}.{kind}: expected {{min: ..., max: ...}}, got {value!r}"]
        return _bounds_problems(value, f"{at}.{kind}", kind)
    if not isinstance(value, list) or not value:
        return [f"{at}.{kind}: expected a non-empty list, got {value!r}"]
    if kind == "any" and rule:
        return [
            f"{at}.any: a rule's reason would cite alternatives that did not hold; "
            "write one rule per alternative (any is allowed in requires)"
        ]
    if kind in _COMBINATIONS:
        return [
            problem
            for n, sub in enumerate(value)
            for problem in _condition_problems(sub, bank, f"{at}.{kind}[{n}]", rule=rule)
        ]
    known = _known_values(kind, bank)
    if not known:
        return [f"{at}.{kind}: bank {bank.version} declares no {kind} values"]
    unknown = [v for v in value if v not in known]
    if unknown:
        return [f"{at}.{kind}: unknown value(s) {', '.join(map(repr, unknown))}"]
    return []


def _kind(cond: Condition) -> str:
    return next(key for key in cond if key in KINDS)


def _references(cond: Condition) -> set[str]:
    """The placeholders a reason must contain: what the condition looks at."""
    kind = _kind(cond)
    if kind in _COMBINATIONS:
        return set().union(*(_references(sub) for sub in cond[kind]))
    if kind in ("item", "pillar"):
        return {cond[kind]}
    return {_FACT_OF.get(kind, kind)}


def _template_problems(rule: Rule, bank: Bank) -> list[str]:
    allowed = {*bank.known_item_ids, *bank.pillar_ids, *PROFILE_FACTS}
    needed = sorted(_references(rule.when))
    problems = []
    for lang in LANGS:
        text = rule.reason.get(lang)
        names = _PLACEHOLDER.findall(text)
        unknown = [n for n in names if n not in allowed]
        if unknown:
            problems.append(f"reason.{lang}: unknown placeholder {{{unknown[0]}}}")
        elif "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
            problems.append(f"reason.{lang}: a brace without a placeholder name")
        missing = [n for n in needed if n not in names]
        if missing:
            listed = ", ".join(f"{{{n}}}" for n in missing)
            problems.append(f"reason.{lang}: must name {listed}, which the condition looks at")
        extra = [n for n in dict.fromkeys(names) if n in allowed and n not in needed]
        if extra:
            listed = ", ".join(f"{{{n}}}" for n in extra)
            problems.append(
                f"reason.{lang}: names {listed}, which the condition does not look at; "
                "a reason cites only what triggered it"
            )
    return problems


def _describe(source: str, exc: ValidationError, raw: Any) -> str:
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "types" and isinstance(loc[1], int):
            try:
                type_id = raw["types"][loc[1]].get("id") or f"#{loc[1] + 1}"
            except (KeyError, IndexError, TypeError, AttributeError):
                type_id = f"#{loc[1] + 1}"
            where = f"type {type_id}, "
            loc = loc[2:]
            if len(loc) >= 2 and loc[0] in ("rules", "requires") and isinstance(loc[1], int):
                where += f"{'rule' if loc[0] == 'rules' else 'requirement'} {loc[1] + 1}, "
                loc = loc[2:] if loc[0] == "rules" else ["requires", *loc[2:]]
        field = ".".join(str(part) for part in loc) or "(file)"
        lines.append(f"{source}: {where}field {field}: {err['msg']}")
    return "\n".join(lines)


def parse_catalog(raw: object, *, bank: Bank, source: str = "<catalog>") -> Catalog:
    """Validate a catalog read from YAML; raises CatalogError naming type, rule and field."""
    try:
        catalog = Catalog.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError(_describe(source, exc, raw)) from None
    problems: list[str] = []
    if catalog.bank != bank.version:
        problems.append(
            f"{source}: field bank: the catalog is written for bank {catalog.bank!r}, "
            f"checked against bank {bank.version!r}"
        )
    for item_id in catalog.items:
        if item_id not in bank.known_item_ids:
            problems.append(
                f"{source}: field items.{item_id}: unknown item id in bank {bank.version}"
            )
    if problems:
        raise CatalogError("\n".join(problems))
    seen: set[str] = set()
    for ptype in catalog.types:
        where = f"{source}: type {ptype.id}"
        if ptype.id in seen:
            problems.append(f"{where}, field id: duplicate type id")
        seen.add(ptype.id)
        for n, cond in enumerate(ptype.requires, start=1):
            for problem in _condition_problems(cond, bank, "requires"):
                problems.append(f"{where}, requirement {n}, field {problem}")
        for n, rule in enumerate(ptype.rules, start=1):
            found = _condition_problems(rule.when, bank, "when", rule=True)
            found = found or _template_problems(rule, bank)
            problems.extend(f"{where}, rule {n}, field {problem}" for problem in found)
        if not any(rule.weight > 0 for rule in ptype.rules):
            problems.append(f"{where}, field rules: needs at least one rule with a positive weight")
    if problems:
        raise CatalogError("\n".join(problems))
    return catalog


def _load(path: Path, bank: Bank) -> Catalog:
    try:
        with path.open(encoding="utf-8") as fh:
            raw = strict_yaml.safe_load(fh)
    except FileNotFoundError:
        raise CatalogError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from None
    return parse_catalog(raw, bank=bank, source=str(path))


def _catalog_bank(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8") as fh:
            raw = strict_yaml.safe_load(fh)
    except (OSError, yaml.YAMLError):
        return None
    return str(raw.get("bank")) if isinstance(raw, dict) and "bank" in raw else None


def shipped_catalog_path(bank_version: str) -> Path:
    """The shipped catalog written for this bank version; raises CatalogError when none is."""
    for path in SHIPPED_CATALOGS:
        if _catalog_bank(path) == bank_version:
            return path
    raise CatalogError(f"no shipped partner catalog is written for bank {bank_version!r}")


@lru_cache(maxsize=4)
def _shipped_catalog(bank_version: str) -> Catalog:
    return _load(shipped_catalog_path(bank_version), bank_for_version(bank_version))


def default_catalog() -> Catalog:
    """The shipped catalog for the current bank, checked against it, loaded once per process."""
    return _shipped_catalog(default_bank().version)


def _is_shipped(bank: Bank) -> bool:
    try:
        return bank_for_version(bank.version) is bank
    except BankError:
        return False


def load_catalog(path: Path | str | None = None, *, bank: Bank | None = None) -> Catalog:
    """Load and validate a catalog; raises CatalogError.

    Without a path: the shipped catalog written for `bank` (default: the current bank), cached
    for the shipped banks. With a path: that file, checked against `bank`, by default the shipped
    bank of the version the file names (else the current bank).
    """
    if path is None:
        if bank is None or _is_shipped(bank):
            return _shipped_catalog((bank or default_bank()).version)
        return _load(shipped_catalog_path(bank.version), bank)
    path = Path(path)
    if bank is None:
        declared = _catalog_bank(path)
        try:
            bank = bank_for_version(declared) if declared else default_bank()
        except BankError:
            bank = default_bank()
    return _load(path, bank)


# --- evaluation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    answers: Answers
    pillars: Mapping[str, float | None]
    overall: float | None
    stage: str | None
    ksic: str | None
    employees: int | None
    export_share: float | None
    markets: tuple[str, ...]
    roles: tuple[str, ...]
    segment: str | None


def _profile_value(profile: Mapping[str, Any] | object, name: str) -> Any:
    if isinstance(profile, Mapping):
        return profile.get(name)
    return getattr(profile, name, None)


def _facts(
    profile: Mapping[str, Any] | object, answers: Answers, result: Result, bank: Bank
) -> _Facts:
    ksic = _profile_value(profile, "ksic")
    ksic = str(ksic).strip().upper() if ksic is not None else None
    if ksic and ksic.isdigit():
        ksic = f"C{ksic}"
    employees = _profile_value(profile, "employees")
    share = _profile_value(profile, "export_share")
    roles = tuple(_profile_value(profile, "roles") or ())
    products = _profile_value(profile, "products")
    return _Facts(
        answers=answers,
        pillars={pid: p.score for pid, p in result.pillars.items()},
        overall=result.overall,
        stage=result.stage,
        ksic=ksic,
        employees=int(employees) if employees is not None else None,
        export_share=float(share) if share is not None else None,
        markets=tuple(_profile_value(profile, "markets") or ()),
        roles=roles,
        segment=bank.segment_for(ksic, roles, products) if ksic else None,
    )


def _in_range(value: float | None, bounds: Mapping[str, float]) -> bool:
    if value is None:
        return False
    return bounds.get("min", value) <= value <= bounds.get("max", value)


def _holds(cond: Condition, facts: _Facts) -> bool:
    kind = _kind(cond)
    if kind == "all":
        return all(_holds(sub, facts) for sub in cond["all"])
    if kind == "any":
        return any(_holds(sub, facts) for sub in cond["any"])
    if kind == "item":
        return _in_range(facts.answers.get(cond["item"]), cond)
    if kind == "pillar":
        return _in_range(facts.pillars.get(cond["pillar"]), cond)
    if kind == "markets_count":
        return _in_range(len(facts.markets), cond[kind])
    if kind in _RANGES:
        return _in_range(getattr(facts, kind), cond[kind])
    if kind == "stage":
        return facts.stage in cond["stage"]
    if kind == "markets_any":
        return bool(set(cond[kind]) & set(facts.markets))
    if kind == "roles_any":
        return bool(set(cond[kind]) & set(facts.roles))
    if kind == "segment":
        return facts.segment in cond["segment"]
    return facts.ksic in cond["ksic_any"]


# --- reasons -------------------------------------------------------------------------------------


# Korean particles whose form follows the last sound of the word before them: (after a final
# consonant, after a vowel). 으로/로 also takes 로 after a final ㄹ.
_PARTICLES = (
    ("으로", "로"),
    ("은", "는"),
    ("을", "를"),
    ("과", "와"),
    ("이라", "라"),
    ("이", "가"),
)
_DIGIT_FINAL = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}


def _final_sound(word: str) -> int:
    """The final consonant (jongseong index, 0 = none, 8 = ㄹ) of a phrase as read aloud."""
    word = word.rstrip()
    while word.endswith(")") and "(" in word:
        word = word[: word.rindex("(")].rstrip()
    if not word:
        return 0
    last = word[-1]
    if "\uac00" <= last <= "\ud7a3":
        return (ord(last) - 0xAC00) % 28
    if last in _DIGIT_FINAL:
        return _DIGIT_FINAL[last]
    return {"l": 8, "m": 16, "n": 4}.get(last.lower(), 0)


def _particle(word: str, rest: str) -> tuple[str, int]:
    """The particle that starts `rest`, in the form that fits `word`, and its length in `rest`."""
    final = _final_sound(word)
    for consonant, vowel in _PARTICLES:
        for form in (consonant, vowel):
            if not rest.startswith(form):
                continue
            after = rest[len(form) : len(form) + 1]
            if form in ("이", "가") and after and after.isalnum():
                return "", 0  # 이고, 이지만, 가장...: not the subject particle
            right = vowel if final == 0 or (consonant == "으로" and final == 8) else consonant
            return right, len(form)
    return "", 0


@dataclass(frozen=True)
class Reason:
    """Why a rule fired: its template from the catalog, each {placeholder} filled with a phrase
    (a Message, or names in every language), rendered in the reader's language. `facts` are the
    items, pillars and profile facts it cites: exactly those its rule's condition looks at."""

    template: Text
    phrases: Mapping[str, Message | Localized]
    facts: tuple[str, ...] = ()

    def render(self, lang: str) -> str:
        template = self.template.get(lang)
        out: list[str] = []
        at = 0
        for match in _PLACEHOLDER.finditer(template):
            if match.start() < at:  # the particle consumed the start of this match: impossible
                continue
            out.append(template[at : match.start()])
            phrase = str(localize(self.phrases[match.group(1)], lang))
            out.append(phrase)
            at = match.end()
            if lang == "ko":
                particle, length = _particle(phrase, template[at:])
                out.append(particle)
                at += length
        out.append(template[at:])
        text = "".join(out)
        return text[:1].upper() + text[1:]

    def to_dict(self) -> dict[str, Any]:
        return {
            "template": self.template.model_dump(),
            "phrases": {name: as_data(phrase) for name, phrase in self.phrases.items()},
            "facts": list(self.facts),
        }


def _listed(cond: Condition, kind: str) -> set[str]:
    """Every value a condition lists under `kind`, at any depth."""
    key = _kind(cond)
    if key in _COMBINATIONS:
        return set().union(*(_listed(sub, kind) for sub in cond[key]))
    return set(cond[key]) if key == kind else set()


def _names(kind: str, ids: Sequence[str], lang: str) -> str:
    """Reference names joined; market names are proper nouns and keep their capitals."""
    names = [reference.label(kind, i, lang) for i in ids]
    if kind != "markets":
        names = [mid_sentence(n, lang) for n in names]
    if not names:
        return t("partner_reason.none", lang)
    return t("lists.separator", lang).join(names)


def _in_sentence(name: Callable[[str], str]) -> Localized:
    return Localized.of(lambda lang: mid_sentence(name(lang), lang))


def _phrase(
    name: str, cond: Condition, facts: _Facts, bank: Bank, catalog: Catalog
) -> Message | Localized:
    """The words for one placeholder."""
    if name in bank.known_item_ids:
        item = bank.item(name)
        plain = catalog.items.get(name)
        words: dict[str, Param] = {
            "name": _in_sentence(
                plain.get
                if plain is not None
                else lambda lang: bank.dimension_name(item.pillar, item.dimension, lang)
            ),
        }
        if name not in facts.answers:
            return Message("partner_reason.item_unanswered", words)
        level = facts.answers[name]
        if level is None:
            return Message("partner_reason.item_not_applicable", words)
        return Message("partner_reason.item_level", {**words, "level": level})
    if name in bank.pillar_ids:
        pillar = _in_sentence(bank.pillar(name).name.get)
        score = facts.pillars.get(name)
        if score is None:
            return Message("partner_reason.pillar_no_score", {"pillar": pillar})
        return Message("partner_reason.pillar", {"pillar": pillar, "score": score})
    if name == "overall":
        if facts.overall is None:
            return Message("partner_reason.overall_no_score")
        return Message("partner_reason.overall", {"score": facts.overall})
    if name == "stage":
        if facts.stage is None:
            return Message("partner_reason.stage_none")
        return Message("partner_reason.stage", {"stage": bank.stage(facts.stage).name})
    if name == "employees":
        n = facts.employees or 0
        return Message(
            "partner_reason.employees_one" if n == 1 else "partner_reason.employees", {"n": n}
        )
    if name == "export_share":
        if facts.export_share is None:
            return Message("partner_reason.export_share_none")
        return Message("partner_reason.export_share", {"pct": facts.export_share * 100})
    if name in ("markets", "roles"):
        own = facts.markets if name == "markets" else facts.roles
        listed = _listed(cond, f"{name}_any")
        shown = [v for v in own if v in listed] or list(own)
        kind = "markets" if name == "markets" else "value_chain_roles"
        return Localized.of(lambda lang: _names(kind, shown, lang))
    if name == "segment":
        segment = next((s for s in bank.segments if s.id == facts.segment), None)
        if segment is None:
            return Message("partner_reason.segment_none")
        return _in_sentence(segment.name.get)
    if facts.ksic is None:  # ksic
        return Message("partner_reason.ksic_none")
    ksic = facts.ksic
    label = _in_sentence(lambda lang: reference.label("ksic_divisions", ksic, lang))
    return Localized.of(lambda lang: f"{ksic} {label.get(lang)}")


def _reason(rule: Rule, facts: _Facts, bank: Bank, catalog: Catalog) -> Reason:
    names = tuple(dict.fromkeys(_PLACEHOLDER.findall(rule.reason.ko + rule.reason.en)))
    return Reason(
        rule.reason,
        {name: _phrase(name, rule.when, facts, bank, catalog) for name in names},
        facts=names,
    )


# --- suggestions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    type: str
    name: str
    fit: float  # 0-1
    reasons: tuple[Reason, ...]
    cautions: tuple[Reason, ...]
    what: str
    when: str
    prepare: str
    first_steps: tuple[str, ...]
    group: str = "market"  # "market" or "capability" (GROUPS): pages show the two apart

    def to_dict(self) -> dict[str, Any]:
        out = self.__dict__.copy()
        out["first_steps"] = list(self.first_steps)
        for key in ("reasons", "cautions"):
            out[key] = [reason.to_dict() for reason in out[key]]
        return out


def suggest(
    catalog: Catalog,
    bank: Bank,
    *,
    profile: Mapping[str, Any] | object,
    answers: Answers,
    scores: Result | None = None,
    lang: str = "ko",
    limit: int | None = None,
    group: str | None = None,
) -> list[Suggestion]:
    """The partner types that fit a company, best first: names and texts in `lang`, reasons and
    cautions as `Reason`s that the caller renders in the reader's language.

    `profile` is a mapping or a CompanyProfile-like object (ksic, employees, export_share, markets,
    roles, products; the segment comes from ksic, roles and products); `scores` defaults to
    score_assessment(bank, answers). `group` ("market" or "capability") keeps one group only, so a
    page can show each group with its own `limit`. See the module docstring for fit.
    """
    check_lang(lang)
    if group is not None and group not in GROUPS:
        raise ValueError(f"group must be one of {', '.join(GROUPS)}, got {group!r}")
    if scores is None:
        scores = score_assessment(bank, answers)
    else:
        validate_answers(bank, answers)
    facts = _facts(profile, answers, scores, bank)
    ranked: list[tuple[float, float, str, Suggestion]] = []
    for ptype in catalog.types:
        if group is not None and ptype.group != group:
            continue
        if not all(_holds(cond, facts) for cond in ptype.requires):
            continue
        fired = [rule for rule in ptype.rules if _holds(rule.when, facts)]
        signals = sorted((r for r in fired if r.weight > 0), key=lambda r: -r.weight)
        if not signals:
            continue
        cautions = sorted((r for r in fired if r.weight < 0), key=lambda r: r.weight)
        raw = round(sum(rule.weight for rule in fired), 9)
        fit = min(1.0, max(0.0, raw))
        if fit <= 0:
            continue
        suggestion = Suggestion(
            type=ptype.id,
            group=ptype.group,
            name=ptype.name.get(lang),
            fit=fit,
            reasons=tuple(_reason(rule, facts, bank, catalog) for rule in signals),
            cautions=tuple(_reason(rule, facts, bank, catalog) for rule in cautions),
            what=ptype.what.get(lang),
            when=ptype.when.get(lang),
            prepare=ptype.prepare.get(lang),
            first_steps=tuple(step.get(lang) for step in ptype.first_steps),
        )
        ranked.append((-fit, -raw, ptype.id, suggestion))
    ranked.sort(key=lambda row: row[:3])
    suggestions = [row[3] for row in ranked]
    return suggestions if limit is None else suggestions[:limit]
