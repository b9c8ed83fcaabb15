"""Live workshops: a room of CEOs joins by a short code, takes the quick scan, sees the room.

Pure domain code (no streamlit). A workshop is `open` (people join and answer), `paused` (nobody
new joins; those already in may still answer and submit) or `closed` (no joins, no answers; the
results stay for the staff console). The status is checked inside the write transaction of every
participant write (readiness.store refuses them with WorkshopStateError), so a submission that
reaches the database after the close is refused, not counted.

Each participant becomes a member company (not synthetic) with a private link and one quick-scan
draft linked to the workshop, created in one transaction. The room's picture (`room_snapshot`)
holds only aggregates: no names, no ids, and no score figure from fewer than `k` people.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal, NamedTuple
from urllib.parse import parse_qs, quote, urlsplit

import numpy as np
import sqlalchemy as sa

from readiness import peers, store
from readiness.bank import Bank
from readiness.config import settings
from readiness.models import Assessment, Company, Workshop, utcnow
from readiness.profile import CompanyProfile, clean_text
from readiness.scoring import AnswerError, Result, score_assessment, validate_answers
from readiness.waves import current_wave

# Crockford-style: no 0/O, 1/I/L, and no U (U/V); 30 symbols, 30**6 ~ 7.3e8 codes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 6
STATUSES = ("open", "paused", "closed")
LANGS = ("ko", "en")
MAX_TITLE = 200
DEFAULT_PUBLIC_URL = "http://localhost:8501"
JOIN_PATH = "/join"
OTHER_SECTORS = "other"
PARTICIPANT_LABEL = "워크숍 참가자"
_CREATE_ATTEMPTS = 8

ErrorKind = Literal["malformed", "unknown", "paused", "closed"]


class WorkshopError(ValueError):
    """A workshop action refused; `kind` says why, so the page can show a friendly message.

    malformed: not 6 characters of CODE_ALPHABET; unknown: no such workshop; paused: not taking
    new participants for now; closed: takes neither participants nor answers any more.
    """

    def __init__(self, kind: ErrorKind, message: str | None = None) -> None:
        self.kind: ErrorKind = kind
        super().__init__(message or _MESSAGES[kind])


_MESSAGES: dict[str, str] = {
    "malformed": (
        f"a workshop code has {CODE_LENGTH} letters and digits (never 0, O, 1, I, L or U)"
    ),
    "unknown": "there is no workshop with this code",
    "paused": "this workshop is paused: please wait for the facilitator to reopen it",
    "closed": "this workshop has closed and takes no more answers",
}


# --- codes and links -----------------------------------------------------------------------------


def new_code() -> str:
    """A random join code of CODE_LENGTH symbols from CODE_ALPHABET."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """A typed or pasted code in canonical form: NFKC, upper case, no spaces or dashes.

    A pasted join URL yields its `code` parameter. Look-alike characters are not mapped (an "O" is
    not taken for a "0"): such a code stays invalid, see `is_valid_code`.
    """
    text = unicodedata.normalize("NFKC", text or "").strip()
    if "code=" in text:
        values = parse_qs(urlsplit(text).query).get("code")
        if values:
            text = values[0]
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-_").upper()


def is_valid_code(code: str) -> bool:
    """Whether `code` (already normalised) has the shape of a join code."""
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def public_url() -> str:
    """Where participants reach the app: READINESS_PUBLIC_URL, default http://localhost:8501."""
    return settings().public_url or DEFAULT_PUBLIC_URL


def join_url(code: str, base: str | None = None) -> str:
    """The link (and QR code content) that opens the join page with the code filled in."""
    return f"{(base or public_url()).rstrip('/')}{JOIN_PATH}?code={quote(code)}"


def join_qr_svg(code: str, base: str | None = None, *, scale: int = 8) -> str:
    """The join link as an SVG QR code (for the projector)."""
    import segno

    qr = segno.make(join_url(code, base), error="m")
    return qr.svg_inline(scale=scale, dark="#111111", light="#ffffff")


