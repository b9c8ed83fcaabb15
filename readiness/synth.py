"""Deterministic synthetic members: a demo membership that looks like the real one.

Everything is drawn from one numpy generator seeded by `seed`, in a fixed order and vectorised over
the whole data set, so the same seed and sizes give identical rows however they are batched.

Calibration. data/synth_calibration.yaml holds published marginals of Korean manufacturing SMEs
(smart-factory adoption and level mix by size, AI in production by size, exporters' share,
servitization, stage mix), each with value, tolerance and source; `measure` compares a generated
population with them (tests/unit/test_synth_calibration.py, bench/synth_realism.py). The latest wave
is the calibrated one; earlier waves sit lower by the yearly improvement.

Answers come from a latent-capability model. Each company has a general capability (standard normal,
independent of size) that also raises its chance to export and its export share; a pillar's level
rises with size, that capability, a per-pillar residual and, for export readiness, export activity.
An ordinary item's level is the pillar level less the item's difficulty, plus noise, rounded and
clipped to 0..5. On the v2 bank some items follow the profile by construction:
- EXP02 (direct export share) is the profile's export share on the item's ladder;
- EXP03 (countries with repeat orders) stays within what that share allows;
- AI03 (smart-factory level) is an ordinal cut of the AI capability at thresholds that reproduce
  the calibrated level mix of the company's size band; AI in production (AI04, AI05 at 4+) likewise;
- SRV01 (service offering) follows the segment's ladder, paid recurring services being rare;
- role and segment move the items they concern (customer dependence, indirect export, online sales).
Critical items and factual ones are never "not applicable". Scores are computed by
`scoring.score_assessment`, exactly as a real submission is.
"""

from __future__ import annotations

import math
import time
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from statistics import NormalDist
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
import yaml
from pydantic import Field, ValidationError, model_validator

from readiness import peers, reference, store, strict_yaml
from readiness.bank import Bank, Strict, Text
from readiness.config import settings
from readiness.models import Answer, Assessment, Company, PillarScoreRow
from readiness.paths import DATA_DIR
from readiness.scoring import score_assessment

DEMO_SEED = 20261129
ACTOR = "demo"
BATCH_COMPANIES = 2000

# --- the shape of the membership --------------------------------------------------------------

# Relative share of members per KSIC division (innovative manufacturing SMEs: machinery, metal
# working, electronics, plastics, electrical equipment, chemicals, food and auto parts lead).
KSIC_WEIGHTS = {
    "C10": 6.0, "C11": 1.0, "C12": 0.25, "C13": 2.0, "C14": 1.5, "C15": 1.0, "C16": 0.8,
    "C17": 1.8, "C18": 1.0, "C19": 0.3, "C20": 6.5, "C21": 3.0, "C22": 7.5, "C23": 2.5,
    "C24": 3.0, "C25": 11.0, "C26": 10.0, "C27": 5.0, "C28": 7.0, "C29": 15.0, "C30": 6.0,
    "C31": 1.5, "C32": 1.5, "C33": 2.0, "C34": 1.2,
}  # fmt: skip
REGION_WEIGHTS = {
    "11": 7.0, "26": 5.0, "27": 5.0, "28": 7.0, "29": 2.5, "30": 3.5, "31": 2.5, "36": 0.6,
    "41": 36.0, "51": 1.5, "43": 5.0, "44": 6.0, "52": 2.0, "46": 1.5, "47": 5.5, "48": 8.0,
    "50": 0.4,
}  # fmt: skip
# Head count is log-normal around a median of 30: many 10-49, few 300+.
EMPLOYEES_MEDIAN = 30
EMPLOYEES_SIGMA = 1.2
EMPLOYEES_MAX = 3000
# Revenue per employee, KRW 100 million (억 원), log-normal; band edges in the same unit.
REVENUE_PER_EMPLOYEE = 3.0
REVENUE_SIGMA = 0.5
REVENUE_EDGES = (10, 50, 100, 500, 1500)
# Probit of being a direct exporter: per log head count, per division, and per unit of general
# capability; the intercept is solved so that the exporters' share meets the calibration.
EXPORT_PER_LOG_SIZE = 0.45
EXPORT_PER_CAPABILITY = 0.6
EXPORT_DIVISION = {
    "C26": 0.5, "C29": 0.35, "C27": 0.35, "C20": 0.3, "C21": 0.2, "C28": 0.2, "C30": 0.2,
    "C22": 0.05, "C10": -0.2, "C11": -0.3, "C12": -0.35, "C16": -0.55, "C18": -0.7, "C23": -0.4,
    "C32": -0.35, "C34": -0.7,
}  # fmt: skip
# Export share of sales among exporters: logit-normal around a median of EXPORT_SHARE_MEDIAN, higher
# for more capable firms (most SME exporters sell a small part of their output abroad).
EXPORT_SHARE_MEDIAN = 0.09
EXPORT_SHARE_SIGMA = 1.7
EXPORT_SHARE_CAPABILITY = 0.4
SUB_PERCENT_SHARE = 0.005  # samples and one-off orders: under 1 % of sales
MARKET_WEIGHTS = {
    "CN": 20, "US": 18, "VN": 14, "JP": 14, "EU": 10, "IN": 5, "ASEAN": 8, "ME": 4, "LATAM": 3,
    "OTHER": 4,
}  # fmt: skip
MACHINERY = ("C27", "C28", "C29", "C34")
CONSENT_SUGGEST = 0.6
CONSENT_NAMED = 0.4

# --- the latent-capability model (level units, 0..5) ------------------------------------------

SIZE_EFFECT = 0.3  # per log head count above the median
CAPABILITY_EFFECT = 0.4  # per standard deviation of general capability
PILLAR_BASE = {"EXP": 1.65, "SRV": 1.65, "AI": 1.65, "COL": 2.2}
EXP_EXPORTER_OFFSET = 0.9
EXP_SHARE_OFFSET = 1.0
SRV_MACHINERY_OFFSET = 0.45
SRV_AFTER_SALES_OFFSET = 0.35
PILLAR_NOISE = 0.35
ITEM_DIFFICULTY = 0.3
ANSWER_NOISE = 0.65
GROWTH_PER_YEAR = 0.15
GROWTH_NOISE = 0.08
WAVE_NOISE = 0.12
BASE_CAPABILITY = 1.5  # the v1 bank (no calibration): one base for every pillar
PILLAR_OFFSET_V1 = {"EXP": -0.55, "SRV": -0.15, "AI": -0.8, "COL": 0.0}

