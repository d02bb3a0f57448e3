"""Extract and compile the translation catalogs (needs GNU gettext: apt-get install gettext).

Each domain app keeps its own catalog in `<app>/locale/`, over its code and
`<app>/templates/`; the root `locale/` holds the frame: `templates/`, `unionportal/`,
`accounts/`. Usage: `python scripts/messages.py [APP]`.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["branches", "publications", "appeals", "media_reports", "giveaways", "messaging", "polls", "reports", "portal"]
LANGUAGES = ["ru", "kk", "en"]
DJANGO_ADMIN = str(Path(sys.executable).parent / "django-admin")


def run(args, cwd):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionportal.settings", "PYTHONPATH": str(ROOT), "DEBUG": "1"}
    subprocess.run([DJANGO_ADMIN, *args], cwd=cwd, env=env, check=True)


def make(target: str) -> None:
    lang_args = [f"--locale={lang}" for lang in LANGUAGES]
    if target == "root":
        cwd = ROOT
        ignores = [f"--ignore={name}" for name in (*APPS, ".venv", "var", "tests", "bench", "scripts", "docs", "vendor_locale")]
    else:
        cwd = ROOT / target
        (cwd / "locale").mkdir(exist_ok=True)
        ignores = []
    run(["makemessages", *lang_args, "--no-obsolete", "--no-location", *ignores], cwd)
    run(["compilemessages", *lang_args, "--ignore=.venv", "--ignore=var"], cwd)


if __name__ == "__main__":
    targets = sys.argv[1:] or ["root", *APPS]
    for target in targets:
        make(target)
