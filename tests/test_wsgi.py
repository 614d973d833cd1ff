"""The WSGI entry point that gunicorn serves."""

import gc
import importlib
import sys
from wsgiref.util import setup_testing_defaults

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


def test_the_wsgi_application_answers_with_its_long_lived_objects_frozen(db):
    gc.unfreeze()
    sys.modules.pop("kazmonitor.wsgi", None)
    # As Django's test client does: the test's transaction must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        wsgi = importlib.import_module("kazmonitor.wsgi")
        frozen = gc.get_freeze_count()
        environ = {"PATH_INFO": "/healthz", "HTTP_HOST": "testserver"}
        setup_testing_defaults(environ)
        statuses = []
        body = b"".join(wsgi.application(environ, lambda status, headers: statuses.append(status)))
    finally:
        gc.unfreeze()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert frozen > 50_000  # settings, apps, models and every view module, out of the collector's walks
    assert statuses == ["200 OK"] and body