# Items that follow the profile on the calibrated bank (v2 item ids and ladders).
EXPORT_SHARE_ITEM = "EXP02"  # 0 none, 1 <1 %, 2 1-10 %, 3 10-30 %, 4 30-50 %, 5 50 % or more
EXPORT_SHARE_EDGES = (0.01, 0.10, 0.30, 0.50)  # lower edges (inclusive) of levels 2, 3, 4, 5
COUNTRIES_ITEM = "EXP03"  # countries with repeat direct orders
# The range of EXP03 that each EXP02 level allows (no exports last year: none, or one-off orders).
COUNTRIES_RANGE = {0: (0, 1), 1: (1, 2), 2: (1, 3), 3: (2, 4), 4: (2, 5), 5: (3, 5)}
SMART_FACTORY_ITEM = "AI03"
# AI decides on the line (quality) or predicts failures (maintenance) from level 4; planning only at
# level 5 (AI demand forecasts), which is kept for firms that use AI in production.
PRODUCTION_AI_ITEMS = ("AI04", "AI05")
PRODUCTION_AI_LEVEL = 4
AI_PLANNING_ITEM = "AI06"
OFFERING_ITEM = "SRV01"
SERVICE_REVENUE_ITEM = "SRV02"
# Items no respondent can call "not applicable" beyond the critical ones: facts about the firm.
FACTUAL_ITEMS = frozenset({EXPORT_SHARE_ITEM, COUNTRIES_ITEM})
# Items that need direct export sales to go beyond level 2 (contracted channels abroad with orders,
# trade credit and currency risk on real receivables, steady online sales abroad).
EXPORT_ONLY_ITEMS = ("EXP11", "EXP15", "EXP16", "EXP17")
NON_EXPORTER_CAP = 2
# Role and segment effects on single items (level units).
ITEM_EFFECTS = {
    # largest customer's share: suppliers depend on few customers
    "EXP05": {"supplier": -0.9, "consumer": 0.4},
    # indirect export: suppliers know where their parts go abroad
    "EXP04": {"supplier": 0.7},
    # selling online abroad: consumer goods yes, parts and materials hardly
    "EXP17": {"consumer": 0.9, "supplier": -0.8},
    # data exchange with customers: suppliers to OEMs do it more
    "COL04": {"supplier": 0.3},
}
SUPPLIER_ROLES = frozenset({"raw_material", "components", "packaging_design"})
# Smart-factory level by size band, besides the calibrated shares (assumptions): among non-adopters
# the share running an ERP; among intermediate-or-above adopters the share at intermediate 2.
ERP_ONLY_SHARE = {"1-9": 0.3, "10-49": 0.5, "50-299": 0.65, "300+": 0.6}
INTERMEDIATE2_SHARE = 0.25
SMART_FACTORY_LOADING = 0.85  # how closely AI03 follows the AI capability
PRODUCTION_AI_LOADING = 0.85
GROWTH_Z = 0.12  # yearly improvement on the standard-normal scale of the calibrated items
# Service offering ladder by segment: P(level >= 1) .. P(level >= 5) (assumptions; paid recurring
# services, level 3 and above, are rare outside equipment makers).
OFFERING_LADDER = {
    "equipment": (0.80, 0.50, 0.20, 0.06, 0.015),
    "component": (0.65, 0.30, 0.075, 0.018, 0.004),
    "consumer": (0.60, 0.28, 0.075, 0.018, 0.004),
}
OFFERING_SIZE_LOADING = 0.35
OFFERING_LOADING = 0.8

# --- who answers what -------------------------------------------------------------------------

FIRST_WAVE_SHARE = 0.55  # members present from the first wave; the rest join in later years
PARTICIPATION = 0.8  # chance of taking a wave after joining
QUICK_SHARE = 0.15
INCOMPLETE_SHARE = 0.05  # of full assessments: answered only in part (completeness < 0.8)
STRAIGHT_SHARE = 0.01
NA_SHARE = 0.03
GOAL_SHARE = 0.5


# --- the calibration file (data/synth_calibration.yaml) --------------------------------------

CALIBRATION_PATH = DATA_DIR / "synth_calibration.yaml"
Level = Annotated[int, Field(ge=0, le=5)]
Share = Annotated[float, Field(ge=0, le=1)]


class CalibrationError(ValueError):
    """A malformed calibration file; the message names file and field."""


class Source(Strict):
    publisher: Annotated[str, Field(min_length=1)]
    title: Annotated[str, Field(min_length=1)]
    year: Annotated[int, Field(ge=1990, le=2100)]


class Condition(Strict):
    """Who counts in a target's denominator: any of `items` at a level in range, or exporters."""

    items: list[str] = []
    min_level: Level = 0
    max_level: Level = 5
    exporter: bool | None = None


class Measure(Strict):
    kind: Literal["item", "exporter", "stage"]
    items: list[str] = []
    min_level: Level = 0
    max_level: Level = 5
    stages: list[Literal["beginner", "promising", "leading", "champion"]] = []

    @model_validator(mode="after")
    def _complete(self) -> Measure:
        if self.kind == "item" and not self.items:
            raise ValueError("an item measure names its items")
        if self.kind == "stage" and not self.stages:
            raise ValueError("a stage measure names its stages")
        if self.min_level > self.max_level:
            raise ValueError("min_level is above max_level")
        return self


