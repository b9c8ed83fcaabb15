"""Per-process resources and the aggregates many sessions share, cached per database.

Every reader here is keyed by the configured database URL, so two databases (a test's, the next
test's) never share an entry; a reader is declared once, with `@shared`, and called without the URL.

Several replicas may serve one database. Each reader's key also holds the database's data version
(store.data_version: the newest audited bulk change), read at most every DATA_VERSION_TTL seconds:
an import or a deletion on one replica makes every replica's aggregates stale within that time,
not only the importing process's.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
import streamlit as st

from readiness import store, synth
from readiness.bank import Bank, default_bank
from readiness.db import database_url, make_engine, upgrade

if TYPE_CHECKING:
    import pandas as pd

    from readiness.analytics import HeatmapData, Stat
    from readiness.clusters import ClusterProposal, Match
    from readiness.cohorts import Cohort
    from readiness.instrument import InstrumentReport
    from readiness.programs import ProgramCatalog
    from readiness.workshops import MembersReference, RoomSnapshot

P = ParamSpec("P")
R = TypeVar("R")

DATA_VERSION_TTL = 5.0  # seconds another replica's import may go unseen


@st.cache_resource(show_spinner="데이터를 준비하고 있습니다 · Preparing data…")
def _engine_for(url: str) -> sa.Engine:
    engine = make_engine(url)
    upgrade(engine)
    synth.ensure_demo(engine=engine, bank=default_bank())
    return engine


def engine() -> sa.Engine:
    """The engine for DATABASE_URL (read on every call), upgraded and seeded once per process."""
    return _engine_for(database_url())


def bank() -> Bank:
    return default_bank()


_versions: dict[str, tuple[float, int]] = {}  # url -> (read at, version), this process's
_versions_lock = threading.Lock()
_version_clock = time.monotonic
_shared_caches: list[Any] = []  # every @shared reader's st.cache_data function


def _data_version(url: str) -> int:
    """The database's data version, read at most every DATA_VERSION_TTL seconds per process."""
    now = _version_clock()
    with _versions_lock:
        known = _versions.get(url)
        if known is not None and now - known[0] < DATA_VERSION_TTL:
            return known[1]
        version = store.data_version(engine=_engine_for(url))
        _versions[url] = (now, version)
    if known is not None and version != known[1]:
        for cached in _shared_caches:  # free the stale entries now, not when their TTL ends
            cached.clear()
    return version


def forget_data_version() -> None:
    """After this process's own bulk change: its readers see it at once, not within the TTL."""
    with _versions_lock:
        for url, (_, version) in _versions.items():
            _versions[url] = (-math.inf, version)  # read again at the next call


def shared(
    *, ttl: float, max_entries: int | None = None
) -> Callable[[Callable[Concatenate[sa.Engine, P], R]], Callable[P, R]]:
    """Cache `read(engine, ...)` for every session, per database, for `ttl` seconds.

    The decorated reader is called without the engine: it is the configured database's. Its
    entries are keyed by the data version too, so another replica's bulk change is seen within
    DATA_VERSION_TTL seconds.
    """

    def decorate(read: Callable[Concatenate[sa.Engine, P], R]) -> Callable[P, R]:
        # `data_version` is part of the key: Streamlit leaves parameters named _… out of it.
        def by_url(url: str, data_version: int, *args: Any, **kwargs: Any) -> R:
            return read(_engine_for(url), *args, **kwargs)

        # Streamlit names a cache by module, qualified name and source: give each reader its own.
        by_url.__module__, by_url.__qualname__ = read.__module__, read.__qualname__
        cached = st.cache_data(ttl=ttl, show_spinner=False, max_entries=max_entries)(by_url)
        _shared_caches.append(cached)

        @functools.wraps(read)
        def reader(*args: P.args, **kwargs: P.kwargs) -> R:
            url = database_url()
            return cached(url, _data_version(url), *args, **kwargs)

        return reader

    return decorate


@shared(ttl=300)
def program_catalog(engine: sa.Engine) -> ProgramCatalog:
    """The support-programme catalog in force: the newest uploaded one, else the shipped one (an
    upload moves the data version, so every replica reads it again within seconds)."""
    return store.active_program_catalog(engine=engine)


@shared(ttl=60)
def program_interest(engine: sa.Engine) -> pd.DataFrame:
    """Which programmes the newest wave's members are matched to and ask about, by sector and
    stage (readiness.program_stats), against the catalog in force."""
    from readiness.program_stats import program_interest as interest

    catalog = store.active_program_catalog(engine=engine)
    return interest(engine=engine, bank=default_bank(), catalog=catalog)


@shared(ttl=60)
def summary(engine: sa.Engine) -> store.Summary:
    """How many companies, assessments and waves the database holds."""
    return store.summary(engine=engine)


@shared(ttl=120)
def norm_frame(
    engine: sa.Engine, wave: int, mode: str = "full", bank_version: str | None = None
) -> pd.DataFrame:
    """The norm rows of a wave, mode and bank version, shared by every session for two minutes."""
    return store.norm_frame(engine=engine, wave=wave, mode=mode, bank_version=bank_version)


@shared(ttl=120, max_entries=256)
def peer_dimension_frame(
    engine: sa.Engine,
    wave: int,
    mode: str,
    bank_version: str,
    ksic: str | None,
    size_band: str | None,
) -> pd.DataFrame:
    """A peer group's dimension scores (next-step targets; results.peer_dimension_frame), from the
    norm frame above and as long-lived: every company of the group shares it."""
    from readiness import results
    from readiness.bank import bank_for_version

    frame = norm_frame(wave, mode, bank_version)
    return results.peer_dimension_frame(
        engine, bank_for_version(bank_version), frame, ksic, size_band
    )