# --- workshops -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopListing:
    """A workshop with its head counts, for lists and the staff console's filter."""

    workshop: Workshop
    joined: int
    submitted: int


def _clean_title(title: str) -> str:
    try:
        cleaned = clean_text(title, max_length=MAX_TITLE)
    except ValueError:
        raise ValueError(f"a workshop title has at most {MAX_TITLE} characters") from None
    if not cleaned:
        raise ValueError("a workshop needs a title")
    return cleaned


def create_workshop(
    *, engine: sa.Engine, title: str, held_on: date | None = None, lang: str = "ko", actor: str
) -> Workshop:
    """Create an open workshop with a fresh join code (a rare collision draws again); audited."""
    title = _clean_title(title)
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    held_on = held_on or date.today()
    for _ in range(_CREATE_ATTEMPTS):
        workshop = Workshop(code=new_code(), title=title, held_on=held_on, lang=lang)
        if store.add_workshop(engine=engine, workshop=workshop, actor=actor):
            return workshop
    raise RuntimeError(f"no free workshop code after {_CREATE_ATTEMPTS} attempts")


def get_workshop(*, engine: sa.Engine, workshop_id: int) -> Workshop | None:
    return store.get_workshop(engine=engine, workshop_id=workshop_id)


def workshop_by_code(*, engine: sa.Engine, code: str) -> Workshop | None:
    """The workshop a typed or pasted code names, or None (malformed or unknown)."""
    code = normalize_code(code)
    if not is_valid_code(code):
        return None
    return store.workshop_with_code(engine=engine, code=code)


def workshop_choices(*, engine: sa.Engine) -> list[Workshop]:
    """Every workshop, newest first, without head counts (cheap: for filter lists)."""
    return store.workshops_newest_first(engine=engine)


def list_workshops(*, engine: sa.Engine) -> list[WorkshopListing]:
    """Every workshop, newest first, with how many joined and how many submitted."""
    return [
        WorkshopListing(w, joined, submitted)
        for w, joined, submitted in store.workshop_head_counts(engine=engine)
    ]


def set_status(*, engine: sa.Engine, workshop_id: int, status: str, actor: str) -> Workshop:
    """Open, pause or close a workshop (a closed one may be reopened); audited when it changes."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    workshop = store.set_workshop_status(
        engine=engine, workshop_id=workshop_id, status=status, actor=actor
    )
    if workshop is None:
        raise WorkshopError("unknown")
    return workshop


# --- the projector's presenter link -----------------------------------------------------------

PRESENTER_LINK_HOURS = 24  # a presenter link ends with its workshop, or after a day at the latest


def new_presenter_link(*, engine: sa.Engine, workshop_id: int, actor: str) -> str:
    """A read-only presenter link's token for the projector (a kiosk: no sign-in, no staff menu,
    the room's aggregates only). Stored as its digest; a new one replaces the old; audited."""
    token = store.new_token()
    if (
        store.set_presenter_key(
            engine=engine, workshop_id=workshop_id, key_hash=store.hash_token(token), actor=actor
        )
        is None
    ):
        raise WorkshopError("unknown")
    return token


def revoke_presenter_link(*, engine: sa.Engine, workshop_id: int, actor: str) -> None:
    """End the workshop's presenter link: an open kiosk shows the room no more at its next
    refresh; audited."""
    store.set_presenter_key(engine=engine, workshop_id=workshop_id, key_hash=None, actor=actor)


def presenter_workshop(
    *, engine: sa.Engine, token: str | None, now: datetime | None = None
) -> Workshop | None:
    """The workshop a presenter link shows, or None: unknown or revoked link, closed workshop,
    or a link older than PRESENTER_LINK_HOURS."""
    if not token or len(token) > 100:
        return None
    workshop = store.workshop_with_presenter_key(engine=engine, key_hash=store.hash_token(token))
    if workshop is None or workshop.status == "closed" or workshop.presenter_key_at is None:
        return None
    made = workshop.presenter_key_at
    if made.tzinfo is None:
        made = made.replace(tzinfo=UTC)
    if (now or utcnow()) - made > timedelta(hours=PRESENTER_LINK_HOURS):
        return None
    return workshop


