"""Where the project's data files live: inside the installed package, else the source tree's data/.

A wheel carries data/ as readiness/data (pyproject.toml's force-include); a source checkout or an
editable install reads the repository's data/ folder.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
INSTALLED = (PACKAGE_DIR / "data").is_dir()
DATA_DIR = PACKAGE_DIR / "data" if INSTALLED else ROOT / "data"
# Where the embedded database lives by default: the checkout's var/, or var/ in the working
# directory for an installed wheel (never inside site-packages).
VAR_DIR = Path("var") if INSTALLED else ROOT / "var"