@shared(ttl=120, max_entries=64)
def cohort_frame(engine: sa.Engine, cohort: Cohort) -> pd.DataFrame:
    """A cohort's assessments for the staff views, shared across sessions for two minutes."""
    from readiness import analytics

    return analytics.assessment_frame(engine=engine, cohort=cohort)


@shared(ttl=300, max_entries=32)
def dimension_frame(engine: sa.Engine, cohort: Cohort) -> pd.DataFrame:
    from readiness import analytics

    return analytics.dimension_frame(engine=engine, bank=default_bank(), cohort=cohort)


@shared(ttl=300, max_entries=64)
def item_frame(engine: sa.Engine, cohort: Cohort) -> pd.DataFrame:
    from readiness import analytics

    return analytics.item_frame(engine=engine, bank=default_bank(), cohort=cohort)


@shared(ttl=2, max_entries=64)
def room_snapshot(engine: sa.Engine, workshop_id: int) -> RoomSnapshot:
    """A workshop room's aggregate, shared by every open screen for two seconds."""
    from readiness import workshops

    return workshops.room_snapshot(engine=engine, workshop_id=workshop_id, bank=default_bank())


@shared(ttl=300, max_entries=8)
def members_reference(engine: sa.Engine, wave: int) -> MembersReference:
    """All members' medians in a wave (for the room's comparison), cached five minutes."""
    from readiness import workshops

    return workshops.all_members_reference(engine=engine, wave=wave, bank=default_bank())


@shared(ttl=120, max_entries=64)
def heatmap_data(_engine: sa.Engine, cohort: Cohort, stat: Stat, view: str) -> HeatmapData:
    """The heatmap's grid for a cohort, statistic and view; a rerun copies only the grid.

    Views: "pillars" and "dimensions" (sector rows), "regions" (시도 rows x pillars). Built from
    the cached cohort frames, so switching the statistic does not query again.
    """
    from readiness import analytics, reference

    bank_ = default_bank()
    if view == "dimensions":
        frame = dimension_frame(cohort)
        columns = analytics.dimension_keys(bank_)
    else:
        frame = cohort_frame(cohort)
        columns = analytics.score_columns(bank_)
    if view == "regions":
        return analytics.heatmap(
            frame,
            value_columns=columns,
            stat=stat,
            row="region",
            all_rows=reference.region_codes(),
        )
    return analytics.heatmap(
        frame, value_columns=columns, stat=stat, all_rows=reference.ksic_codes()
    )


@shared(ttl=300, max_entries=64)
def partner_needs(engine: sa.Engine, cohort: Cohort, lang: str) -> pd.DataFrame:
    from readiness import analytics

    return analytics.partner_needs(engine=engine, bank=default_bank(), cohort=cohort, lang=lang)


@shared(ttl=300, max_entries=8)
def member_frame(engine: sa.Engine, wave: int, verified_only: bool = False) -> pd.DataFrame:
    """Every member's latest scores and value-chain facts in a wave (cluster matching); only the
    verified members with `verified_only`, as companies are shown (staff see everyone)."""
    from readiness import clusters

    return clusters.member_frame(engine=engine, wave=wave, verified_only=verified_only)


@shared(ttl=300, max_entries=512)
def complementary_members(
    engine: sa.Engine, company_id: int, ksic: str, wave: int, lang: str
) -> list[Match]:
    """The members a company (of division `ksic`) may be shown as cluster partners (consent
    applied; verified members only: a self-registered company is nobody's suggestion until staff
    verify it), cached. The company itself, when not in that frame (unverified, or submitted since
    it was cached), is added from its own division's rows, not the whole wave's."""
    import pandas as pd

    from readiness import clusters

    members = member_frame(wave, verified_only=True)
    if not (members["company_id"] == company_id).any():
        division = clusters.member_frame(engine=engine, wave=wave, ksic=(ksic,))
        own = division[division["company_id"] == company_id]
        if not own.empty:
            members = pd.concat([members, own], ignore_index=True)
    return clusters.rank_members(
        members, company_id=company_id, viewer="company", limit=3, lang=lang, bank=default_bank()
    )


@shared(ttl=300, max_entries=64)
def cluster_proposals(
    engine: sa.Engine,
    wave: int,
    chain: str,
    size_bands: tuple[str, ...],
    regions: tuple[str, ...],
    allow_repeat: bool,
    lang: str,
) -> list[ClusterProposal]:
    """The cluster builder's proposals for a chain key (a chain, a sector, or every chain at
    once: one proposal per chain then), cached: adjusting or saving one does not search again."""
    from readiness import clusters

    return clusters.propose_clusters(
        member_frame(wave),
        chain=clusters.resolve_chains(chain),
        size_bands=size_bands or None,
        regions=regions or None,
        count=1 if chain == clusters.ALL_CHAINS else 5,
        allow_repeat=allow_repeat,
        lang=lang,
        bank=default_bank(),
    )


@shared(ttl=60)
def instrument_scopes(engine: sa.Engine) -> list[store.InstrumentScope]:
    """Which bank versions, waves and modes have submissions (instrument health's choices)."""
    return store.instrument_scopes(engine=engine)


@shared(ttl=300, max_entries=16)
def instrument_report(
    engine: sa.Engine, bank_version: str, wave: int, mode: str, norm_only: bool
) -> InstrumentReport:
    """Instrument health over one bank version, wave and mode, cached five minutes."""
    from readiness import instrument
    from readiness.bank import bank_for_version

    return instrument.stored_report(
        engine=engine,
        bank=bank_for_version(bank_version),
        wave=wave,
        mode=mode,
        norm_only=norm_only,
    )
