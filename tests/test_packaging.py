"""The add-ons are pip-installable the way OCA's are: whool builds a wheel per add-on
(``odoo-addon-meter_management``, ``odoo-addon-meter_management_reports``) from its manifest,
and an Odoo that has only its own add-ons on its path finds ours in the environment they were
installed into, and installs them.

The wheels are built from this checkout, installed into a fresh virtual environment that sees
the machine's Odoo (``--system-site-packages``), and Odoo is then run from that environment on a
fresh database with an add-ons path that does not name this repository.
"""

import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ADDONS = ("meter_management", "meter_management_reports")


def _run(*cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def _odoo_addons_path():
    import odoo

    root = Path(odoo.__file__).resolve().parent.parent
    return ",".join(str(p) for p in (root / "addons", root / "odoo" / "addons") if p.is_dir())


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheels")
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        str(out),
        *(str(REPO / addon) for addon in ADDONS),
    )
    return out


def test_wheels_declare_the_addons_and_their_dependencies(wheels):
    built = {p.name.split("-")[0]: p for p in wheels.glob("*.whl")}
    assert set(built) == {"odoo_addon_meter_management", "odoo_addon_meter_management_reports"}
    with zipfile.ZipFile(built["odoo_addon_meter_management_reports"]) as whl:
        metadata = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA"))
        text = whl.read(metadata).decode()
        names = whl.namelist()
    assert "Name: odoo-addon-meter_management_reports" in text
    assert "Requires-Dist: odoo-addon-meter_management==18.0.*" in text
    assert "Requires-Dist: odoo==18.0.*" in text
    # the add-on lands in Odoo's namespace package, manifest and data included
    assert "odoo/addons/meter_management_reports/__manifest__.py" in names
    assert any(n.startswith("odoo/addons/meter_management_reports/report/") for n in names)


def test_odoo_installs_the_addons_from_the_wheels(wheels, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--system-site-packages", str(venv))
    python = str(venv / "bin" / "python")
    # only the wheels directory: the dependency on meter_management is resolved from it, the one
    # on odoo by the machine's Odoo seen through the system site-packages
    _run(
        python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-index",
        "--find-links",
        str(wheels),
        "odoo-addon-meter_management_reports",
    )
    found = _run(
        python,
        "-c",
        "import odoo.addons.meter_management as m, odoo.addons.meter_management_reports as r;"
        "print(m.__file__); print(r.__file__)",
        cwd=tmp_path,
    ).split()
    assert all(path.startswith(str(venv)) for path in found), found

    db = f"meter_wheel_{uuid.uuid4().hex[:8]}"
    env = dict(os.environ)
    db_args = []
    for var, flag in (("DB_HOST", "--db_host"), ("DB_PORT", "--db_port"), ("DB_USER", "--db_user")):
        if env.get(var):
            db_args += [flag, env[var]]
    try:
        _run(
            python,
            "-m",
            "odoo",
            "-d",
            db,
            *db_args,
            f"--addons-path={_odoo_addons_path()}",
            "-i",
            "meter_management_reports",
            "--without-demo=all",
            "--stop-after-init",
            "--max-cron-threads=0",
            cwd=tmp_path,
            env=env,
        )
        states = _run(
            "psql",
            "-d",
            db,
            "-Atc",
            "SELECT name || '=' || state FROM ir_module_module "
            "WHERE name IN ('meter_management', 'meter_management_reports') ORDER BY name",
        ).split()
        assert states == ["meter_management=installed", "meter_management_reports=installed"]
    finally:
        subprocess.run(["dropdb", "--if-exists", db], capture_output=True, check=False)
