"""``manage.py ensure_local_admin --address HOST:PORT`` (what ``make run`` passes from its
HOST and PORT) prints the admin's URL where the development server really serves."""

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kazmonitor.management.commands import ensure_local_admin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _login_file_in_tmp(settings, tmp_path, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(ensure_local_admin, "LOGIN_FILE", tmp_path / "login")


def admin_url(capsys) -> str:
    return re.search(r"Admin: (\S+)", capsys.readouterr().out)[1]


def test_without_an_address_the_url_is_runservers_default(capsys):
    call_command("ensure_local_admin")
    assert admin_url(capsys) == "http://127.0.0.1:8000/admin/"


@pytest.mark.parametrize(
    "address", ["0.0.0.0:8080", "localhost:9000", "127.0.0.1:8001", "[::1]:8000", "kazmonitor.local:80"]
)
def test_the_printed_url_is_the_address_served(capsys, address):
    call_command("ensure_local_admin", "--address", address)
    output = capsys.readouterr().out
    assert re.search(r"Admin: (\S+)", output)[1] == f"http://{address}/admin/"
    assert f"manage.py ensure_local_admin --address {address}` again" in output  # the fresh-code hint too


def test_the_makefile_passes_the_served_host_and_port():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    run = re.search(r"^run:.*?\n((?:\t.*\n)+)", makefile, re.M)[1]
    assert "ensure_local_admin --address $(HOST):$(PORT)" in run
    assert "runserver $(HOST):$(PORT)" in run


@pytest.mark.parametrize("address", ["8000", "127.0.0.1", "http://127.0.0.1:8000", "127.0.0.1:80x", "a b:80", ""])
def test_an_address_that_is_not_host_and_port_is_a_clear_error(address):
    with pytest.raises(CommandError, match="--address must be HOST:PORT"):
        call_command("ensure_local_admin", "--address", address)
