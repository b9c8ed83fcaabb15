"""Value chains and roles: the chain catalog (data/chains.yaml), sector chains, role adjacency.

Chains. data/chains.yaml lists value chains: related KSIC divisions, the roles a cluster in the
chain should cover with the divisions that may play each, and the anchor role every proposal fills
(the finished product). Two members are in a related chain when they share a division or one chain
lists both divisions. Staff may also build around one sector (a KSIC division): its chain is the
division with every division related to it, the roles of those chains (each played by the divisions
any of them lists for it) and their anchor role, and at least one member of the sector.

Who plays a role. A member may play a role of a chain when its division is listed for the role and,
when it declared value-chain roles, the role is one of them (`Chain.playable`): a role comes from
the profile, never from scores.

Roles. Chain order is value_chain_roles in data/reference.yaml: raw_material -> components ->
final_product -> packaging_design -> distribution_export -> after_sales. Two roles are adjacent when
they are next to each other in that order; platform_software is adjacent to every role.

Role fit of a candidate B for a company A (see readiness.clusters.matching):

    new      = B's roles that A lacks
    role_fit = 1     when a role in `new` is next to one of A's roles in chain order
               0.75  when only through platform_software (adjacent to every role)
               0.5   when A has declared no role
               0     otherwise: B is no candidate
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, ValidationError

from readiness import reference, strict_yaml
from readiness.bank import Strict, Text
from readiness.i18n import Localized, mid_sentence
from readiness.paths import DATA_DIR

DEFAULT_CHAINS = DATA_DIR / "chains.yaml"
PLATFORM = "platform_software"
ROLE_DIRECT, ROLE_PLATFORM, ROLE_UNKNOWN = 1.0, 0.75, 0.5


class ChainError(ValueError):
    """A malformed chain file; the message names file, chain and field."""


class ClusterError(ValueError):
    """A cluster request that cannot be met (unknown chain, member not in the frame...)."""


# --- chains ---------------------------------------------------------------------------------------


class ChainSpec(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
    name: Text
    divisions: Annotated[list[str], Field(min_length=2)]
    anchor_role: str
    # role -> the divisions (of `divisions`) whose members may play it
    roles: Annotated[dict[str, Annotated[list[str], Field(min_length=1)]], Field(min_length=2)]


class ChainCatalog(Strict):
    version: Annotated[str, Field(min_length=1)]
    chains: Annotated[list[ChainSpec], Field(min_length=1)]

    @property
    def chain_ids(self) -> list[str]:
        return [c.id for c in self.chains]


@dataclass(frozen=True)
class Chain:
    """What a cluster is built in: divisions it draws on, roles it should cover (chain order),
    the divisions that may play each role (`players`, in the order of `roles`).

    `anchor_role`: the role every proposal fills (a chain of the file). `anchor` is set for a
    sector chain (a KSIC division): a proposal includes one of its members.
    """

    id: str
    name: Text
    divisions: tuple[str, ...]
    roles: tuple[str, ...]
    anchor: str | None = None
    players: tuple[tuple[str, ...], ...] = ()
    anchor_role: str | None = None

    def divisions_for(self, role: str) -> tuple[str, ...]:
        """The divisions whose members may play `role` in this chain."""
        return dict(zip(self.roles, self.players, strict=True)).get(role, ())

    def playable(self, ksic: str, declared: Sequence[str]) -> tuple[str, ...]:
        """The chain's roles a member of division `ksic` that declared `declared` may play, in
        chain order: its division fits the role and, when it declared roles, the role is one."""
        return tuple(
            role
            for role, divisions in zip(self.roles, self.players, strict=True)
            if ksic in divisions and (not declared or role in declared)
        )


def _listed(kind: str, values: Sequence[str], known: Sequence[str], where: str) -> list[str]:
    problems = []
    unknown = [v for v in values if v not in known]
    if unknown:
        problems.append(f"{where}, field {kind}: unknown value(s) {', '.join(map(repr, unknown))}")
    twice = sorted({v for v in values if values.count(v) > 1})
    if twice:
        problems.append(f"{where}, field {kind}: listed twice: {', '.join(twice)}")
    return problems


def _chain_problems(spec: ChainSpec, where: str) -> list[str]:
    problems = _listed("divisions", spec.divisions, reference.ksic_codes(), where)
    problems += _listed("roles", list(spec.roles), reference.role_ids(), where)
    for role, divisions in spec.roles.items():
        problems += _listed(f"roles.{role}", divisions, reference.ksic_codes(), where)
        outside = [d for d in divisions if d in reference.ksic_codes() and d not in spec.divisions]
        if outside:
            problems.append(
                f"{where}, field roles.{role}: not among the chain's divisions: "
                f"{', '.join(outside)}"
            )
    if spec.anchor_role not in spec.roles:
        problems.append(
            f"{where}, field anchor_role: {spec.anchor_role!r} is not one of the chain's roles"
        )
    return problems


def parse_chains(raw: Any, *, source: str = "<chains>") -> ChainCatalog:
    """Validate chains read from YAML; raises ChainError naming file, chain and field."""
    try:
        catalog = ChainCatalog.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = list(err["loc"])
            where = ""
            if len(loc) >= 2 and loc[0] == "chains" and isinstance(loc[1], int):
                try:
                    chain_id = raw["chains"][loc[1]].get("id") or f"#{loc[1] + 1}"
                except (KeyError, IndexError, TypeError, AttributeError):
                    chain_id = f"#{loc[1] + 1}"
                where, loc = f"chain {chain_id}, ", loc[2:]
            field_name = ".".join(str(part) for part in loc) or "(file)"
            lines.append(f"{source}: {where}field {field_name}: {err['msg']}")
        raise ChainError("\n".join(lines)) from None
    problems: list[str] = []
    seen: set[str] = set()
    for spec in catalog.chains:
        where = f"{source}: chain {spec.id}"
        if spec.id in seen:
            problems.append(f"{where}, field id: duplicate chain id")
        seen.add(spec.id)
        problems.extend(_chain_problems(spec, where))
    if problems:
        raise ChainError("\n".join(problems))
    return catalog


def _load_chains(path: Path) -> ChainCatalog:
    try:
        with path.open(encoding="utf-8") as fh:
            raw = strict_yaml.safe_load(fh)
    except FileNotFoundError:
        raise ChainError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise ChainError(f"{path}: not valid YAML: {exc}") from None
    return parse_chains(raw, source=str(path))


@lru_cache(maxsize=1)
def default_chains() -> ChainCatalog:
    """data/chains.yaml, validated, loaded once per process."""
    return _load_chains(DEFAULT_CHAINS)


def load_chains(path: Path | str | None = None) -> ChainCatalog:
    """Load and validate a chain file (default: data/chains.yaml, cached); raises ChainError."""
    return default_chains() if path is None else _load_chains(Path(path))


@lru_cache(maxsize=1)
def _role_order() -> dict[str, int]:
    return {role: n for n, role in enumerate(reference.role_ids())}


def in_chain_order(roles: Iterable[str]) -> tuple[str, ...]:
    """Known roles, each once, in chain order."""
    order = _role_order()
    return tuple(sorted({r for r in roles if r in order}, key=order.__getitem__))


def related_divisions(ksic: str, catalog: ChainCatalog | None = None) -> tuple[str, ...]:
    """The division itself and every division a chain lists beside it, in KSIC order."""
    catalog = catalog or default_chains()
    related = {ksic}
    for spec in catalog.chains:
        if ksic in spec.divisions:
            related.update(spec.divisions)
    return tuple(code for code in reference.ksic_codes() if code in related)


def is_related(ksic_a: str, ksic_b: str, catalog: ChainCatalog | None = None) -> bool:
    """Whether two divisions are in a related chain (the same division counts)."""
    return ksic_b in related_divisions(ksic_a, catalog)


def resolve_chain(key: str, catalog: ChainCatalog | None = None) -> Chain:
    """A chain by id, or the sector chain of a KSIC division (see the module docstring)."""
    catalog = catalog or default_chains()
    for spec in catalog.chains:
        if spec.id == key:
            return _chain_of(spec.id, spec.name, tuple(spec.divisions), [spec], spec.anchor_role)
    code = key.strip().upper()
    if code not in reference.ksic_codes():
        known = ", ".join(catalog.chain_ids)
        raise ClusterError(f"unknown chain {key!r}: give a chain id ({known}) or a KSIC division")
    name = Text(
        ko=f"{code} {short_division(code, 'ko')}", en=f"{code} {short_division(code, 'en')}"
    )
    specs = [spec for spec in catalog.chains if code in spec.divisions]
    divisions = related_divisions(code, catalog)
    if not specs:  # a division no chain lists: it plays every role on its own
        roles = in_chain_order(r for r in reference.role_ids() if r != PLATFORM)
        players = tuple((code,) for _ in roles)
        return Chain(code, name, divisions, roles, code, players, "final_product")
    anchors = {spec.anchor_role for spec in specs}  # the anchor role its chains agree on
    anchor_role = anchors.pop() if len(anchors) == 1 else None
    return _chain_of(code, name, divisions, specs, anchor_role, anchor=code)


def _chain_of(
    key: str,
    name: Text,
    divisions: tuple[str, ...],
    specs: Sequence[ChainSpec],
    anchor_role: str | None,
    anchor: str | None = None,
) -> Chain:
    """A Chain whose roles are those of `specs`, each played by the divisions any of them lists."""
    roles = in_chain_order(role for spec in specs for role in spec.roles)
    players = tuple(
        tuple(
            code
            for code in reference.ksic_codes()
            if any(code in spec.roles.get(role, ()) for spec in specs)
        )
        for role in roles
    )
    return Chain(key, name, divisions, roles, anchor, players, anchor_role)


def chain_choices(lang: str, catalog: ChainCatalog | None = None) -> list[tuple[str, str]]:
    """(key, label) for a chain picker: every chain of the file, then every KSIC division."""
    catalog = catalog or default_chains()
    chains = [(spec.id, spec.name.get(lang)) for spec in catalog.chains]
    sectors = [(code, f"{code} {short_division(code, lang)}") for code in reference.ksic_codes()]
    return chains + sectors


def short_division(code: str, lang: str) -> str:
    """A KSIC division's name without its parenthesis and "제조업": "C25 금속가공제품"."""
    text = re.sub(r"\s*\([^)]*\)", "", reference.label("ksic_divisions", code, lang))
    return re.sub(r"\s*제조업$", "", text).strip()