class Target(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: Text
    population: Literal["members", "assessments"]
    measure: Measure
    among: Condition | None = None
    size_band: str | None = None
    reweight: str | None = None
    value: Share
    tolerance: Annotated[float, Field(gt=0, le=1)]
    basis: Literal["published", "assumption"]
    source: str
    note: str = ""

    @model_validator(mode="after")
    def _fits(self) -> Target:
        if self.population == "members" and self.measure.kind != "exporter":
            raise ValueError("population members: only the exporter measure reads profiles alone")
        if self.size_band is not None and self.reweight is not None:
            raise ValueError("a target is either one size band or reweighted, not both")
        return self

    def within(self, synthetic: float | None) -> bool:
        return synthetic is not None and abs(synthetic - self.value) <= self.tolerance + 1e-12


class Calibration(Strict):
    as_of: Annotated[int, Field(ge=1990, le=2100)]
    note: Annotated[str, Field(min_length=1)]
    bank_version: str
    size_mixes: dict[str, dict[str, Share]] = {}
    sources: dict[str, Source]
    targets: Annotated[list[Target], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Calibration:
        bands = set(reference.size_band_ids())
        for name, mix in self.size_mixes.items():
            if set(mix) != bands:
                raise ValueError(f"size_mixes.{name}: give every size band ({', '.join(bands)})")
            if abs(sum(mix.values()) - 1) > 0.01:
                raise ValueError(f"size_mixes.{name}: shares must add up to 1")
        seen: set[tuple[str, str | None, str | None]] = set()
        for n, t in enumerate(self.targets):
            where = f"targets.{n} ({t.id})"
            if t.source not in self.sources:
                raise ValueError(f"{where}: unknown source {t.source!r}")
            if t.size_band is not None and t.size_band not in bands:
                raise ValueError(f"{where}: unknown size band {t.size_band!r}")
            if t.reweight is not None and t.reweight not in self.size_mixes:
                raise ValueError(f"{where}: unknown size mix {t.reweight!r}")
            key = (t.id, t.size_band, t.reweight)
            if key in seen:
                raise ValueError(f"{where}: duplicate target (same id, size band and reweighting)")
            seen.add(key)
        return self

    def target(self, target_id: str, size_band: str | None = None) -> Target:
        """The target of this id for one size band (or the overall one, not reweighted)."""
        for t in self.targets:
            if t.id == target_id and t.size_band == size_band and t.reweight is None:
                return t
        for t in self.targets:  # an overall figure stands for every band
            if t.id == target_id and t.size_band is None:
                return t
        raise KeyError(f"no calibration target {target_id!r} for size band {size_band!r}")

    def value(self, target_id: str, size_band: str | None = None) -> float:
        return self.target(target_id, size_band).value

    def applies_to(self, bank: Bank) -> bool:
        """The profile-bound answers need the bank (major version) the calibration was made for."""
        return bank.version.split(".")[0] == self.bank_version.split(".")[0]


def load_calibration(path: Path | str | None = None) -> Calibration:
    """Load and validate the calibration file; raises CalibrationError naming file and field."""
    where = Path(path) if path else CALIBRATION_PATH
    try:
        with where.open(encoding="utf-8") as fh:
            raw = strict_yaml.safe_load(fh)
    except FileNotFoundError:
        raise CalibrationError(f"{where}: file not found") from None
    except yaml.YAMLError as exc:
        raise CalibrationError(f"{where}: not valid YAML: {exc}") from None
    try:
        return Calibration.model_validate(raw)
    except ValidationError as exc:
        lines = [
            f"{where}: field {'.'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise CalibrationError("\n".join(lines)) from None


@lru_cache(maxsize=1)
def default_calibration() -> Calibration:
    return load_calibration()


# --- comparing a generated population with the calibration -----------------------------------


@dataclass(frozen=True)
class Check:
    """One target, its synthetic value and the number of cases it rests on."""

    target: Target
    synthetic: float | None
    n: int

    @property
    def ok(self) -> bool:
        return self.target.within(self.synthetic)


def frames(batches: Iterable[store.RowBatch]) -> dict[str, pd.DataFrame]:
    """Generated row batches as one data frame per table (company, assessment, answer, ...)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for batch in batches:
        for model, batch_rows in batch.items():
            rows.setdefault(str(model.__tablename__), []).extend(batch_rows)
    return {table: pd.DataFrame(r) for table, r in rows.items()}


def _in_range(levels: pd.DataFrame, items: Sequence[str], lo: int, hi: int) -> pd.Series:
    present = [i for i in items if i in levels.columns]
    if not present:
        return pd.Series(False, index=levels.index)
    block = levels[present]
    return ((block >= lo) & (block <= hi)).any(axis=1)


def _answered(levels: pd.DataFrame, items: Sequence[str]) -> pd.Series:
    present = [i for i in items if i in levels.columns]
    if not present:
        return pd.Series(False, index=levels.index)
    return levels[present].notna().any(axis=1)


def measure(calibration: Calibration, data: Mapping[str, pd.DataFrame]) -> list[Check]:
    """Every target of the calibration measured on a generated (or stored) population.

    `data` holds the company, assessment and answer tables (`frames`). Assessments: the latest wave,
    those that count in norms; items: those with a level (N/A and unanswered left out).
    """
    companies = data["company"].rename(columns={"id": "company_id"})
    assessments = data["assessment"]
    latest = assessments[
        (assessments["wave"] == assessments["wave"].max())
        & assessments["norm_eligible"].astype(bool)
    ].merge(companies[["company_id", "size_band", "export_share"]], on="company_id")
    levels = data["answer"].pivot(index="assessment_id", columns="item_id", values="level")
    latest = latest.join(levels.astype(float), on="id")
    members = companies.assign(mode="member")
    checks = []
    for t in calibration.targets:
        frame = members if t.population == "members" else latest
        m = t.measure
        if m.kind == "stage":
            frame = frame[frame["mode"] == "full"]
            base = frame["stage"].notna()
            hit = frame["stage"].isin(m.stages)
        elif m.kind == "exporter":
            base = pd.Series(True, index=frame.index)
            hit = frame["export_share"] > 0
        else:
            base = _answered(frame, m.items)
            hit = _in_range(frame, m.items, m.min_level, m.max_level)
        cond = pd.Series(True, index=frame.index)
        if t.among is not None:
            if t.among.items:
                base &= _answered(frame, t.among.items)
                cond &= _in_range(frame, t.among.items, t.among.min_level, t.among.max_level)
            if t.among.exporter is not None:
                cond &= (frame["export_share"] > 0) == t.among.exporter
        if t.size_band is not None:
            base &= frame["size_band"] == t.size_band
        if t.reweight is None:
            den = int((base & cond).sum())
            value = float((base & cond & hit).sum()) / den if den else None
            checks.append(Check(t, value, den))
            continue
        num = den_w = 0.0
        n = 0
        for band, weight in calibration.size_mixes[t.reweight].items():
            in_band = base & (frame["size_band"] == band)
            total = int(in_band.sum())
            if not total:
                continue
            n += int((in_band & cond).sum())
            num += weight * float((in_band & cond & hit).sum()) / total
            den_w += weight * float((in_band & cond).sum()) / total
        checks.append(Check(t, num / den_w if den_w else None, n))
    return checks


def _words(text: str) -> list[str]:
    return text.split()


# --- names and products -----------------------------------------------------------------------

NAME_WORDS = _words(
    "가람 동해 한빛 세진 대성 성진 우진 태광 신흥 한울 보광 청림 새롬 다온 한결 누리 해솔 온누리 "
    "서해 남해 동진 유진 영진 금강 백두 한라 소백 태백 무등 대원 삼원 세원 화신 극동 대명 명성 "
    "진성 신성 일신 경신 범진 아름 다인 나래 미르 한솔 청운 은하 별빛 늘푸른 바른 으뜸 푸른솔 "
    "새빛 참빛 해오름 마루 한길 동방 서광 대광 금성 태양 광명 중앙 대영 세광 동원 보성"
)
FIRST_SYLLABLES = _words(
    "가 강 경 고 광 금 기 남 다 대 덕 동 두 명 문 미 민 백 범 보 부 삼 상 새 서 석 선 성 세 소 송 "
    "수 승 신 아 안 영 예 오 용 우 원 유 윤 은 인 일 재 정 제 주 중 지 진 창 천 청 태 평 풍 하 한 "
    "해 현 형 화 효 흥"
)
SECOND_SYLLABLES = _words(
    "강 경 광 남 동 명 민 보 산 선 성 신 안 양 영 우 원 웅 일 인 전 정 진 창 천 태 하 한 해 현 "
    "호 화 흥 림 솔 빛 율"
)
GENERIC_SUFFIXES = _words("산업 테크 코리아 글로벌 인더스트리 엔지니어링 이엔지")
DIVISION_SUFFIXES = {
    "C10": "식품 푸드 에프앤비 농산 제과",
    "C11": "음료 주조 양조 베버리지",
    "C12": "엽연초 산업",
    "C13": "섬유 텍스타일 화섬 방직",
    "C14": "어패럴 패션 니트 섬유",
    "C15": "피혁 레더 제화",
    "C16": "목재 우드 합판",
    "C17": "제지 페이퍼 팩 지업",
    "C18": "인쇄 프린팅 아트",
    "C19": "에너지 유화 오일",
    "C20": "화학 케미칼 켐 소재 머티리얼즈",
    "C21": "제약 바이오 팜 메디텍",
    "C22": "플라스틱 폴리머 고무 화성 프라텍",
    "C23": "세라믹 요업 글라스 석재",
    "C24": "금속 메탈 철강 주철 제강",
    "C25": "정밀 금속 금형 메탈 정공 테크",
    "C26": "전자 일렉트로닉스 반도체 시스템 디스플레이 테크",
    "C27": "메디칼 옵틱스 계측 정밀 의료기",
    "C28": "전기 일렉트릭 에너지 파워텍 전기산업",
    "C29": "기계 정밀 로보틱스 오토메이션 기공 엔지니어링 테크",
    "C30": "오토텍 모빌리티 오토 정공 산업",
    "C31": "중공업 조선기자재 에어로 마린",
    "C32": "가구 퍼니처 리빙 디자인",
    "C33": "스포츠 토이 주얼리 디자인",
    "C34": "엔지니어링 기전 설비 테크",
}
DIVISION_PRODUCTS = {
    "C10": "김치|건강기능식품|소스·양념|냉동만두|떡·제과|원두커피|김 가공품|유제품",
    "C11": "전통주|생수|음료 원액|커피 음료|수제 맥주",
    "C12": "궐련 필터|전자담배 액상",
    "C13": "산업용 부직포|기능성 원단|자동차 시트 원단|원사",
    "C14": "작업복|아웃도어 의류|니트 의류|유니폼",
    "C15": "가죽 가방|안전화|신발 밑창|가죽 소품",
    "C16": "목재 팔레트|합판|원목 마루|목재 포장재",
    "C17": "골판지 상자|종이컵|종이 빨대|위생용지|종이 포장재",
    "C18": "포장 인쇄|라벨 인쇄|출판 인쇄",
    "C19": "윤활유|재생 연료유|아스팔트 제품",
    "C20": "화장품 원료|접착제|도료|산업용 세정제|2차전지 소재|기능성 코팅제",
    "C21": "원료의약품|완제의약품|의료용 소독제|진단 시약",
    "C22": "플라스틱 사출품|고무 패킹|포장 필름|플라스틱 빨대|자동차 내장 부품|PET 용기",
    "C23": "세라믹 부품|특수 유리|내화물|콘크리트 제품",
    "C24": "알루미늄 압출재|주물|특수강 선재|동 합금",
    "C25": "금형|정밀 가공 부품|금속 프레스 부품|볼트·너트|판금 가공품|스프링",
    "C26": "PCB|센서 모듈|LED 조명 모듈|반도체 부품|디스플레이 부품|IoT 단말기|카메라 모듈",
    "C27": "의료기기|정밀 측정기|광학 렌즈|치과용 임플란트|분석 장비",
    "C28": "배전반|2차전지 부품|전동기|변압기|EV 충전기|케이블",
    "C29": "공작기계|산업용 로봇|포장 기계|식품 가공 기계|유압 부품|반도체 장비|커피 로스터기",
    "C30": "자동차 부품|브레이크 부품|전장 부품|차체 부품|시트 부품",
    "C31": "선박 부품|항공기 부품|철도차량 부품|드론",
    "C32": "사무용 가구|주방 가구|침대|학교 가구",
    "C33": "스포츠 용품|완구|주얼리|문구|악기",
    "C34": "산업 설비 유지보수|공작기계 수리|발전설비 정비",
}
# Main value-chain role per division, with its weight; a second role is added for some members.
DIVISION_ROLES = {
    "C10": {"final_product": 7, "raw_material": 2, "packaging_design": 1},
    "C11": {"final_product": 9, "packaging_design": 1},
    "C12": {"final_product": 6, "raw_material": 4},
    "C13": {"raw_material": 6, "components": 3, "final_product": 1},
    "C14": {"final_product": 8, "components": 2},
    "C15": {"final_product": 7, "components": 3},
    "C16": {"raw_material": 6, "final_product": 4},
    "C17": {"packaging_design": 6, "raw_material": 4},
    "C18": {"packaging_design": 9, "platform_software": 1},
    "C19": {"raw_material": 1},
    "C20": {"raw_material": 8, "final_product": 2},
    "C21": {"final_product": 6, "raw_material": 4},
    "C22": {"components": 6, "packaging_design": 2, "raw_material": 1, "final_product": 1},
    "C23": {"raw_material": 5, "components": 4, "final_product": 1},
    "C24": {"raw_material": 9, "components": 1},
    "C25": {"components": 17, "final_product": 3},
    "C26": {"components": 7, "final_product": 2, "platform_software": 1},
    "C27": {"final_product": 8, "components": 2},
    "C28": {"components": 1, "final_product": 1},
    "C29": {"final_product": 3, "components": 1},
    "C30": {"components": 19, "final_product": 1},
    "C31": {"components": 9, "final_product": 1},
    "C32": {"final_product": 1},
    "C33": {"final_product": 9, "packaging_design": 1},
    "C34": {"after_sales": 1},
}
SECOND_ROLE_SHARE = 0.4
NAME_FORMS = {"": 0.8, "(주)": 0.12, "주식회사 ": 0.08}
SURVEY_START = (3, 2)  # a wave's survey opens on 2 March and runs for SURVEY_DAYS
SURVEY_DAYS = 240
KST = timezone(timedelta(hours=9))


def _weights(keys: list[str], table: Mapping[str, float], default: float = 1.0) -> np.ndarray:
    w = np.array([table.get(k, default) for k in keys], dtype=float)
    return w / w.sum()


def _covering_choice(rng: np.random.Generator, n: int, p: np.ndarray) -> np.ndarray:
    """Category indices drawn with probabilities p, every category present when n allows."""
    idx = rng.choice(len(p), size=n, p=p)
    if n >= len(p):
        idx[rng.permutation(n)[: len(p)]] = np.arange(len(p))
    return idx


def _one(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _pick(rng: np.random.Generator, weights: Mapping[str, float]) -> str:
    """One key, drawn with probability proportional to its weight."""
    cumulative = list(accumulate(weights.values()))
    return list(weights)[bisect_right(cumulative, rng.random() * cumulative[-1])]


class _Names:
    """Plausible, unique Korean SME names that fit the division."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _stem(self) -> str:
        if self.rng.random() < 0.3:
            return _one(self.rng, NAME_WORDS)
        first, second = _one(self.rng, FIRST_SYLLABLES), _one(self.rng, SECOND_SYLLABLES)
        return f"{first}{second}" if first != second else f"{first}{second}{second}"

    def new(self, ksic: str) -> str:
        suffixes = DIVISION_SUFFIXES.get(ksic, "").split() or GENERIC_SUFFIXES
        for attempt in range(100):
            pool = GENERIC_SUFFIXES if self.rng.random() < 0.25 else suffixes
            bare = f"{self._stem()}{_one(self.rng, pool)}"
            if attempt >= 50:
                bare = f"{self._stem()}{bare}"
            if bare not in self.used:
                break
        else:  # pragma: no cover - needs far more companies than any demo
            raise RuntimeError("ran out of distinct company names")
        self.used.add(bare)
        return f"{_pick(self.rng, NAME_FORMS)}{bare}"


_PHI = np.vectorize(lambda x: 0.5 * (1.0 + math.erf(x / math.sqrt(2.0))), otypes=[float])


@lru_cache(maxsize=8)
def _export_intercept(share: float) -> float:
    """The probit intercept that makes `share` of the expected membership direct exporters.

    Integrates over the log-normal head count and the division mix (not over a sample), so the
    intercept depends on the calibration only, never on how many companies are generated.
    """
    ksics = reference.ksic_codes()
    weights = _weights(ksics, KSIC_WEIGHTS)
    bumps = np.array([EXPORT_DIVISION.get(k, 0.0) for k in ksics])
    grid = np.array([NormalDist(0, EMPLOYEES_SIGMA).inv_cdf((k + 0.5) / 400) for k in range(400)])
    scale = math.sqrt(1 + EXPORT_PER_CAPABILITY**2)

    def expected(intercept: float) -> float:
        x = (intercept + EXPORT_PER_LOG_SIZE * grid[:, None] + bumps[None, :]) / scale
        return float((_PHI(x).mean(axis=0) * weights).sum())

    lo, hi = -6.0, 6.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if expected(mid) < share else (lo, mid)
    return (lo + hi) / 2


def _profiles(rng: np.random.Generator, n: int, exporters: float) -> dict[str, Any]:
    """Company attributes as arrays and lists, index-aligned."""
    ksics = reference.ksic_codes()
    regions = reference.region_codes()
    ksic = _covering_choice(rng, n, _weights(ksics, KSIC_WEIGHTS))
    region = _covering_choice(rng, n, _weights(regions, REGION_WEIGHTS))
    employees = np.clip(
        np.rint(rng.lognormal(np.log(EMPLOYEES_MEDIAN), EMPLOYEES_SIGMA, n)), 1, EMPLOYEES_MAX
    ).astype(int)
    revenue = employees * rng.lognormal(np.log(REVENUE_PER_EMPLOYEE), REVENUE_SIGMA, n)
    revenue_band = np.digitize(revenue, REVENUE_EDGES)
    log_size = np.log(employees / EMPLOYEES_MEDIAN)
    capability = rng.normal(0, 1, n)
    division_bump = np.array([EXPORT_DIVISION.get(k, 0.0) for k in ksics])[ksic]
    propensity = (
        _export_intercept(exporters)
        + EXPORT_PER_LOG_SIZE * log_size
        + division_bump
        + EXPORT_PER_CAPABILITY * capability
    )
    exporter = propensity + rng.normal(0, 1, n) > 0
    mix = EXPORT_SHARE_CAPABILITY * capability + math.sqrt(1 - EXPORT_SHARE_CAPABILITY**2) * (
        rng.normal(0, 1, n)
    )
    logit = math.log(EXPORT_SHARE_MEDIAN / (1 - EXPORT_SHARE_MEDIAN)) + EXPORT_SHARE_SIGMA * mix
    # Whole percentages, and 0.5 % for exports under 1 % of sales: values that survive a round trip
    # through the member file's percent column exactly.
    share = np.clip(1 / (1 + np.exp(-logit)), 0.0, 0.98).round(2)
    share = np.where(exporter, np.where(share < 0.01, SUB_PERCENT_SHARE, share), 0.0)
    suggest = rng.random(n) < CONSENT_SUGGEST
    named = suggest & (rng.random(n) < CONSENT_NAMED / CONSENT_SUGGEST)
    return {
        "ksic": [ksics[i] for i in ksic],
        "region": [regions[i] for i in region],
        "employees": employees,
        "size_band": [reference.size_band_for(int(e)) for e in employees],
        "revenue_band": revenue_band,
        "log_size": log_size,
        "capability": capability,
        "exporter": exporter,
        "share": share,
        "suggest": suggest,
        "named": named,
    }


def _descriptions(rng: np.random.Generator, profiles: dict[str, Any]) -> list[dict[str, Any]]:
    """Names, products, markets and value-chain roles, one Python pass over the companies."""
    names = _Names(rng)
    known_roles = reference.role_ids()
    markets = list(MARKET_WEIGHTS)
    market_p = _weights(markets, MARKET_WEIGHTS)
    out = []
    for i, ksic in enumerate(profiles["ksic"]):
        products = DIVISION_PRODUCTS.get(ksic, "제조 제품").split("|")
        count = min(len(products), 1 + int(rng.random() < 0.4))
        chosen = rng.choice(len(products), size=count, replace=False)
        main_role = _pick(rng, DIVISION_ROLES.get(ksic, {"final_product": 1}))
        roles = [main_role]
        if rng.random() < SECOND_ROLE_SHARE:
            at = known_roles.index(main_role)
            options = [known_roles[j] for j in (at - 1, at + 1) if 0 <= j < len(known_roles)]
            if profiles["exporter"][i]:
                options.append("distribution_export")
            if ksic in MACHINERY:
                options.append("after_sales")
            options = [r for r in options if r != main_role]
            roles.append(_one(rng, options))
        picked: list[str] = []
        if profiles["exporter"][i]:
            count = 1 + min(3, int(rng.poisson(0.4 + 2.0 * profiles["share"][i])))
            picked = [
                markets[j] for j in rng.choice(len(markets), count, replace=False, p=market_p)
            ]
        out.append(
            {
                "name": names.new(ksic),
                "products": ", ".join(products[j] for j in chosen),
                "roles": roles,
                "markets": picked,
            }
        )
    return out


def _plan(rng: np.random.Generator, n: int, waves: int) -> tuple[np.ndarray, np.ndarray]:
    """Which company takes which wave: (company index, wave index) per assessment, company-major."""
    later = (1 - FIRST_WAVE_SHARE) / (waves - 1) if waves > 1 else 0.0
    join = rng.choice(
        waves, size=n, p=[FIRST_WAVE_SHARE if waves > 1 else 1.0] + [later] * (waves - 1)
    )
    takes = (rng.random((n, waves)) < PARTICIPATION) & (np.arange(waves) >= join[:, None])
    takes[np.arange(n), join] = True
    company, wave = np.nonzero(takes)
    return company, wave


def export_share_level(share: float) -> int:
    """The level of the export-share item (EXP02) that a direct export share of sales gives."""
    if share <= 0:
        return 0
    return 1 + bisect_right(EXPORT_SHARE_EDGES, share)


def _ordinal(z: np.ndarray, at_least: np.ndarray) -> np.ndarray:
    """Levels 0..5 from standard-normal scores: level >= k where z >= Phi^-1(1 - P(level >= k)).

    `at_least` holds P(level >= 1) .. P(level >= 5) per row (shape (len(z), 5)).
    """
    inv = np.vectorize(lambda p: NormalDist().inv_cdf(min(max(1 - p, 1e-9), 1 - 1e-9)))
    thresholds = inv(at_least)
    return (z[:, None] >= thresholds).sum(axis=1).astype(np.int8)


def _smart_factory_ladder(calibration: Calibration, band: str) -> tuple[float, ...]:
    """P(AI03 >= 1) .. P(AI03 >= 5) in a size band, from the calibrated level mix."""
    adopt = calibration.value("smart_factory_adoption", band)
    intermediate = adopt * calibration.value("smart_factory_intermediate_share", band)
    advanced_among = calibration.value("smart_factory_advanced_share")
    mean_intermediate = 1 - calibration.value("smart_factory_basic_share")
    advanced = adopt * min(1.0, advanced_among * intermediate / adopt / mean_intermediate)
    advanced = min(advanced, intermediate)
    level4 = advanced + (intermediate - advanced) * INTERMEDIATE2_SHARE
    erp = adopt + (1 - adopt) * ERP_ONLY_SHARE[band]
    return (erp, adopt, intermediate, level4, advanced)


def _mixed(rng: np.random.Generator, parts: Sequence[tuple[float, np.ndarray]]) -> np.ndarray:
    """A standard-normal score: weighted standard-normal parts plus independent noise."""
    rest = 1 - sum(w * w for w, _ in parts)
    size = len(parts[0][1])
    return sum(w * x for w, x in parts) + math.sqrt(max(rest, 0.0)) * rng.normal(0, 1, size)


def _levels(
    rng: np.random.Generator,
    bank: Bank,
    profiles: dict[str, Any],
    described: list[dict[str, Any]],
    company: np.ndarray,
    wave: np.ndarray,
    waves: int,
    calibration: Calibration | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Answer levels per (assessment, item): -1 stands for N/A and -2 for unanswered.

    Also returns the mode per assessment (True = quick). With a calibration (the bank it was made
    for), the profile-bound items follow the profile and the calibrated level mixes.
    """
    n, a = len(profiles["ksic"]), len(company)
    items = bank.items
    column = {item.id: j for j, item in enumerate(items)}
    pillar_ids = bank.pillar_ids
    item_pillar = np.array([pillar_ids.index(i.pillar) for i in items])
    quick_item = np.array([i.quick for i in items])
    size = np.clip(profiles["log_size"], -3, 4)
    capability = profiles["capability"]
    exporter = profiles["exporter"]
    share = profiles["share"]
    machinery = np.isin(profiles["ksic"], MACHINERY)
    roles = [set(d["roles"]) for d in described]

    residual = rng.normal(0, 1, (n, len(pillar_ids)))
    pillar_level = np.empty((n, len(pillar_ids)))
    for k, pid in enumerate(pillar_ids):
        if calibration is not None:
            base = np.full(n, PILLAR_BASE.get(pid, 1.2))
        else:
            base = np.full(n, BASE_CAPABILITY + PILLAR_OFFSET_V1.get(pid, 0.0))
        if pid == "EXP":
            base += EXP_EXPORTER_OFFSET * exporter + EXP_SHARE_OFFSET * share
        elif pid == "SRV":
            base += SRV_MACHINERY_OFFSET * machinery
            base += SRV_AFTER_SALES_OFFSET * np.array(["after_sales" in r for r in roles])
        pillar_level[:, k] = (
            base
            + SIZE_EFFECT * size
            + CAPABILITY_EFFECT * capability
            + PILLAR_NOISE * residual[:, k]
        )
    # The same capability and residual on the standard-normal scale (independent of size).
    pillar_z = (CAPABILITY_EFFECT * capability[:, None] + PILLAR_NOISE * residual) / math.hypot(
        CAPABILITY_EFFECT, PILLAR_NOISE
    )
    growth = rng.normal(GROWTH_PER_YEAR, GROWTH_NOISE, n)
    difficulty = rng.normal(0, ITEM_DIFFICULTY, len(items))
    years_back = wave - (waves - 1)  # 0 in the latest (calibrated) wave, negative before
    drift = growth[company] * years_back + rng.normal(0, WAVE_NOISE, a)
    raw = (
        pillar_level[company][:, item_pillar]
        + drift[:, None]
        - difficulty[None, :]
        + rng.normal(0, ANSWER_NOISE, (a, len(items)))
    )
    protected = np.zeros((a, len(items)), dtype=bool)  # never N/A
    if calibration is not None:
        segment = [
            bank.segment_for(k, d["roles"], d["products"])
            for k, d in zip(profiles["ksic"], described, strict=True)
        ]
        kinds = {
            "supplier": np.array([s == "component" for s in segment]),
            "consumer": np.array([s == "consumer" for s in segment]),
        }
        for item_id, effects in ITEM_EFFECTS.items():
            if item_id in column:
                for kind, effect in effects.items():
                    raw[:, column[item_id]] += effect * kinds[kind][company]
    levels = np.clip(np.rint(raw), 0, 5).astype(np.int8)

    flat = np.clip(np.rint(pillar_level.mean(axis=1)[company] + drift), 0, 5).astype(np.int8)
    if calibration is not None:
        bands = np.array(profiles["size_band"])[company]
        ai = pillar_ids.index("AI") if "AI" in pillar_ids else None
        srv = pillar_ids.index("SRV") if "SRV" in pillar_ids else None
        if EXPORT_SHARE_ITEM in column:
            by_share = np.array([export_share_level(float(s)) for s in share], dtype=np.int8)
            levels[:, column[EXPORT_SHARE_ITEM]] = by_share[company]
            flat = by_share[company]  # a straight-liner repeats the one fact they know
            if COUNTRIES_ITEM in column:
                lo = np.array([COUNTRIES_RANGE[int(v)][0] for v in by_share])[company]
                hi = np.array([COUNTRIES_RANGE[int(v)][1] for v in by_share])[company]
                j = column[COUNTRIES_ITEM]
                levels[:, j] = np.clip(levels[:, j], lo, hi)
        for item_id in EXPORT_ONLY_ITEMS:
            if item_id in column:
                j = column[item_id]
                levels[:, j] = np.where(
                    exporter[company], levels[:, j], np.minimum(levels[:, j], 2)
                )
        if ai is not None and SMART_FACTORY_ITEM in column:
            ladder = np.array([_smart_factory_ladder(calibration, b) for b in bands])
            z = (
                _mixed(rng, [(SMART_FACTORY_LOADING, pillar_z[company, ai])])
                + GROWTH_Z * years_back
            )
            levels[:, column[SMART_FACTORY_ITEM]] = _ordinal(z, ladder)
        ai_items = [column[i] for i in PRODUCTION_AI_ITEMS if i in column]
        if ai is not None and ai_items:
            p = np.array([calibration.value("production_ai", b) for b in bands])
            z = (
                _mixed(rng, [(PRODUCTION_AI_LOADING, pillar_z[company, ai])])
                + GROWTH_Z * years_back
            )
            uses = z >= np.vectorize(lambda q: NormalDist().inv_cdf(1 - q))(p)
            cols = np.array(ai_items)
            block = np.minimum(levels[:, cols], PRODUCTION_AI_LEVEL - 1)
            best = np.argmax(raw[:, cols], axis=1)
            rows = np.flatnonzero(uses)
            top = np.where(raw[rows, cols[best[rows]]] >= 4.5, 5, PRODUCTION_AI_LEVEL)
            block[rows, best[rows]] = top
            levels[:, cols] = block
            protected[rows, cols[best[rows]]] = True
            if AI_PLANNING_ITEM in column:
                j = column[AI_PLANNING_ITEM]
                levels[:, j] = np.where(uses, levels[:, j], np.minimum(levels[:, j], 4))
            if SMART_FACTORY_ITEM in column:  # AI in production runs on at least a basic system
                j = column[SMART_FACTORY_ITEM]
                levels[rows, j] = np.maximum(levels[rows, j], 2)
        if srv is not None and OFFERING_ITEM in column:
            ladder = np.array(
                [OFFERING_LADDER.get(s or "", OFFERING_LADDER["component"]) for s in segment]
            )
            z = _mixed(
                rng,
                [
                    (OFFERING_SIZE_LOADING, (size / EMPLOYEES_SIGMA)[company]),
                    (OFFERING_LOADING, pillar_z[company, srv]),
                ],
            )
            offering = _ordinal(z + GROWTH_Z * years_back, ladder[company])
            levels[:, column[OFFERING_ITEM]] = offering
            if SERVICE_REVENUE_ITEM in column:  # no paid services, no service revenue to speak of
                j = column[SERVICE_REVENUE_ITEM]
                levels[:, j] = np.minimum(levels[:, j], np.maximum(offering, 1))

    quick = rng.random(a) < QUICK_SHARE
    incomplete = ~quick & (rng.random(a) < INCOMPLETE_SHARE / (1 - QUICK_SHARE))
    straight = ~quick & ~incomplete & (rng.random(a) < STRAIGHT_SHARE / (1 - QUICK_SHARE))
    levels[straight] = flat[straight, None]
    na_allowed = np.array([i.allows_na and i.id not in FACTUAL_ITEMS for i in items])
    na = (rng.random((a, len(items))) < NA_SHARE) & na_allowed[None, :] & ~protected
    levels[na] = -1
    kept = rng.uniform(0.35, 0.75, a)
    dropped = incomplete[:, None] & (rng.random((a, len(items))) > kept[:, None])
    levels[dropped] = -2
    levels[quick[:, None] & ~quick_item[None, :]] = -2
    # A submission needs at least one level; give the rare answer set without one its first item.
    empty = np.flatnonzero((levels < 0).all(axis=1))
    first_item = np.where(quick[empty], np.argmax(quick_item), 0)
    levels[empty, first_item] = flat[empty]
    return levels, quick


def _when(year: int, day: float, seconds: float) -> datetime:
    """A moment of the survey period of `year`, `seconds` after midnight in Korea."""
    start = datetime(year, *SURVEY_START, tzinfo=KST)
    return start + timedelta(days=int(day), seconds=int(seconds))


def generate(
    bank: Bank,
    *,
    companies: int,
    waves: int,
    seed: int,
    last_wave: int = 2026,
    first_company_id: int,
    first_assessment_id: int,
    batch_companies: int = BATCH_COMPANIES,
    calibration: Calibration | None = None,
) -> Iterator[store.RowBatch]:
    """Synthetic members and their submitted assessments, as row batches for store.bulk_insert.

    Each batch holds `batch_companies` companies with all their rows (company, assessment, answer,
    pillar score, parents first). The rows depend only on bank, sizes, seed and calibration (and
    the first ids), not on the batch size. `calibration` defaults to data/synth_calibration.yaml;
    its profile-bound answers apply when the bank is the version it was made for.
    """
    if companies < 1 or waves < 1:
        raise ValueError("companies and waves must be at least 1")
    calibration = calibration or default_calibration()
    # One independent stream per part, so that changing how one part draws leaves the others be.
    streams = np.random.SeedSequence(seed).spawn(5)
    profile_rng, text_rng, plan_rng, answer_rng, rng = map(np.random.default_rng, streams)
    profiles = _profiles(profile_rng, companies, calibration.value("exporters"))
    described = _descriptions(text_rng, profiles)
    company, wave = _plan(plan_rng, companies, waves)
    levels, quick = _levels(
        answer_rng,
        bank,
        profiles,
        described,
        company,
        wave,
        waves,
        calibration if calibration.applies_to(bank) else None,
    )
    a = len(company)
    day = rng.uniform(0, SURVEY_DAYS, a)
    seconds = rng.uniform(9 * 3600, 18 * 3600, a)
    draft_minutes = rng.uniform(10, 14 * 24 * 60, a)
    has_goal = rng.random(a) < GOAL_SHARE
    goal_gain = rng.uniform(5, 20, a)
    joined_days_before = rng.uniform(1, 60, companies)

    item_ids = [i.id for i in bank.items]
    first_wave_year = last_wave - waves + 1
    revenue_bands = reference.revenue_band_ids()
    # Assessments of company c are rows starts[c]:starts[c + 1] (the plan is company-major).
    starts = np.searchsorted(company, np.arange(companies + 1))

    for lo in range(0, companies, batch_companies):
        hi = min(companies, lo + batch_companies)
        a_lo, a_hi = int(starts[lo]), int(starts[hi])
        company_rows: list[dict[str, Any]] = []
        assessment_rows: list[dict[str, Any]] = []
        answer_rows: list[dict[str, Any]] = []
        score_rows: list[dict[str, Any]] = []
        level_lists = levels[a_lo:a_hi].tolist()
        for c in range(lo, hi):
            first = int(starts[c])
            created = _when(first_wave_year + int(wave[first]), day[first], seconds[first])
            created -= timedelta(minutes=float(draft_minutes[first]))
            created -= timedelta(days=float(joined_days_before[c]))
            desc = described[c]
            company_rows.append(
                {
                    "id": first_company_id + c,
                    "name": desc["name"],
                    "biz_no": None,
                    "ksic": profiles["ksic"][c],
                    "employees": int(profiles["employees"][c]),
                    "size_band": profiles["size_band"][c],
                    "revenue_band": revenue_bands[int(profiles["revenue_band"][c])],
                    "region": profiles["region"][c],
                    "export_share": float(profiles["share"][c]),
                    "markets": desc["markets"],
                    "roles": desc["roles"],
                    "products": desc["products"],
                    "consent_suggest": bool(profiles["suggest"][c]),
                    "consent_named": bool(profiles["named"][c]),
                    "synthetic": True,
                    "verified": True,  # the demo's roster: its members count in its norms
                    "respondent": False,
                    "member_id": None,
                    "member_via": None,
                    "token_hash": None,
                    "created_at": created,
                }
            )
        for k in range(a_lo, a_hi):
            assessment_id = first_assessment_id + k
            answers = {
                item: (None if level == -1 else level)
                for item, level in zip(item_ids, level_lists[k - a_lo], strict=True)
                if level != -2
            }
            mode = "quick" if quick[k] else "full"
            result = score_assessment(bank, answers, mode=mode)
            submitted = _when(first_wave_year + int(wave[k]), day[k], seconds[k])
            goal = None
            if has_goal[k]:
                goal = float(min(100, 5 * math.ceil(((result.overall or 0) + goal_gain[k]) / 5)))
            assessment_rows.append(
                {
                    "id": assessment_id,
                    "company_id": first_company_id + int(company[k]),
                    "wave": first_wave_year + int(wave[k]),
                    "mode": mode,
                    "status": "submitted",
                    "bank_version": bank.version,
                    "workshop_id": None,
                    "goal": goal,
                    "overall": result.overall,
                    "stage": result.stage,
                    "completeness": peers.overall_completeness(result),
                    "norm_eligible": peers.is_norm_eligible(result, answers),
                    "created_at": submitted - timedelta(minutes=float(draft_minutes[k])),
                    "updated_at": submitted,
                    "submitted_at": submitted,
                    "seal": None,
                }
            )
            answer_rows.extend(store.answer_rows(assessment_id, answers))
            score_rows.extend(store.pillar_score_rows(assessment_id, result))
        yield {
            Company: company_rows,
            Assessment: assessment_rows,
            Answer: answer_rows,
            PillarScoreRow: score_rows,
        }


def seed_demo(
    *,
    engine: sa.Engine,
    bank: Bank,
    companies: int,
    waves: int,
    seed: int,
    last_wave: int = 2026,
    only_if_empty: bool = False,
) -> dict[str, int]:
    """Generate synthetic members and write them in one audited transaction ("demo.seed").

    Ids follow the highest ids in the database, read inside the write transaction. With
    `only_if_empty` the load is abandoned (DemoAlreadySeeded) when any company exists by then.
    Returns the number of rows written per table.
    """

    def batches(ids: dict[str, int]) -> Iterator[store.RowBatch]:
        if only_if_empty and ids["company"] != 1:  # next id 1 <=> no company row at all
            raise DemoAlreadySeeded
        return generate(
            bank,
            companies=companies,
            waves=waves,
            seed=seed,
            last_wave=last_wave,
            first_company_id=ids["company"],
            first_assessment_id=ids["assessment"],
        )

    return store.bulk_insert(
        engine=engine,
        rows=batches,
        actor=ACTOR,
        action="demo.seed",
        detail={
            "synthetic": True,
            "seed": seed,
            "companies": companies,
            "waves": waves,
            "last_wave": last_wave,
            "bank_version": bank.version,
        },
    )


class DemoAlreadySeeded(Exception):
    """Raised inside the seeding transaction when another session seeded first."""


def ensure_demo(
    *,
    engine: sa.Engine,
    bank: Bank,
    companies: int | None = None,
    waves: int | None = None,
    seed: int = DEMO_SEED,
    lock_wait_seconds: float = 600.0,
) -> bool:
    """Seed the demo membership when the database has no company yet; True if this call seeded.

    Sizes default to READINESS_DEMO_COMPANIES (2000) and READINESS_DEMO_WAVES (3); READINESS_DEMO=0
    turns it off. Safe when several processes call it at once: emptiness is checked again inside
    the write transaction, which bulk loads take one at a time. On SQLite a waiting process may
    outlast the busy timeout while another seeds; it then retries until `lock_wait_seconds`.
    """
    config = settings()
    if not config.demo:
        return False
    companies = companies or config.demo_companies
    waves = waves or config.demo_waves
    deadline = time.monotonic() + lock_wait_seconds
    while True:
        if not store.is_empty(engine=engine):
            return False
        try:
            seed_demo(
                engine=engine,
                bank=bank,
                companies=companies,
                waves=waves,
                seed=seed,
                only_if_empty=True,
            )
        except DemoAlreadySeeded:
            return False
        except sa.exc.OperationalError as exc:
            locked = engine.dialect.name == "sqlite" and "locked" in str(exc).lower()
            if not locked or time.monotonic() > deadline:
                raise
            continue
        return True
