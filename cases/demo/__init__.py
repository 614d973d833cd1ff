"""Demo data: the CIVICUS Monitor update on Kazakhstan, March–May 2022, fact by fact.

``reference`` declares places, tags, legal articles, organizations and sources;
``records`` declares persons, assemblies and cases with everything documented on
them; ``loader`` writes both idempotently (``manage.py load_demo``)."""

from .loader import DemoReport, load_demo_data

__all__ = ["DemoReport", "load_demo_data"]
