"""The case list's CSV cells in SQL, for ``kazmonitor.api.csv_copy``: one expression
per column of ``CaseSerializer``, each written as the serializer represents it and
``kazmonitor.api.csv.cell`` writes it (``tests/test_api_csv_copy.py`` compares the
two byte for byte)."""

from cases.models import Case
from cases.serializers import FREEDOMS
from kazmonitor.api import csv_copy as sql


def case_columns(context: dict) -> list[tuple[str, object]]:
    level = context["level"]
    case_uuid = sql.safe_text("uuid")
    court_uuid = sql.safe_text("court__uuid")

    def court(expression):
        return sql.visible("court__visibility", level, expression)

    return [
        ("id", case_uuid),
        ("url", sql.absolute_url(context, "case", case_uuid)),
        *[(name, sql.text(name)) for name in ("slug", "title", "title_en", "title_ru", "title_kk")],
        *[(name, sql.text(name)) for name in ("language", "kind", "status")],
        ("freedoms", sql.flags(FREEDOMS)),
        ("tags", sql.many_to_many(Case, "tags", "slug")),
        ("location.id", sql.text("location__slug")),
        ("location.url", sql.absolute_url(context, "location", "location__slug")),
        ("location.name", sql.text("location__name")),
        ("location.kind", sql.text("location__kind")),
        ("court.id", court(court_uuid)),
        ("court.url", court(sql.absolute_url(context, "organization", court_uuid))),
        ("court.name", court(sql.text("court__name"))),
        ("court.abbreviation", court(sql.text("court__abbreviation"))),
        ("court.kind", court(sql.text("court__kind"))),
        ("case_number", sql.text("case_number")),
        *sql.partial_date("opened_on"),
        ("summary", sql.text("summary")),
        ("created_at", sql.utc_datetime("created_at")),
        ("updated_at", sql.utc_datetime("updated_at")),
    ]
