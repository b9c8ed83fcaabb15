"""Time how the staff's programme-catalog upload reads a workbook, good and hostile.

    .venv/bin/python bench/program_upload.py
    .venv/bin/python bench/program_upload.py --repeat 5

Workbooks: the shipped catalog as staff download it; the same with 500 programmes (the most a
catalog holds), every text at its longest; the shipped catalog with 20,000 to 1,000,000 extra
one-cell rows on its programmes sheet (written as raw XML, so a million rows zip to about 5 MB,
under the 20 MB upload limit); and one cell at row 1,048,000 (a few KB). For each: the zipped
and unpacked size, the median time of readiness.program_sheet.read_catalog_xlsx, the process's
peak memory after it (making the million-row file is most of the last figures), and what the
upload says (a catalog, or the first problem's catalog key).
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from readiness.bank import default_bank  # noqa: E402
from readiness.program_sheet import MAX_ROWS, catalog_xlsx, read_catalog_xlsx  # noqa: E402
from readiness.programs import ProgramCatalog, load_catalog  # noqa: E402
from tests.workbooks import far_cell, with_rows  # noqa: E402


def largest_catalog() -> bytes:
    """MAX_ROWS programmes, each text as long as the page shows (400 characters)."""
    raw = load_catalog().model_dump(mode="json")
    first = raw["programs"][0]
    programs = []
    for n in range(MAX_ROWS):
        program = {**first, "id": f"program_{n:03d}"}
        for field in ("name", "owner", "pays_for", "amount", "season", "source"):
            program[field] = {"ko": "가" * 400, "en": "a" * 400}
        programs.append(program)
    raw["programs"] = programs
    return catalog_xlsx(ProgramCatalog.model_validate(raw))


def unpacked(data: bytes) -> int:
    return sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bank = default_bank()
    shipped = catalog_xlsx(load_catalog())
    cases = [  # made one at a time: the peak memory printed grows only with what was read
        ("shipped catalog (26 programmes)", lambda: shipped),
        (f"{MAX_ROWS} programmes, texts at 400 characters", largest_catalog),
        *(
            (f"shipped + {n:,} one-cell rows", lambda n=n: with_rows(shipped, n))
            for n in (20_000, 100_000, 200_000, 1_000_000)
        ),
        ("shipped + one cell at row 1,048,000", lambda: far_cell(shipped, 1_048_000)),
    ]
    print(f"{'workbook':<44} {'zipped':>9} {'unpacked':>9} {'median':>10} {'peak RSS':>9}  outcome")
    for name, make in cases:
        data = make()
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            upload = read_catalog_xlsx(data, bank=bank)
            times.append(time.perf_counter() - start)
        outcome = (
            f"catalog of {len(upload.catalog.programs)}"
            if upload.catalog is not None
            else upload.problems[0].problem.key
        )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{name:<44} {len(data) / 1e6:>7.2f}MB {unpacked(data) / 1e6:>7.1f}MB "
            f"{statistics.median(times) * 1000:>8.1f}ms {rss:>7.0f}MB  {outcome}"
        )


if __name__ == "__main__":
    main()
