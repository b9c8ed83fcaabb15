"""Where the project's data files live: inside the installed package, else the source tree's data/.

A wheel carries data/ as readiness/data (pyproject.toml's force-include); a source checkout or an
editable install reads the repository's data/ folder.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
DATA_DIR = PACKAGE_DIR / "data" if (PACKAGE_DIR / "data").is_dir() else ROOT / "data"