# --- roles ----------------------------------------------------------------------------------------


def role_position(role: str) -> int:
    return _role_order()[role]


def chain_adjacent(a: str, b: str) -> bool:
    """Next to each other in chain order (platform_software excluded)."""
    if PLATFORM in (a, b) or a == b:
        return False
    return abs(role_position(a) - role_position(b)) == 1


def adjacent(a: str, b: str) -> bool:
    """Adjacent roles: next to each other in chain order, or one of them is platform_software."""
    return a != b and (PLATFORM in (a, b) or chain_adjacent(a, b))


def role_fit(
    own: Sequence[str], theirs: Sequence[str]
) -> tuple[float, tuple[str, ...], tuple[str, ...]]:
    """(fit, the candidate's new roles that count, the own roles they sit next to).

    See the module docstring: 1 next to an own role in chain order, 0.75 only through
    platform_software, 0.5 when `own` is empty, 0 when the candidate brings no adjacent new role.
    """
    new = [r for r in in_chain_order(theirs) if r not in own]
    if not new:
        return 0.0, (), ()
    if not own:
        return ROLE_UNKNOWN, tuple(new), ()
    for fit, test in ((ROLE_DIRECT, chain_adjacent), (ROLE_PLATFORM, adjacent)):
        pairs = [(r, o) for r in new for o in own if test(r, o)]
        if pairs:
            return (
                fit,
                in_chain_order(r for r, _ in pairs),
                in_chain_order(o for _, o in pairs),
            )
    return 0.0, (), ()


def role_names(roles: Iterable[str], lang: str) -> str:
    """Role names joined: "부품·모듈, 완제품" / "parts and components, final product"."""
    return ", ".join(
        mid_sentence(reference.label("value_chain_roles", r, lang), lang) for r in roles
    )


def role_words(roles: Iterable[str]) -> Localized:
    """`role_names` in every language, for a Message."""
    roles = tuple(roles)
    return Localized.of(lambda lang: role_names(roles, lang))
