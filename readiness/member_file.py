"""The member file that imports, exports and the downloadable template share.

Its columns (`FIELDS`: key, Korean and English header, the other headers an import accepts) and
the computed columns our exports add (`COMPUTED`), which an import recognises and skips. Headers
are the file format, so they live here rather than in the catalog: a file exported in either
language imports again. The words its cells use (yes/no, N/A, the modes) and the help texts of
the template are catalog keys under `member_file.`.
"""

from __future__ import annotations

from dataclasses import dataclass

from readiness.bank import Bank
from readiness.i18n import LANGS, Localized, t

MODES = ("full", "quick")


@dataclass(frozen=True)
class FileField:
    """One column of the member file: its Korean and English header and what it holds."""

    key: str
    ko: str
    en: str
    example: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()

    def header(self, lang: str) -> str:
        return Localized(ko=self.ko, en=self.en).get(lang)

    @property
    def both(self) -> str:
        """Both headers, as a label that reads in either language: "회사명 / name"."""
        return f"{self.ko} / {self.en}"

    def help(self, lang: str) -> str:
        return t(f"member_file.help.{self.key}", lang)


FIELDS: tuple[FileField, ...] = (
    FileField(
        key="name",
        ko="회사명",
        en="name",
        example="한빛정밀",
        required=True,
        aliases=("기업명", "업체명", "상호", "company", "company name"),
    ),
    FileField(
        key="biz_no",
        ko="사업자등록번호",
        en="biz_no",
        example="124-81-00998",
        aliases=("사업자번호", "business number", "brn"),
    ),
    FileField(
        key="ksic",
        ko="업종코드",
        en="ksic",
        example="C29",
        required=True,
        aliases=("업종", "ksic code", "industry"),
    ),
    FileField(
        key="employees",
        ko="종업원수",
        en="employees",
        example="45",
        required=True,
        aliases=("직원수", "상시근로자수", "종업원", "headcount"),
    ),
    FileField(
        key="region",
        ko="지역",
        en="region",
        example="경기도",
        aliases=("소재지", "시도"),
    ),
    FileField(
        key="export_share",
        ko="수출비중(%)",
        en="export_share",
        example="35",
        aliases=("수출비중", "수출비율", "export share", "export %"),
    ),
    FileField(
        key="revenue_band",
        ko="매출규모",
        en="revenue_band",
        example="10억-50억 원",
        aliases=("매출액구간", "revenue"),
    ),
    FileField(
        key="representative",
        ko="대표자",
        en="representative",
        example="김한빛",
        aliases=("대표자명", "대표", "대표이사", "ceo", "representative name"),
    ),
    FileField(
        key="phone",
        ko="연락처",
        en="phone",
        example="031-123-4567",
        aliases=("전화번호", "전화", "대표전화", "휴대폰", "tel", "telephone", "phone number"),
    ),
    FileField(
        key="email",
        ko="이메일",
        en="email",
        example="ceo@hanbit.example",
        aliases=("이메일주소", "전자우편", "메일", "e-mail", "email address", "mail"),
    ),
    FileField(
        key="wave",
        ko="연도",
        en="wave",
        example="2025",
        aliases=("진단연도", "년도", "year"),
    ),
    FileField(
        key="mode",
        ko="유형",
        en="mode",
        example="정밀",
        aliases=("진단유형", "type"),
    ),
    FileField(
        key="synthetic",
        ko="합성 데이터",
        en="synthetic",
        example="아니오",
        aliases=("합성",),
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
TEMPLATE_FIELDS = tuple(f for f in FIELDS if f.key != "synthetic")
# A member's contact: imported from the roster, kept in a staff-only table (never a company's).
CONTACT_KEYS = ("representative", "phone", "email")

# Columns our exports add that are computed from the rest; an import recognises and skips them.
COMPUTED: dict[str, FileField] = {
    f.key: f
    for f in (
        FileField(key="division", ko="업종명", en="division"),
        FileField(key="size_band", ko="규모", en="size_band"),
        FileField(key="latest_wave", ko="최근 연도", en="latest_wave"),
        FileField(key="latest_overall", ko="최근 종합점수", en="latest_overall"),
        FileField(key="overall", ko="종합점수", en="overall"),
        FileField(key="stage", ko="단계", en="stage"),
        FileField(key="completeness", ko="응답률(%)", en="completeness"),
        FileField(key="submitted_at", ko="제출일시", en="submitted_at"),
        FileField(key="bank_version", ko="문항 버전", en="bank_version"),
    )
}


def pillar_score_header(bank: Bank, pillar_id: str, lang: str) -> str:
    return t("member_file.pillar_score", lang, pillar=bank.pillar(pillar_id).name.get(lang))


def computed_headers(bank: Bank) -> set[str]:
    """Every header, in every language, of a computed column of our exports."""
    headers = {h for f in COMPUTED.values() for h in (f.ko, f.en)}
    headers |= {pillar_score_header(bank, p, lang) for p in bank.pillar_ids for lang in LANGS}
    return headers


def flag_words(lang: str) -> dict[bool, str]:
    """How the file writes a yes/no cell: {True: "예", False: "아니오"}."""
    return {True: t("member_file.flag_true", lang), False: t("member_file.flag_false", lang)}


def not_applicable_word(lang: str) -> str:
    """How the file writes a "not applicable" answer ("해당없음")."""
    return t("member_file.not_applicable", lang)


def mode_words(lang: str) -> dict[str, str]:
    """How the file writes an assessment mode: {"full": "정밀", "quick": "간편"}."""
    return {mode: t(f"member_file.mode_{mode}", lang) for mode in MODES}
