"""End to end through RPC: a server runs on the test database, a client registers meters.

``make test`` sets MM_TEST_DB (a database with both add-ons and demo data) and
MM_ADDONS_PATH; the client logs in as the demo administrator (admin / admin).
"""

import os
import socket
import subprocess
import sys
import time
import xmlrpc.client

import pytest


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    db = os.environ.get("MM_TEST_DB")
    addons_path = os.environ.get("MM_ADDONS_PATH")
    if not db or not addons_path:
        pytest.fail(
            "MM_TEST_DB and MM_ADDONS_PATH are not set: run these tests through `make test`."
        )
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            db,
            f"--addons-path={addons_path}",
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            "--max-cron-threads=0",
            f"--db-filter=^{db}$",
            "--log-level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Odoo server stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()
            break
        except (ConnectionError, OSError):
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the Odoo server did not answer within 90 s")
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", "admin", {})
    assert uid, "the demo administrator could not log in"
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, "admin", model, method, list(args), kwargs)

    yield call
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_register_range_over_rpc(server):
    [product_id] = server("product.product", "search", [("default_code", "=", "M3CT")], limit=1)
    [warehouse_id] = server("stock.warehouse", "search", [("meter_role", "=", "central")], limit=1)
    result = server(
        "meter.range.registration",
        "register_range",
        {
            "product_id": product_id,
            "first_number": "RPC-000998",
            "last_number": "RPC-001002",
            "warehouse_id": warehouse_id,
        },
    )
    assert result["meter_count"] == 5
    meters = server(
        "stock.lot",
        "search_read",
        [("meter_numbers", "=", "RPC-000998-RPC-001002")],
        fields=["name", "meter_state", "meter_group_id"],
        order="name",
    )
    assert [m["name"] for m in meters] == [
        "RPC-000998",
        "RPC-000999",
        "RPC-001000",
        "RPC-001001",
        "RPC-001002",
    ]
    assert {m["meter_state"] for m in meters} == {"store"}
    assert {m["meter_group_id"][0] for m in meters} == {result["group_id"]}
    registers = server(
        "meter.register", "search_read", [("lot_id.name", "=", "RPC-000998")], fields=["multiplier"]
    )
    assert sorted(r["multiplier"] for r in registers) == [40.0, 40.0, 40.0]
    [picking] = server("stock.picking", "read", [result["picking_id"]], fields=["state"])
    assert picking["state"] == "done"


def test_conflicting_range_over_rpc_is_refused_whole(server):
    [product_id] = server("product.product", "search", [("default_code", "=", "M1P")], limit=1)
    count_before = server("stock.lot", "search_count", [("is_meter", "=", True)])
    with pytest.raises(xmlrpc.client.Fault) as error:
        server(
            "meter.range.registration",
            "register_range",
            {"product_id": product_id, "first_number": "30008", "last_number": "30012"},
        )
    assert "30008, 30009, 30010" in error.value.faultString
    assert server("stock.lot", "search_count", [("is_meter", "=", True)]) == count_before