def presenter_url(token: str, base: str | None = None) -> str:
    """The kiosk's address for the projector: the app's root, which in kiosk mode is the room's
    view and nothing else (app.py)."""
    return f"{(base or public_url()).rstrip('/')}/?k={token}"


# --- participants --------------------------------------------------------------------------------


class Participant(NamedTuple):
    """A participant who joined: their company, quick-scan draft and private-link token."""

    company: Company
    assessment: Assessment
    token: str


@dataclass(frozen=True)
class Submission:
    """A participant's result; `repeated` when it had been submitted before (counted once)."""

    assessment_id: int
    result: Result
    repeated: bool


def participant_label(code: str) -> str:
    """A neutral company name for a participant who gave none, e.g. "워크숍 참가자 ABC234-7KQ2"."""
    suffix = "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
    return f"{PARTICIPANT_LABEL} {normalize_code(code)}-{suffix}"


def participant_profile(
    *, code: str, ksic: str, employees: int, name: str | None = None, region: str | None = None
) -> CompanyProfile:
    """The minimal profile a participant gives: division, size, and optionally a company name.

    Raises pydantic's ValidationError for an unknown division, a head count below 1 or a name
    longer than 120 characters.
    """
    shown = name if name and name.strip() else participant_label(code)
    return CompanyProfile(name=shown, ksic=ksic, employees=employees, region=region)


def _refusal(exc: store.WorkshopStateError) -> WorkshopError:
    if exc.status == "paused":
        return WorkshopError("paused")
    if exc.status == "closed":
        return WorkshopError("closed")
    return WorkshopError("unknown")


def joinable_workshop(*, engine: sa.Engine, code: str) -> Workshop:
    """The workshop a code names if it takes participants; WorkshopError with the reason if not."""
    normalized = normalize_code(code)
    if not is_valid_code(normalized):
        raise WorkshopError("malformed")
    workshop = workshop_by_code(engine=engine, code=normalized)
    if workshop is None:
        raise WorkshopError("unknown")
    if workshop.status != "open":
        raise WorkshopError(workshop.status)  # type: ignore[arg-type]
    return workshop


def join(
    *,
    engine: sa.Engine,
    code: str,
    profile: CompanyProfile,
    bank: Bank,
    wave: int | None = None,
    member_link: str | None = None,
    member_biz_no: str | None = None,
) -> Participant:
    """Join a workshop as a respondent (not a member) with a quick-scan draft, in one transaction.

    A respondent who identifies as a member company, with consent, gives its private link
    (`member_link`: proof, linked as "link") or its business number (`member_biz_no`, normalised:
    a claim staff confirm, linked as "biz_no"); either links the respondent to that member
    (`member_id`) when it names one, and nothing tells the participant whether it did.
    Refuses a malformed, unknown, paused or closed code with WorkshopError (its `kind` says which);
    the status is checked again inside the write transaction.
    """
    workshop = joinable_workshop(engine=engine, code=code)
    first = store.NewAssessment(
        wave if wave is not None else current_wave(), "quick", bank, workshop_id=workshop.id
    )
    member_id = store.member_for(engine=engine, token=member_link) if member_link else None
    via = "link" if member_id is not None else None
    if member_id is None and member_biz_no:
        member_id = store.member_for(engine=engine, biz_no=member_biz_no)
        via = "biz_no" if member_id is not None else None
    try:
        company, token = store.create_company(
            engine=engine,
            profile=profile,
            actor=f"workshop:{workshop.id}",
            first=first,
            respondent=True,
            member_id=member_id,
            member_via=via,
        )
    except store.WorkshopStateError as exc:
        raise _refusal(exc) from None
    draft = store.open_draft(engine=engine, company_id=company.id)  # type: ignore[arg-type]
    assert draft is not None, "create_company opened the draft in the same transaction"
    return Participant(company, draft, token)


