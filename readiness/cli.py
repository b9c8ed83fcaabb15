"""The `readiness` command line (also `python -m readiness`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readiness.bank import BankError, load_bank

if TYPE_CHECKING:
    import sqlalchemy as sa

    from readiness.programs import ProgramCatalog


def _fail(message: str, code: int = 1) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _read_json(path: str) -> tuple[Any, str | None]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        return None, f"{path}: cannot read: {exc.strerror or exc}"
    except UnicodeDecodeError:
        return None, f"{path}: not UTF-8 text"
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"


def _engine(args: argparse.Namespace) -> sa.Engine:
    from readiness.db import make_engine, upgrade

    engine = make_engine(args.database_url)
    upgrade(engine)
    return engine


# --- commands ------------------------------------------------------------------------------------


def cmd_bank_check(args: argparse.Namespace) -> int:
    try:
        bank = load_bank(args.path)
    except BankError as exc:
        return _fail(f"the question bank is malformed:\n{exc}")
    quick = len(bank.item_ids(quick_only=True))
    counts = f"{len(bank.pillars)} pillars, {len(bank.items)} items, {quick} quick"
    print(f"ok: bank {bank.version}: {counts}")
    return 0


def cmd_bank_show(args: argparse.Namespace) -> int:
    try:
        bank = load_bank(args.path)
    except BankError as exc:
        return _fail(f"the question bank is malformed:\n{exc}")
    if args.json:
        print(bank.to_json())
        return 0
    for pillar in bank.pillars:
        print(f"{pillar.id}  {pillar.name.ko} / {pillar.name.en}  (weight {pillar.weight:g})")
        for item in bank.items_of(pillar.id):
            flags = "".join(f for f, on in (("Q", item.quick), ("C", item.critical)) if on)
            print(f"  {item.id} [{flags:2}] w={item.weight:g}  {item.text.ko}")
    return 0


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def cmd_bank_stats(args: argparse.Namespace) -> int:
    """Instrument health over stored submissions: alpha, item-total r, inter-pillar r, levels."""
    from readiness import instrument, store
    from readiness.bank import bank_for_version, default_bank

    try:
        bank = bank_for_version(args.bank_version) if args.bank_version else default_bank()
    except BankError as exc:
        return _fail(str(exc))
    engine = _engine(args)
    wave = args.wave
    if wave is None:
        waves = [
            s.wave
            for s in store.instrument_scopes(engine=engine)
            if s.bank_version == bank.version and s.mode == args.mode
        ]
        if not waves:
            return _fail(f"no submitted {args.mode} assessments of bank {bank.version}")
        wave = max(waves)
    report = instrument.stored_report(
        engine=engine, bank=bank, wave=wave, mode=args.mode, norm_only=not args.all_submitted
    )
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return 0
    which = "all submitted" if args.all_submitted else "norm-eligible"
    print(
        f"bank {report.bank_version} · wave {report.wave} · {report.mode} · {which}: "
        f"{report.assessments:,} assessments ({report.synthetic:,} synthetic), latest per company"
    )
    print(
        f"alpha and correlations need n >= {report.min_n}; "
        f"company-facing views need k >= {report.k}"
    )
    print("\nCronbach's alpha per pillar (listwise: assessments with a level on every item)")
    print(f"{'pillar':6} {'items':>5} {'n':>6} {'n any':>6} {'alpha':>6}")
    for a in report.alphas:
        print(f"{a.pillar:6} {a.items:5} {a.n:6,} {a.n_any:6,} {_fmt(a.alpha):>6}")
    print("\nItems: corrected item-total r, alpha if deleted, levels 0-5, N/A, no answer")
    head = " ".join(f"{f'L{lv}':>5}" for lv in instrument.LEVELS)
    print(f"{'item':6} {'r_it':>5} {'a-del':>5} {'n':>6} {'mean':>5} {head} {'N/A':>5} {'none':>5}")
    for i in report.items:
        counts = " ".join(f"{c:5}" for c in i.counts)
        print(
            f"{i.item_id:6} {_fmt(i.item_total):>5} {_fmt(i.alpha_if_deleted):>5} {i.n:6,} "
            f"{_fmt(i.mean):>5} {counts} {i.na:5} {i.missing:5}"
        )
    pillars = list(report.correlation.index)
    print("\nInter-pillar correlations (Pearson on pillar scores, pairwise; n)")
    print(f"{'':6}" + "".join(f"{p:>14}" for p in pillars))
    for a in pillars:
        r, n = report.correlation, report.correlation_n
        cells = "".join(f"{_fmt(instrument.cell(r, a, b)):>6} ({n.loc[a, b]:>5})" for b in pillars)
        print(f"{a:6}{cells}")
    for note in report.notes:
        print(f"note: {note}")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from readiness.scoring import AnswerError, score_assessment

    data, error = _read_json(args.file)
    if error:
        return _fail(error)
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        return _fail(f'{args.file}: expected an object {{"answers": {{"EXP01": 3, ...}}}}')
    mode = data.get("mode", "full")
    if mode not in ("full", "quick"):
        return _fail(f"{args.file}: mode must be 'full' or 'quick'")
    try:
        bank = load_bank(args.bank)
        result = score_assessment(bank, data["answers"], mode=mode)
    except BankError as exc:
        return _fail(f"the question bank is malformed:\n{exc}")
    except AnswerError as exc:
        return _fail(f"{args.file}: {exc}")
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    return 0


PEERS_SHAPE = '{"profile": {"ksic": "C29", "employees": 45}, "answers": {...}, "wave": 2026}'


def _profile_request(path: str, shape: str, name: str) -> tuple[Any, str | None]:
    """Read {"profile": {...}, "answers": {...}} from `path`: (data with a validated
    CompanyProfile under "profile_model", None) or (None, a message naming the problem)."""
    from pydantic import ValidationError

    from readiness.profile import CompanyProfile

    data, error = _read_json(path)
    if error:
        return None, error
    if not isinstance(data, dict):
        return None, f"{path}: expected an object {shape}"
    for key in ("profile", "answers"):
        if not isinstance(data.get(key), dict):
            return None, f"{path}: {key!r} must be an object, as in {shape}"
    try:
        data["profile_model"] = CompanyProfile.model_validate({"name": name, **data["profile"]})
    except ValidationError as exc:
        problems = "; ".join(
            f"profile.{'.'.join(str(part) for part in e['loc'])}: "
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        )
        return None, f"{path}: {problems}"
    return data, None


def cmd_peers(args: argparse.Namespace) -> int:
    from readiness import peers, store
    from readiness.results import peer_summary
    from readiness.scoring import AnswerError, score_assessment

    data, error = _profile_request(args.file, PEERS_SHAPE, "peers")
    if error:
        return _fail(error)
    profile = data["profile_model"]
    mode = data.get("mode", "full")
    if mode not in ("full", "quick"):
        return _fail(f"{args.file}: mode must be 'full' or 'quick'")
    wave, company_id = data.get("wave"), data.get("company_id")
    for key, value in (("wave", wave), ("company_id", company_id)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            return _fail(f"{args.file}: {key} must be a whole number, got {value!r}")
    try:
        result = score_assessment(load_bank(args.bank), data["answers"], mode=mode)
    except BankError as exc:
        return _fail(f"the question bank is malformed:\n{exc}")
    except AnswerError as exc:
        return _fail(f"{args.file}: answers: {exc}")
    if not any(p.scored for p in result.pillars.values()):
        short = ", ".join(f"{pid} {p.levels}/{p.min_levels}" for pid, p in result.pillars.items())
        return _fail(
            f"{args.file}: answers: no pillar has enough questions answered with a level "
            f"(with a level / needed: {short})"
        )
    engine = _engine(args)
    if wave is None:
        wave = store.latest_wave(engine=engine)
        if wave is None:
            return _fail("no submitted assessments in the database to compare with")
    frame = store.norm_frame(
        engine=engine,
        wave=wave,
        pillars=list(result.pillars),
        mode=result.mode,
        bank_version=result.bank_version,
    )
    if frame.empty:
        return _fail(f"no norm-eligible assessments in wave {wave} to compare with")
    bench = peers.benchmark(
        frame,
        ksic=profile.ksic,
        size_band=profile.size_band,
        scores=peers.scores_of(result),
        exclude_company_id=company_id,
    )
    print(json.dumps(peer_summary(bench), ensure_ascii=False, indent=2))
    return 0


def cmd_norms(args: argparse.Namespace) -> int:
    """How many companies the norms of a wave rest on: verified members only, per size band and
    division, beside how many members are verified and how many are not (yet)."""
    from readiness import store
    from readiness.bank import default_bank

    engine = _engine(args)
    wave = args.wave if args.wave is not None else store.latest_wave(engine=engine)
    if wave is None:
        return _fail("no submitted assessments in the database: no norms yet")
    bank = default_bank()
    frame = store.norm_frame(engine=engine, wave=wave, mode=args.mode)
    counts = store.summary(engine=engine)
    report = {
        "wave": wave,
        "mode": args.mode,
        "bank_version": bank.version,
        "norm_companies": len(frame),
        "verified_companies": counts.verified_companies,
        "unverified_companies": counts.companies - counts.verified_companies,
        "synthetic_in_norms": int(frame["synthetic"].sum()),
        "by_size_band": {
            k: int(v) for k, v in frame["size_band"].value_counts().sort_index().items()
        },
        "by_division": {k: int(v) for k, v in frame["ksic"].value_counts().sort_index().items()},
        "rule": "norms count verified members only (roster imports, staff-confirmed, demo)",
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


SUGGEST_SHAPE = (
    '{"profile": {"ksic": "C29", "employees": 45, "export_share": 0.2, "markets": ["US"], '
    '"roles": ["components"]}, "answers": {...}}'
)


def cmd_suggest(args: argparse.Namespace) -> int:
    """Partner types that fit a profile and answers, best first, with the reasons."""
    from readiness.partners import CatalogError, load_catalog, suggest
    from readiness.scoring import AnswerError

    if args.limit is not None and args.limit < 1:
        return _fail("--limit must be at least 1", 2)
    data, error = _profile_request(args.file, SUGGEST_SHAPE, "suggest")
    if error:
        return _fail(error)
    profile = data["profile_model"]
    try:
        bank = load_bank(args.bank)
        catalog = load_catalog(args.catalog, bank=bank if args.bank else None)
        suggestions = suggest(
            catalog,
            bank,
            profile=profile,
            answers=data["answers"],
            lang=args.lang,
            limit=args.limit,
        )
    except BankError as exc:
        return _fail(f"the question bank is malformed:\n{exc}")
    except CatalogError as exc:
        return _fail(f"the partner catalog is malformed:\n{exc}")
    except AnswerError as exc:
        return _fail(f"{args.file}: answers: {exc}")
    out = {
        "partners": [
            {
                "type": s.type,
                "group": s.group,
                "name": s.name,
                "fit": round(s.fit, 3),
                "reasons": [reason.render(args.lang) for reason in s.reasons],
                "cautions": [caution.render(args.lang) for caution in s.cautions],
            }
            for s in suggestions
        ]
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def cmd_benchmarks(args: argparse.Namespace) -> int:
    """The published figures: validated, then printed as JSON or one line per figure."""
    from readiness.public_benchmarks import BenchmarkError, load_catalog

    try:
        catalog = load_catalog(args.file)
    except BenchmarkError as exc:
        return _fail(f"the published figures are malformed:\n{exc}")
    if args.json:
        print(json.dumps(catalog.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0
    print(f"published figures {catalog.version} for bank {catalog.bank}: {len(catalog.benchmarks)}")
    for entry in catalog.benchmarks:
        figures = ", ".join(f"{band} {value:.1f}%" for band, value in entry.figures.items())
        total = "" if entry.all_sizes is None else f"all sizes {entry.all_sizes:.1f}%"
        items = ", ".join(entry.rule.item_ids)
        print(f"{entry.id:22} [{entry.region} {entry.year}] {entry.label.en}: {figures or total}")
        print(f"{'':22} {entry.source.publisher.en}; rule on {items}")
    return 0


PROGRAMS_SHAPE = (
    '{"profile": {"ksic": "C29", "employees": 45, "export_share": 0.2, "markets": ["US"]}, '
    '"answers": {...}, "certifications": ["innobiz"]}'
)


def _stored_program_catalog(args: argparse.Namespace) -> ProgramCatalog:
    """The catalog companies see (store.program_catalog_in_use), named on stderr: the upload's
    number, date and author, or the shipped file."""
    from readiness import store

    catalog, row = store.program_catalog_in_use(engine=_engine(args))
    if row is None:
        print(
            "catalog: none uploaded (or none that validates); the shipped data/programs.yaml",
            file=sys.stderr,
        )
    else:
        print(
            f"catalog: upload #{row.id} of {row.created_at:%Y-%m-%d} by {row.created_by}",
            file=sys.stderr,
        )
    return catalog


def cmd_programs(args: argparse.Namespace) -> int:
    """Support programmes a profile may apply for, best fit to its gaps first, with reasons."""
    from readiness.programs import (
        GAP_BELOW,
        ProgramCatalogError,
        load_catalog,
        match_programs,
        matches_json,
    )
    from readiness.scoring import AnswerError

    if args.limit is not None and args.limit < 1:
        return _fail("--limit must be at least 1", 2)
    data, error = _profile_request(args.file, PROGRAMS_SHAPE, "programs")
    if error:
        return _fail(error)
    held = data.get("certifications", [])
    if not isinstance(held, list) or not all(isinstance(c, str) for c in held):
        return _fail(f"{args.file}: certifications must be a list of ids, as in {PROGRAMS_SHAPE}")
    try:
        today = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        return _fail(f"--date must be YYYY-MM-DD, got {args.date!r}", 2)
    try:
        bank = load_bank(args.bank)
        if args.stored:
            catalog = _stored_program_catalog(args)
        else:
            catalog = load_catalog(args.catalog, bank=bank if args.bank else None)
        matches = match_programs(
            catalog,
            bank,
            profile=data["profile_model"],
            answers=data["answers"],
            today=today,
            certifications=held,
            limit=args.limit,
        )
    except BankError as exc:
        return _fail(f"the question bank is malformed:\n{exc}")
    except ProgramCatalogError as exc:
        return _fail(f"the programme catalog is malformed:\n{exc}")
    except AnswerError as exc:
        return _fail(f"{args.file}: answers: {exc}")
    print(matches_json(matches, args.lang))
    if not matches:  # say why on stderr, so that the JSON stays the same shape
        asked = len(bank.item_ids())
        print(
            f"no programme matched: none that this profile may apply for on "
            f"{(today or dt.date.today()).isoformat()} closes a gap scoring below {GAP_BELOW:g} "
            f"({len(data['answers'])} of {asked} questions answered; one not answered is no gap)",
            file=sys.stderr,
        )
    return 0


def cmd_partners(args: argparse.Namespace) -> int:
    """The partner catalog: validated, then printed as JSON or as a short list."""
    from readiness.partners import CatalogError, load_catalog

    try:
        catalog = load_catalog(args.catalog)
    except CatalogError as exc:
        return _fail(f"the partner catalog is malformed:\n{exc}")
    if args.json:
        print(catalog.to_json())
        return 0
    print(f"partner catalog {catalog.version}: {len(catalog.types)} types")
    for ptype in catalog.types:
        gate = f", {len(ptype.requires)} requirement(s)" if ptype.requires else ""
        print(
            f"{ptype.id:22} [{ptype.group}] {ptype.name.ko} / {ptype.name.en}"
            f"  ({len(ptype.rules)} rules{gate})"
        )
        print(f"{'':22} {ptype.when.en}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from readiness.db import database_url

    _engine(args)
    print(f"ok: schema at the newest revision ({_redact(args.database_url or database_url())})")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from readiness import synth
    from readiness.bank import default_bank

    if args.companies < 1 or args.waves < 1:
        return _fail("--companies and --waves must be at least 1", 2)
    engine = _engine(args)
    start = time.perf_counter()
    counts = synth.seed_demo(
        engine=engine,
        bank=default_bank(),
        companies=args.companies,
        waves=args.waves,
        seed=args.seed,
    )
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": round(elapsed, 2), **counts}, ensure_ascii=False))
    return 0


AUDIT_INTACT, AUDIT_ALTERED, AUDIT_CANNOT_CHECK = 0, 1, 2


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Exit 0: intact (notes say what could not be checked); 1: altered, the first event that
    does not fit named; 2: the checkpoint file cannot be used, or signatures need the key."""
    from readiness import audit, store
    from readiness.config import settings

    checkpoint = None
    if args.checkpoint:
        data, problem = _read_json(args.checkpoint)
        try:
            if problem:
                raise audit.CheckpointError(problem)
            checkpoint = audit.Checkpoint.from_json(data)
            note = audit.check_checkpoint_signature(checkpoint, settings().audit_key)
        except audit.CheckpointError as exc:
            return _fail(f"{args.checkpoint}: {exc}", AUDIT_CANNOT_CHECK)
        if note:
            print(f"note: {note}", file=sys.stderr)
    engine = _engine(args)
    report = store.verify_audit(engine=engine, checkpoint=checkpoint)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    if not report.ok:
        return _fail(
            f"audit chain broken at event {report.first_bad_id}: {report.reason} "
            f"({report.checked} events before it are intact)",
            AUDIT_ALTERED,
        )
    altered = store.altered_submissions(engine=engine)
    if altered:
        shown = ", ".join(map(str, altered[:20])) + (" ..." if len(altered) > 20 else "")
        return _fail(
            f"the audit chain is intact, but the stored answers or scores of {len(altered)} "
            f"submitted assessments no longer match what was submitted: {shown}",
            AUDIT_ALTERED,
        )
    against = f"; matches the checkpoint of event {checkpoint.seq}" if checkpoint else ""
    print(f"ok: audit chain intact ({report.checked} events, {report.signed} signed{against})")
    if report.signed and settings().audit_key is None:
        return _fail("set READINESS_AUDIT_KEY to check the signatures", AUDIT_CANNOT_CHECK)
    return AUDIT_INTACT


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    """The head of an intact chain as a small JSON, signed when READINESS_AUDIT_KEY is set."""
    from readiness import store
    from readiness.models import utcnow

    engine = _engine(args)
    report = store.verify_audit(engine=engine)
    if not report.ok:
        return _fail(
            f"no checkpoint: the audit chain is broken at event {report.first_bad_id}: "
            f"{report.reason}",
            AUDIT_ALTERED,
        )
    checkpoint = store.audit_checkpoint(engine=engine)
    text = json.dumps(checkpoint.to_json(made_at=utcnow()), indent=2) + "\n"
    if checkpoint.mac is None:
        print(
            "note: READINESS_AUDIT_KEY is not set: the checkpoint is unsigned; keep it where "
            "no one who can write to the database can change it",
            file=sys.stderr,
        )
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            return _fail(f"{args.out}: cannot write: {exc.strerror or exc}")
        print(f"ok: checkpoint of event {checkpoint.seq} written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy of the SQLite database, safe while the app writes to it."""
    import sqlalchemy as sa

    from readiness.db import database_url, sqlite_backup

    url = sa.make_url(args.database_url or database_url())
    if url.get_backend_name() != "sqlite" or not url.database:
        return _fail("backup copies the embedded SQLite database; for PostgreSQL use pg_dump")
    source_path = Path(url.database)
    if not source_path.exists():
        return _fail(f"no database at {source_path}")
    out = Path(args.out)
    if out.exists() and not args.force:
        return _fail(f"{out} exists; pass --force to overwrite")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    tmp.unlink(missing_ok=True)
    ok = sqlite_backup(source_path, tmp)
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        return _fail(f"the copy failed its integrity check: {ok}")
    tmp.replace(out)
    print(f"ok: backup written to {out} ({out.stat().st_size:,} bytes)")
    return 0


# --- staff accounts ------------------------------------------------------------------------------


def _new_password() -> str:
    """The new password: typed twice at a terminal, else the first line of stdin (never argv)."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise ValueError("no password on stdin: pipe it in, or run at a terminal to type it")
    return line.removesuffix("\n").removesuffix("\r")


def _when(at: Any) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else "-"


def cmd_staff_add(args: argparse.Namespace) -> int:
    from readiness import auth

    try:
        engine = _engine(args)
        if auth.get_staff(engine=engine, email=auth.normalize_email(args.email)) is not None:
            raise auth.AuthError(f"a staff account for {args.email.strip().lower()} already exists")
        password = _new_password()
        user = auth.add_staff(
            engine=engine, email=args.email, password=password, display_name=args.name
        )
    except ValueError as exc:  # an AuthError, or two passwords that differ
        return _fail(str(exc))
    print(f"ok: staff account {user.email} added")
    return 0


def cmd_staff_passwd(args: argparse.Namespace) -> int:
    from readiness import auth

    try:
        auth.normalize_email(args.email)
        password = _new_password()
        auth.set_password(engine=_engine(args), email=args.email, password=password)
    except ValueError as exc:  # an AuthError, or two passwords that differ
        return _fail(str(exc))
    print(
        f"ok: password of {args.email.strip().lower()} replaced; any lock is lifted; its "
        "signed-in sessions ended"
    )
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    from readiness import auth
    from readiness.models import utcnow

    users = auth.list_staff(engine=_engine(args))
    if not users:
        print("no staff accounts")
        return 0
    now = utcnow()
    print(f"{'email':40} {'created':20} {'last login':20} locked until")
    for user in users:
        locked = user.locked_until if user.locked_until and user.locked_until > now else None
        print(
            f"{user.email:40} {_when(user.created_at):20} {_when(user.last_login_at):20} "
            f"{_when(locked)}"
        )
    return 0


def cmd_staff_remove(args: argparse.Namespace) -> int:
    from readiness import auth

    try:
        removed = auth.remove_staff(engine=_engine(args), email=args.email)
    except auth.AuthError as exc:
        return _fail(str(exc))
    if not removed:
        return _fail(f"no staff account for {args.email.strip().lower()}")
    print(f"ok: staff account {args.email.strip().lower()} removed; its signed-in sessions ended")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Preview an import (and apply it unless --dry-run); every problem by row and column."""
    from readiness import importer
    from readiness.bank import default_bank
    from readiness.i18n import t

    lang = args.lang
    path = Path(args.file)
    try:
        with path.open("rb") as fh:
            data = fh.read(importer.MAX_BYTES + 1)
        table = importer.read_table(data, path.name)
    except OSError as exc:
        return _fail(f"{args.file}: cannot read: {exc.strerror or exc}")
    except importer.ImportFileError as exc:
        return _fail(f"{args.file}: {exc.message.render(lang)}")
    engine = _engine(args)
    plan = importer.plan_import(table, engine=engine, bank=default_bank())
    print(f"{path.name}: {plan.summary_message().render(lang)}")
    for problem in plan.problems:
        print(f"{problem.severity}: {problem.describe(lang)}", file=sys.stderr)
    if plan.errors:
        return 1
    if args.dry_run:
        print(t("cli.dry_run", lang))
        return 0
    try:
        result = importer.apply_import(plan, engine=engine, actor=args.actor)
    except importer.ImportRefused as exc:
        return _fail(exc.message.render(lang))
    print(
        f"ok: {result.created:,} created, {result.updated:,} updated, "
        f"{result.assessments:,} results recorded (audit event {result.audit_event_id})"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the member directory, the results or the import template to --out (.csv or .xlsx)."""
    from readiness import exports, importer
    from readiness.bank import default_bank
    from readiness.cohorts import Cohort

    out = Path(args.out)
    fmt = out.suffix.lower().removeprefix(".")
    if fmt not in exports.FORMATS:
        return _fail("--out must end in .csv or .xlsx", 2)
    if args.kind == "template":
        bank = default_bank()
        data = importer.template_csv(bank) if fmt == "csv" else importer.template_xlsx(bank)
    else:
        filters = Cohort(
            ksic=tuple(args.ksic or ()),
            size_bands=tuple(args.size_band or ()),
            regions=tuple(args.region or ()),
            waves=tuple(args.wave or ()),
            modes=tuple(args.mode or ()),
            include_synthetic=not args.no_synthetic,
        )
        write = exports.export_members if args.kind == "members" else exports.export_assessments
        data = write(
            engine=_engine(args), fmt=fmt, actor=args.actor, lang=args.lang, filters=filters
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        return _fail(f"{out}: cannot write: {exc.strerror or exc}")
    print(f"ok: {args.kind} written to {out} ({len(data):,} bytes)")
    return 0


# --- workshops -----------------------------------------------------------------------------------

WORKSHOP_VERBS = {"open": "open", "pause": "paused", "close": "closed"}


def cmd_workshop_create(args: argparse.Namespace) -> int:
    """Create an open workshop; print its join code and link (and write a QR code on request)."""
    from datetime import date

    from readiness import workshops

    held_on = None
    if args.date:
        try:
            held_on = date.fromisoformat(args.date)
        except ValueError:
            return _fail(f"--date must be a date as YYYY-MM-DD, got {args.date!r}", 2)
    qr = Path(args.qr) if args.qr else None
    if qr is not None and qr.suffix.lower() not in (".png", ".svg"):
        return _fail("--qr must end in .png or .svg", 2)
    try:
        workshop = workshops.create_workshop(
            engine=_engine(args),
            title=args.title,
            held_on=held_on,
            lang=args.lang,
            actor=args.actor,
        )
    except ValueError as exc:
        return _fail(str(exc), 2)
    url = workshops.join_url(workshop.code)
    print(f'ok: workshop "{workshop.title}" on {workshop.held_on} ({workshop.lang}) is open')
    print(f"code: {workshop.code}")
    print(f"join: {url}")
    if qr is not None:
        import segno

        try:
            qr.parent.mkdir(parents=True, exist_ok=True)
            segno.make(url, error="m").save(str(qr), scale=10, border=2)
        except OSError as exc:
            return _fail(f"{qr}: cannot write: {exc.strerror or exc}")
        print(f"qr:   {qr}")
    return 0


def cmd_workshop_list(args: argparse.Namespace) -> int:
    from readiness import workshops

    listings = workshops.list_workshops(engine=_engine(args))
    if not listings:
        print("no workshops")
        return 0
    print(f"{'code':6}  {'status':6}  {'held on':10}  lang  {'joined':>6}  {'done':>6}  title")
    for row in listings:
        w = row.workshop
        print(
            f"{w.code:6}  {w.status:6}  {w.held_on!s:10}  {w.lang:4}  {row.joined:6}  "
            f"{row.submitted:6}  {w.title}"
        )
    return 0


def cmd_workshop_status(args: argparse.Namespace) -> int:
    """Open, pause or close the workshop a code names."""
    from readiness import store, workshops

    engine = _engine(args)
    code = workshops.normalize_code(args.code)
    if not workshops.is_valid_code(code):
        return _fail(str(workshops.WorkshopError("malformed")))
    workshop = workshops.workshop_by_code(engine=engine, code=code)
    if workshop is None:
        return _fail(f"{str(workshops.WorkshopError('unknown'))}: {code}")
    status = WORKSHOP_VERBS[args.workshop_command]
    before = workshop.status
    workshops.set_status(
        engine=engine, workshop_id=store.stored_id(workshop), status=status, actor=args.actor
    )
    if before == status:
        print(f"ok: workshop {code} is already {status}")
    else:
        print(f"ok: workshop {code} is now {status} (was {before})")
    return 0


def _redact(url: str) -> str:
    import sqlalchemy as sa

    return sa.make_url(url).render_as_string(hide_password=True)


# --- parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readiness", description="Global Readiness Dashboard: question bank, scores, data."
    )
    parser.add_argument(
        "--database-url", help="SQLAlchemy URL (default: $DATABASE_URL or the embedded SQLite file)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    bank = sub.add_parser("bank", help="validate or print the question bank")
    bank_sub = bank.add_subparsers(dest="bank_command", required=True)
    check = bank_sub.add_parser("check", help="validate a bank folder (default: data/bank/v2)")
    check.add_argument("path", nargs="?")
    check.set_defaults(func=cmd_bank_check)
    show = bank_sub.add_parser("show", help="print the bank")
    show.add_argument("path", nargs="?")
    show.add_argument("--json", action="store_true", help="the whole bank as JSON")
    show.set_defaults(func=cmd_bank_show)
    stats = bank_sub.add_parser(
        "stats",
        help="instrument health over stored assessments: Cronbach's alpha, item-total and "
        "inter-pillar correlations, level distributions",
    )
    stats.add_argument("--wave", type=int, help="yearly wave (default: the newest with data)")
    stats.add_argument("--bank-version", help="bank version, e.g. 2.0 (default: the current bank)")
    stats.add_argument("--mode", choices=("full", "quick"), default="full")
    stats.add_argument(
        "--all-submitted",
        action="store_true",
        help="every latest submission, not only those that count in norms",
    )
    stats.add_argument("--json", action="store_true", help="the figures as JSON")
    stats.set_defaults(func=cmd_bank_stats)

    score = sub.add_parser("score", help='score {"answers": {...}} from a JSON file (- for stdin)')
    score.add_argument("file")
    score.add_argument("--bank", help="bank folder (default: the current bank, data/bank/v2)")
    score.set_defaults(func=cmd_score)

    peer = sub.add_parser(
        "peers", help="where a profile and answers stand among their peers (JSON file, - for stdin)"
    )
    peer.add_argument("file")
    peer.add_argument("--bank", help="bank folder (default: the current bank, data/bank/v2)")
    peer.set_defaults(func=cmd_peers)

    norms = sub.add_parser(
        "norms", help="how many (verified) companies a wave's norms rest on, by size and division"
    )
    norms.add_argument("--wave", type=int, help="the yearly wave (default: the newest)")
    norms.add_argument("--mode", choices=("full", "quick"), default="full")
    norms.set_defaults(func=cmd_norms)

    sug = sub.add_parser(
        "suggest",
        help="partner types that fit a profile and answers, with reasons (JSON file, - for stdin)",
    )
    sug.add_argument("file")
    sug.add_argument("--lang", choices=["ko", "en"], default="ko")
    sug.add_argument("--limit", type=int, help="at most N partner types")
    sug.add_argument("--bank", help="bank folder (default: the current bank, data/bank/v2)")
    sug.add_argument("--catalog", help="partner catalog (default: data/partners.yaml)")
    sug.set_defaults(func=cmd_suggest)

    prog = sub.add_parser(
        "programs",
        help="support programmes a profile may apply for, best fit to its gaps first, with "
        "reasons (JSON file, - for stdin)",
    )
    prog.add_argument("file")
    prog.add_argument("--lang", choices=["ko", "en"], default="ko")
    prog.add_argument("--limit", type=int, help="at most N programmes (default: 5)", default=5)
    prog.add_argument("--date", help="match as on this day, YYYY-MM-DD (default: today)")
    prog.add_argument("--bank", help="bank folder (default: the current bank, data/bank/v2)")
    where = prog.add_mutually_exclusive_group()
    where.add_argument("--catalog", help="programme catalog (default: data/programs.yaml)")
    where.add_argument(
        "--stored",
        action="store_true",
        help="the catalog companies see: the newest upload in the database (--database-url)",
    )
    prog.set_defaults(func=cmd_programs)

    partners = sub.add_parser("partners", help="validate and print the partner catalog")
    partners.add_argument("--json", action="store_true", help="the whole catalog as JSON")
    partners.add_argument("--catalog", help="partner catalog (default: data/partners.yaml)")
    partners.set_defaults(func=cmd_partners)

    bench = sub.add_parser("benchmarks", help="validate and print the published figures")
    bench.add_argument("--json", action="store_true", help="the whole file as JSON")
    bench.add_argument("--file", help="figures (default: data/public_benchmarks.yaml)")
    bench.set_defaults(func=cmd_benchmarks)

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="migrate the schema to the newest revision")
    up.set_defaults(func=cmd_db_upgrade)

    seed = sub.add_parser("seed", help="add deterministic synthetic members (flagged synthetic)")
    seed.add_argument("--companies", type=int, default=2000)
    seed.add_argument("--waves", type=int, default=3)
    seed.add_argument("--seed", type=int, default=20261129)
    seed.set_defaults(func=cmd_seed)

    aud = sub.add_parser("audit", help="the hash-chained audit log")
    aud_sub = aud.add_subparsers(dest="audit_command", required=True)
    verify = aud_sub.add_parser(
        "verify",
        help="check the chain, its signatures and a checkpoint; names the first altered event",
    )
    verify.add_argument(
        "--checkpoint", help="a file `audit checkpoint` wrote: catches truncation and rewrites"
    )
    verify.set_defaults(func=cmd_audit_verify)
    cp = aud_sub.add_parser(
        "checkpoint", help="the log's head, signed, as JSON to keep off the server"
    )
    cp.add_argument("--out", help="write it to FILE (default: standard output)")
    cp.set_defaults(func=cmd_audit_checkpoint)

    backup = sub.add_parser("backup", help="consistent copy of the SQLite database")
    backup.add_argument("out")
    backup.add_argument("--force", action="store_true", help="overwrite OUT")
    backup.set_defaults(func=cmd_backup)

    staff = sub.add_parser("staff", help="staff accounts (passwords are read from stdin)")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    staff_add = staff_sub.add_parser(
        "add", help="add a staff account; the password is the first line of stdin"
    )
    staff_add.add_argument("email")
    staff_add.add_argument("--name", default="", help="display name")
    staff_add.set_defaults(func=cmd_staff_add)
    staff_pw = staff_sub.add_parser(
        "passwd", help="replace a password (first line of stdin) and lift any lock"
    )
    staff_pw.add_argument("email")
    staff_pw.set_defaults(func=cmd_staff_passwd)
    staff_ls = staff_sub.add_parser("list", help="accounts, last sign-in, locks")
    staff_ls.set_defaults(func=cmd_staff_list)
    staff_rm = staff_sub.add_parser("remove", help="delete a staff account")
    staff_rm.add_argument("email")
    staff_rm.set_defaults(func=cmd_staff_remove)
    imp = sub.add_parser(
        "import", help="import members and past results from CSV or .xlsx (preview first)"
    )
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="check and show, write nothing")
    imp.add_argument("--lang", choices=("ko", "en"), default="en", help="language of messages")
    imp.add_argument("--actor", default="cli", help="who imports, for the audit log")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export members or results (format from --out)")
    exp.add_argument("--out", required=True, help="FILE.csv or FILE.xlsx")
    exp.add_argument("--kind", choices=("members", "assessments", "template"), default="members")
    exp.add_argument("--lang", choices=("ko", "en"), default="ko", help="language of headers")
    exp.add_argument("--wave", type=int, action="append", help="only these waves (repeatable)")
    exp.add_argument("--ksic", action="append", help="only these divisions, e.g. C29 (repeatable)")
    exp.add_argument("--size-band", action="append", help="only these size bands, e.g. 10-49")
    exp.add_argument("--region", action="append", help="only these region codes (repeatable)")
    exp.add_argument("--mode", action="append", choices=("full", "quick"), help="only these modes")
    exp.add_argument("--no-synthetic", action="store_true", help="leave out synthetic demo data")
    exp.add_argument("--actor", default="cli", help="who exports, for the audit log")
    exp.set_defaults(func=cmd_export)

    ws = sub.add_parser("workshop", help="live workshops: create, list, open, pause, close")
    ws_sub = ws.add_subparsers(dest="workshop_command", required=True)
    ws_new = ws_sub.add_parser("create", help="create an open workshop; prints its code and link")
    ws_new.add_argument("title")
    ws_new.add_argument("--date", help="the day it is held, YYYY-MM-DD (default: today)")
    ws_new.add_argument("--lang", choices=("ko", "en"), default="ko", help="language of the room")
    ws_new.add_argument("--qr", help="also write the join link as a QR code (FILE.png or .svg)")
    ws_new.add_argument("--actor", default="cli", help="who creates it, for the audit log")
    ws_new.set_defaults(func=cmd_workshop_create)
    ws_ls = ws_sub.add_parser("list", help="workshops, newest first, with head counts")
    ws_ls.set_defaults(func=cmd_workshop_list)
    for verb, status in WORKSHOP_VERBS.items():
        ws_set = ws_sub.add_parser(verb, help=f"set a workshop {status} (by its code)")
        ws_set.add_argument("code")
        ws_set.add_argument("--actor", default="cli", help="who does it, for the audit log")
        ws_set.set_defaults(func=cmd_workshop_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # e.g. `readiness bank show | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
