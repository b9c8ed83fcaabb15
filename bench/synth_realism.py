"""Print the realism table of the synthetic members: published vs synthetic, and the stage mix.

    .venv/bin/python bench/synth_realism.py        # 19,000 members, one wave (the calibrated one)
    .venv/bin/python bench/synth_realism.py -n 4000 --seed 7

Generates in memory (no database) from the current bank and data/synth_calibration.yaml.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from readiness import synth  # noqa: E402
from readiness.bank import default_bank  # noqa: E402


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--companies", type=int, default=19_000)
    parser.add_argument("--seed", type=int, default=synth.DEMO_SEED)
    args = parser.parse_args(argv)

    bank = default_bank()
    calibration = synth.default_calibration()
    data = synth.frames(
        synth.generate(
            bank,
            companies=args.companies,
            waves=1,
            seed=args.seed,
            first_company_id=1,
            first_assessment_id=1,
        )
    )
    checks = synth.measure(calibration, data)
    print(
        f"Synthetic members vs published marginals: {args.companies:,} companies, one wave, "
        f"seed {args.seed}, bank {bank.version}, calibration as of {calibration.as_of}"
    )
    if not calibration.applies_to(bank):
        print(f"(the calibration is made for bank {calibration.bank_version}: answers not bound)")
    print()
    print("| target | scope | published | tolerance | synthetic | n | ok | basis | source |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |")
    for c in checks:
        t = c.target
        source = calibration.sources[t.source]
        scope = t.size_band or (f"reweighted: {t.reweight}" if t.reweight else "all")
        print(
            f"| {t.label.en} | {scope} | {_pct(t.value)} | ±{100 * t.tolerance:.1f} pp "
            f"| {_pct(c.synthetic)} | {c.n:,} | {'yes' if c.ok else 'NO'} | {t.basis} "
            f"| {source.publisher}, {source.title}, {source.year} |"
        )

    companies = data["company"].rename(columns={"id": "company_id"})
    assessments = data["assessment"].merge(companies, on="company_id")
    full = assessments[(assessments["mode"] == "full") & assessments["norm_eligible"]]
    print()
    print(f"Stage mix (full assessments that count in norms, n = {len(full):,}):")
    mix = full["stage"].value_counts(normalize=True)
    for stage in bank.stages:
        print(f"  {stage.name.en:<16}{_pct(float(mix.get(stage.id, 0.0))):>8}")
    members = companies["size_band"].value_counts(normalize=True)
    adoption = assessments[assessments["norm_eligible"]].merge(
        data["answer"][data["answer"]["item_id"] == "AI03"],
        left_on="id",
        right_on="assessment_id",
    )
    raw = (adoption["level"] >= 2).mean() if len(adoption) else None
    print()
    print("Membership by size band: " + ", ".join(f"{b} {_pct(members.get(b, 0.0))}" for b in
          ["1-9", "10-49", "50-299", "300+"]))  # fmt: skip
    print(f"Smart-factory adoption in the membership itself (not reweighted): {_pct(raw)}")
    failed = sum(not c.ok for c in checks)
    print(f"{len(checks) - failed} of {len(checks)} targets within tolerance")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