def save_participant_answer(
    *, engine: sa.Engine, bank: Bank, assessment_id: int, item_id: str, level: int | None
) -> None:
    """Save one answer as the participant goes; a closed workshop refuses it (WorkshopError)."""
    try:
        store.save_answer(
            engine=engine, bank=bank, assessment_id=assessment_id, item_id=item_id, level=level
        )
    except store.WorkshopStateError as exc:
        raise _refusal(exc) from None


def _stored_result(engine: sa.Engine, bank: Bank, assessment: Assessment) -> Submission:
    """The result of an assessment submitted before, scored again from its stored answers."""
    answers = store.answers_of(engine=engine, assessment_id=assessment.id)  # type: ignore[arg-type]
    result = score_assessment(bank, answers, mode=assessment.mode)
    return Submission(assessment.id, result, repeated=True)  # type: ignore[arg-type]


def submit_participant(
    *,
    engine: sa.Engine,
    bank: Bank,
    assessment_id: int,
    answers: Mapping[str, int | None] | None = None,
) -> Submission:
    """Submit a participant's quick scan, saving `answers` first in the same transaction.

    The page saves each answer as it is given (`save_participant_answer`) and sends the form's
    answers again with the submission, so one short transaction decides the outcome: all saved
    and scored, or nothing written. Idempotent: for an assessment already submitted (before, or by
    a concurrent double tap) it changes nothing and returns the existing result with
    `repeated=True`. A closed workshop raises WorkshopError("closed"); answers outside the scan or
    with a bad level raise store.StoreError; in both cases nothing is written.
    """
    answers = dict(answers or {})
    assessment = store.get_assessment(engine=engine, assessment_id=assessment_id)
    if assessment is None or assessment.workshop_id is None:
        raise store.StoreError("no such workshop participant")
    if assessment.status == "submitted":
        return _stored_result(engine, bank, assessment)
    scope = set(bank.item_ids(quick_only=assessment.mode == "quick"))
    outside = sorted(set(answers) - scope)
    if outside:
        raise store.StoreError(f"not in this scan: {', '.join(outside)}")
    try:
        validate_answers(bank, answers)
    except AnswerError as exc:
        raise store.StoreError(str(exc)) from None
    actor = f"workshop:{assessment.workshop_id}"
    try:
        result = store.submit_assessment(
            engine=engine, bank=bank, assessment_id=assessment_id, actor=actor, answers=answers
        )
    except store.WorkshopStateError as exc:
        raise _refusal(exc) from None
    except store.StoreError:
        current = store.get_assessment(engine=engine, assessment_id=assessment_id)
        if current is not None and current.status == "submitted":
            return _stored_result(engine, bank, current)
        raise
    return Submission(assessment_id, result, repeated=False)


# --- the room ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreStats:
    """One score (overall or a pillar) across the submissions the room's figures rest on.

    `n` counts those submissions with this score; mean, median and the quartiles are None when
    n < k, so no figure ever stands for fewer than k people. No single person's score is kept:
    the room's figures are aggregates only (DESIGN: no individual value leaves the server).
    """

    n: int
    mean: float | None
    median: float | None
    q1: float | None = None
    q3: float | None = None


@dataclass(frozen=True)
class RoomSnapshot:
    """The room's picture: aggregates only, never a name, an id or a single person's row.

    joined and submitted count participants (a company counts once, however often it submitted).
    scores: "overall" and each pillar id -> ScoreStats. stages: stage id -> count in the bank's
    order, None while fewer than k have submitted. sectors: (KSIC division, people) for divisions
    with at least k participants, largest first, then ("other", n) for all smaller ones together;
    "other" is shown even when it holds fewer than k, as it names no division.
    """

    status: str
    k: int
    joined: int
    submitted: int
    scores: dict[str, ScoreStats]
    stages: dict[str, int] | None
    sectors: tuple[tuple[str, int], ...]
    taken_at: datetime = field(default_factory=utcnow)
    shown: int = 0  # the submissions the figures rest on: the first multiple of k (`room_snapshot`)

    @property
    def suppressed(self) -> bool:
        """True while fewer than k have submitted: the room shows its count only."""
        return self.submitted < self.k


