import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazmonitor.settings")

application = get_wsgi_application()

# What is loaded now (settings, apps, models and, through the URL patterns, every view
# module) lives as long as the worker: keep it out of the garbage collector's walks, so a
# full collection in the middle of a request only looks at what requests made (an API
# case detail built from scratch: p50 4.0-5.0x -> 3.5x the minimal endpoint in
# bench/api_bench.py; docs/performance.md).
get_resolver().url_patterns  # noqa: B018
gc.collect()
gc.freeze()
