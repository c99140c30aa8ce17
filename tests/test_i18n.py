"""Every translatable term of the add-ons is in their template (i18n/<addon>.pot).

``make test`` sets MM_TEST_DB (a database with both add-ons) and MM_ADDONS_PATH. Odoo exports the
terms of each add-on from that database, as a translator's export would; a term that the
committed template lacks fails the test, named. ``make pot`` regenerates the templates.
"""

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("addon", ["meter_management", "meter_management_reports"])
def test_template_has_every_term(addon, tmp_path):
    db, addons_path = os.environ.get("MM_TEST_DB"), os.environ.get("MM_ADDONS_PATH")
    if not db or not addons_path:
        pytest.fail(
            "MM_TEST_DB and MM_ADDONS_PATH are not set: run these tests through `make test`."
        )
    exported = tmp_path / f"{addon}.pot"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            db,
            f"--addons-path={addons_path}",
            f"--modules={addon}",
            f"--i18n-export={exported}",
            "--stop-after-init",
            "--log-level=warn",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and exported.exists(), result.stderr[-3000:]
    committed = REPO / addon / "i18n" / f"{addon}.pot"
    assert committed.exists(), f"{committed} is missing: run `make pot`"
    known = {entry.msgid for entry in polib.pofile(str(committed))}
    missing = sorted(
        entry.msgid for entry in polib.pofile(str(exported)) if entry.msgid not in known
    )
    assert not missing, (
        f"{len(missing)} terms of {addon} are missing from {committed.name} (run `make pot`): "
        + "; ".join(repr(m[:60]) for m in missing[:20])
    )