def _stats(values: list[float], k: int) -> ScoreStats:
    summary = peers.summarize(values, k=k)
    if summary.values is None:
        return ScoreStats(summary.n, None, None)
    q1, q3 = (float(q) for q in np.quantile(summary.values, [0.25, 0.75]))
    return ScoreStats(summary.n, summary.mean, summary.median, q1, q3)


def shown_count(submitted: int, k: int) -> int:
    """How many submissions the room's figures rest on: the largest multiple of k not above
    `submitted`. The figures change only when k more people have submitted, so comparing two
    pictures of the room never isolates one person's scores (one new submission moving a median
    would tell the room where that person stands)."""
    return submitted - submitted % k


def group_sectors(counts: Mapping[str, int], k: int) -> tuple[tuple[str, int], ...]:
    """Divisions with at least k people, largest first; all smaller ones as one "other"."""
    shown = sorted(((s, n) for s, n in counts.items() if n >= k), key=lambda sn: (-sn[1], sn[0]))
    other = sum(n for n in counts.values() if n < k)
    return tuple(shown) + (((OTHER_SECTORS, other),) if other else ())


def room_snapshot(
    *, engine: sa.Engine, workshop_id: int, bank: Bank, k: int = peers.K_ANONYMITY
) -> RoomSnapshot:
    """The room as the presenter view shows it, from one query; see RoomSnapshot."""
    pillars = bank.pillar_ids
    rows = store.room_rows(engine=engine, workshop_id=workshop_id, pillars=pillars)
    if not rows:
        raise WorkshopError("unknown")
    people = [row for row in rows if row.status is not None]
    done = [row for row in people if row.status == "submitted"]
    # The first submissions in the order they came, a multiple of k of them (`shown_count`).
    done.sort(key=lambda r: (r.submitted_at is None, str(r.submitted_at), r.id))
    basis = done[: shown_count(len(done), k)]
    scores = {peers.OVERALL: _stats([r.overall for r in basis if r.overall is not None], k)}
    for n, pid in enumerate(pillars):
        scores[pid] = _stats([v for r in basis if (v := getattr(r, f"p{n}")) is not None], k)
    stages = None
    if len(basis) >= k:
        tally = Counter(r.stage for r in basis)
        stages = {str(s.id): tally.get(s.id, 0) for s in bank.stages}
    return RoomSnapshot(
        status=rows[0].workshop_status,
        k=k,
        joined=len(people),
        submitted=len(done),
        scores=scores,
        stages=stages,
        sectors=group_sectors(Counter(r.ksic for r in people), k),
        shown=len(basis),
    )


@dataclass(frozen=True)
class MembersReference:
    """All members of a wave, for the radar beside the room: the median per score key.

    median is None for a key with fewer than k norm-eligible scores; `synthetic` counts the demo
    members among the n, so the figure can say so.
    """

    wave: int
    n: int
    median: dict[str, float | None]
    synthetic: int


def all_members_reference(
    *, engine: sa.Engine, wave: int, bank: Bank, k: int = peers.K_ANONYMITY
) -> MembersReference:
    """Median per pillar (and overall) of all members' norm-eligible quick scans in `wave`: the
    room answers the quick scan, so it is compared with quick scans of the same bank version."""
    frame = store.norm_frame(
        engine=engine, wave=wave, pillars=bank.pillar_ids, mode="quick", bank_version=bank.version
    )
    median = {
        key: peers.summarize(frame[key].to_numpy(dtype="float64"), k=k).median
        for key in (peers.OVERALL, *bank.pillar_ids)
    }
    return MembersReference(
        wave=wave, n=len(frame), median=median, synthetic=int(frame["synthetic"].sum())
    )
