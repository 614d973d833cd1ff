"""Spreadsheet import in the admin: preview, confirm, re-import, errors, limits."""

import datetime
import io
from http import HTTPStatus
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Assembly, Case, Charge, Detention, Extension, Participant
from kazmonitor.dates import DatePrecision
from kazmonitor.models import Source, Visibility
from kazmonitor.spreadsheets import format_partial_date, parse_partial_date
from people.models import Organization, Person
from tests.factories import (
    CaseFactory,
    LegalArticleFactory,
    LegalCodeFactory,
    LocationFactory,
    PersonFactory,
    TagFactory,
)
from tests.full_record import build_full_record

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
FORMAT_INDEX = {"csv": "0", "xlsx": "1"}


@pytest.fixture
def reference(db):
    LocationFactory(name="Almaty", name_local="Алматы", slug="almaty")
    LocationFactory(name="Shymkent", name_local="Шымкент", slug="shymkent")
    for name in ("HRD prosecuted", "protest", "harassment"):
        TagFactory(name=name, slug=name.lower().replace(" ", "-"))
    cc = LegalCodeFactory()
    cao = LegalCodeFactory(name="Code of Administrative Offences", short_name="CAO", slug="kz-cao")
    for number, title in (("272", "participating in riots"), ("274", "false information"), ("378", "insulting")):
        LegalArticleFactory(code=cc, number=number, title=title)
    LegalArticleFactory(code=cao, number="488", title="violating the rules for conducting assemblies")


def admin_url(model, action: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}")


def preview(client, model, name: str, content: bytes | None = None, fmt: str | None = None):
    content = (DATA / name).read_bytes() if content is None else content
    fmt = fmt or name.rsplit(".", 1)[1]
    upload = SimpleUploadedFile(name, content)
    return client.post(
        admin_url(model, "import"), {"import_file": upload, "format": FORMAT_INDEX[fmt], "resource": "0"}
    )


def confirm(client, model, response):
    form = response.context["confirm_form"]
    data = {
        name: form.initial.get(name, "") for name in ("import_file_name", "original_file_name", "format", "resource")
    }
    return client.post(admin_url(model, "process_import"), data)


def import_file(client, model, name: str, content: bytes | None = None):
    response = preview(client, model, name, content)
    assert response.status_code == HTTPStatus.OK
    assert response.context.get("confirm_form") is not None, errors_of(response)
    done = confirm(client, model, response)
    assert done.status_code == HTTPStatus.FOUND
    return response.context["result"]


def errors_of(response) -> str:
    result = response.context.get("result")
    form = response.context.get("form")
    parts = [str(form.errors) if form is not None else ""]
    if result is not None:
        parts += [str(e.error) for e in result.base_errors]
        parts += [str(e.error) for _line, errs in result.row_errors() for e in errs]
        parts += [f"{row.number}: {row.field_specific_errors}" for row in result.invalid_rows]
    return " | ".join(parts)


def kinds(result) -> list[str]:
    return [row.import_type for row in result.valid_rows()]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2022", (datetime.date(2022, 1, 1), DatePrecision.YEAR)),
        (2022, (datetime.date(2022, 1, 1), DatePrecision.YEAR)),
        ("2022-03", (datetime.date(2022, 3, 1), DatePrecision.MONTH)),
        ("03.2022", (datetime.date(2022, 3, 1), DatePrecision.MONTH)),
        ("15.03.2022", (datetime.date(2022, 3, 15), DatePrecision.DAY)),
        ("2022-03-15", (datetime.date(2022, 3, 15), DatePrecision.DAY)),
        (datetime.datetime(2022, 3, 15, 0, 0), (datetime.date(2022, 3, 15), DatePrecision.DAY)),  # noqa: DTZ001 (XLSX date cells are naive)
        ("", None),
    ],
)
def test_partial_dates_in_sheets_set_the_date_and_its_precision(cell, expected):
    assert parse_partial_date(cell) == expected
    if expected:
        assert parse_partial_date(format_partial_date(*expected)) == expected


@pytest.mark.parametrize("cell", ["31.02.2022", "2022-13", "mid-March", "15/03/22"])
def test_impossible_or_unreadable_dates_are_errors_that_quote_the_cell(cell):
    with pytest.raises(ValueError, match="is not a date"):
        parse_partial_date(cell)


def test_preview_lists_new_rows_and_saves_nothing_until_confirmed(researcher_client, reference):
    response = preview(researcher_client, Person, "persons.csv")

    assert response.status_code == HTTPStatus.OK
    assert response.context["confirm_form"] is not None
    assert kinds(response.context["result"]) == ["new", "new", "new"]
    assert not Person.objects.exists()
    assert not Source.objects.exists()  # the source URL is created only on confirmation

    confirm(researcher_client, Person, response)

    mamai = Person.objects.get(name_latin="Zhanbolat Mamai")
    assert mamai.slug == "zhanbolat-mamai"
    assert [a.name for a in mamai.aliases.all()] == ["Zhanbolat Mamay"]
    assert sorted(mamai.roles.values_list("slug", flat=True)) == ["activist", "opposition-politician"]
    assert mamai.location.slug == "almaty"
    assert mamai.sources.get().url == "https://www.civicus.org/kazakhstan-2022-03-to-05"
    protected = Person.objects.get(pseudonym="Activist from Shymkent")
    assert protected.identity_protected and protected.birth_year == 1990
    assert protected.location.slug == "shymkent"  # found by its local name, Шымкент
    assert set(Person.objects.values_list("visibility", flat=True)) == {Visibility.INTERNAL}


def test_the_whole_seed_workbook_imports_sheet_by_sheet(researcher_client, reference):
    import_file(researcher_client, Person, "persons.csv")
    import_file(researcher_client, Case, "cases.csv")
    import_file(researcher_client, Charge, "charges.csv")
    import_file(researcher_client, Detention, "detentions.csv")
    import_file(researcher_client, Assembly, "assemblies.csv")

    mamai_case = Case.objects.get(slug="mamai-2022")
    assert (mamai_case.opened_on, mamai_case.opened_on_precision) == (datetime.date(2022, 3, 1), "month")
    assert mamai_case.affects_expression and mamai_case.affects_assembly and not mamai_case.affects_association
    assert sorted(c.article.number for c in mamai_case.charges.all()) == ["274", "378"]
    # "Жанболат Мамай" in the charges sheet is the person imported as "Zhanbolat Mamai".
    assert {c.defendant.name_latin for c in mamai_case.charges.all()} == {"Zhanbolat Mamai"}
    assert Participant.objects.get(case=mamai_case).role == "defendant"
    detention = Detention.objects.get()
    assert (detention.kind, detention.started_on_precision) == ("pretrial", "month")
    extension = detention.extensions.get()
    assert (extension.decided_on, extension.extended_until) == (datetime.date(2022, 5, 6), datetime.date(2022, 6, 12))
    search = Case.objects.get(slug="bekkulova-search-2022")
    assert (search.opened_on, search.opened_on_precision) == (datetime.date(2022, 4, 23), "day")
    assert Assembly.objects.get().outcome == "dispersed"
    for model in (Person, Case, Charge, Detention, Assembly):
        assert set(model.objects.values_list("visibility", flat=True)) == {Visibility.INTERNAL}


def test_reimporting_the_same_files_changes_nothing(researcher_client, reference):
    sheets = [
        (Person, "persons.csv"),
        (Case, "cases.csv"),
        (Charge, "charges.csv"),
        (Detention, "detentions.csv"),
        (Assembly, "assemblies.csv"),
    ]
    for model, name in sheets:
        import_file(researcher_client, model, name)
    before = {m: sorted(m.objects.values_list("pk", "updated_at", "version")) for m, _n in sheets}
    history = {m: m.history.count() for m, _n in sheets}

    for model, name in sheets:
        result = import_file(researcher_client, model, name)
        assert set(kinds(result)) == {"skip"}, (name, kinds(result))

    assert {m: sorted(m.objects.values_list("pk", "updated_at", "version")) for m, _n in sheets} == before
    assert {m: m.history.count() for m, _n in sheets} == history


def test_an_exported_sheet_imports_back_unchanged(editor_client, reference):
    import_file(editor_client, Person, "persons.csv")
    response = editor_client.post(admin_url(Person, "export"), {"format": "0", "resource": "0"})
    exported = response.content

    result = import_file(editor_client, Person, "persons-export.csv", exported)

    assert kinds(result) == ["skip", "skip", "skip"]


def test_a_name_in_another_script_matches_the_existing_person(researcher_client, reference):
    existing = PersonFactory(name="Zhanbolat Mamai", name_latin="Zhanbolat Mamai", birth_year=None)
    sheet = "name,birth_year,biography\nЖанболат Мамай,,Opposition leader.\n".encode()

    result = import_file(researcher_client, Person, "mamai.csv", sheet)

    assert kinds(result) == ["update"]
    existing.refresh_from_db()
    assert existing.biography == "Opposition leader."
    assert Person.objects.count() == 1


def test_a_different_birth_year_makes_a_new_person(researcher_client, reference):
    PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai", birth_year=1970)
    sheet = b"name,birth_year\nZhanbolat Mamay,1988\n"
    result = import_file(researcher_client, Person, "namesake.csv", sheet)
    assert kinds(result) == ["new"]


def test_a_researcher_cannot_publish_or_unpublish_through_an_import(researcher_client, reference):
    published = CaseFactory(slug="published-case", title="Published", visibility=Visibility.PUBLIC)
    sheet = b"slug,title,visibility\npublished-case,Published and edited,internal\nnew-case,A new case,public\n"
    result = import_file(researcher_client, Case, "cases.csv", sheet)

    assert kinds(result) == ["update", "new"]
    published.refresh_from_db()
    assert (published.title, published.visibility) == ("Published and edited", Visibility.PUBLIC)
    assert Case.objects.get(slug="new-case").visibility == Visibility.INTERNAL


def test_an_impossible_date_is_a_row_error_naming_the_column_and_nothing_is_saved(researcher_client, reference):
    sheet = b"slug,title,opened_on\ngood-case,Good,2022-03\nbad-case,Bad,31.02.2022\n"
    response = preview(researcher_client, Case, "cases.csv", sheet)

    assert response.context.get("confirm_form") is None
    (invalid,) = response.context["result"].invalid_rows
    assert invalid.number == 2
    assert "31.02.2022" in str(invalid.field_specific_errors["opened_on"])
    assert not Case.objects.exists()
    assert "31.02.2022" in response.content.decode()


def test_an_unknown_article_is_a_row_error(researcher_client, reference):
    CaseFactory(slug="mamai-2022", visibility=Visibility.INTERNAL)
    PersonFactory(slug="zhanbolat-mamai")
    sheet = b"case,defendant,article\nmamai-2022,zhanbolat-mamai,999.9\n"
    response = preview(researcher_client, Charge, "charges.csv", sheet)

    (invalid,) = response.context["result"].invalid_rows
    assert "Unknown article “999.9”" in str(invalid.field_specific_errors["article"])
    assert not Charge.objects.exists()


def test_unknown_people_tags_and_choices_are_row_errors_with_their_reason(researcher_client, reference):
    sheet = b"slug,title,kind,tags\nx,X,kriminal,protest; no-such-tag\n"
    response = preview(researcher_client, Case, "cases.csv", sheet)
    (invalid,) = response.context["result"].invalid_rows
    assert "not one of: criminal" in str(invalid.field_specific_errors["kind"])
    assert "no-such-tag" in str(invalid.field_specific_errors["tags"])
    charge_sheet = b"case,defendant,article\nx,Nobody Known,CC 274\n"
    response = preview(researcher_client, Charge, "charges.csv", charge_sheet)
    (invalid,) = response.context["result"].invalid_rows
    assert "No person “Nobody Known”" in str(invalid.field_specific_errors["defendant"])
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("12.06.2022", "write an extension as"),
        ("06.05.2022 until 2022-06", "write an extension as"),
        ("06.05.2022 until 01.05.2022", "before the decision"),
        ("01.01.2022 until 12.06.2022", "before the detention began"),
    ],
)
def test_bad_detention_extensions_are_row_errors(researcher_client, reference, cell, message):
    PersonFactory(slug="zhanbolat-mamai")
    sheet = f"person,started_on,extensions\nzhanbolat-mamai,2022-03,{cell}\n".encode()
    response = preview(researcher_client, Detention, "detentions.csv", sheet)
    (invalid,) = response.context["result"].invalid_rows
    assert message in str(invalid.field_specific_errors["extensions"])
    assert not Detention.objects.exists()


def test_an_extension_left_out_of_the_sheet_is_removed_and_a_new_one_added(researcher_client, reference):
    import_file(researcher_client, Person, "persons.csv")
    import_file(researcher_client, Case, "cases.csv")
    import_file(researcher_client, Detention, "detentions.csv")
    sheet = (DATA / "detentions.csv").read_text().replace("06.05.2022 until 12.06.2022", "2022-06 until 12.07.2022")

    result = import_file(researcher_client, Detention, "detentions.csv", sheet.encode())

    assert kinds(result) == ["update"]
    extension = Extension.objects.get()
    assert (extension.decided_on, extension.decided_on_precision) == (datetime.date(2022, 6, 1), "month")
    assert extension.extended_until == datetime.date(2022, 7, 12)


def test_missing_columns_are_named_and_nothing_is_read(researcher_client, reference):
    response = preview(researcher_client, Charge, "charges.csv", b"case,person\nmamai-2022,zhanbolat-mamai\n")
    assert response.context.get("confirm_form") is None
    content = response.content.decode()
    assert "Missing column(s): defendant, article" in content
    assert "Traceback" not in content
    assert not Charge.objects.exists()


def test_a_file_in_another_encoding_gets_a_clear_message(researcher_client, reference):
    sheet = "name,name_latin\nЖанболат Мамай,Zhanbolat Mamai\n".encode("cp1251")
    response = preview(researcher_client, Person, "persons.csv", sheet)
    assert "not UTF-8 text" in str(response.context["form"].errors["import_file"])
    assert not Person.objects.exists()


def test_a_text_file_posted_as_xlsx_gets_a_clear_message(researcher_client, reference):
    response = preview(researcher_client, Person, "persons.xlsx", b"name\nMamai\n", fmt="xlsx")
    assert "could not be read as xlsx" in str(response.context["form"].errors["import_file"])


def test_fifty_megabytes_of_junk_are_refused_by_size_before_reading(researcher_client, reference):
    junk = b"\x00\xff junk " * (50 * 1024 * 1024 // 10)
    response = preview(researcher_client, Person, "junk.csv", junk)
    assert response.status_code == HTTPStatus.OK
    assert "at most 5 MB" in str(response.context["form"].errors["import_file"])
    assert not Person.objects.exists()


def test_an_xlsx_sheet_with_date_cells_and_year_numbers_imports(researcher_client, reference):
    import_file(researcher_client, Assembly, "assemblies.xlsx")
    picket = Assembly.objects.get(slug="almaty-political-prisoners-2022-05")
    assert (picket.held_on, picket.held_on_precision, picket.detained_count) == (datetime.date(2022, 5, 10), "day", 5)
    rally = Assembly.objects.get(slug="democratic-party-rally-2022-03")
    assert (rally.held_on, rally.held_on_precision) == (datetime.date(2022, 1, 1), "year")


@pytest.mark.parametrize("model", [Person, Case, Charge, Detention, Assembly])
def test_each_sheet_has_a_downloadable_template(researcher_client, model):
    csv = researcher_client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import_template", args=["csv"])
    )
    assert csv.status_code == HTTPStatus.OK
    header = csv.content.decode("utf-8-sig").strip()
    assert header.startswith("uuid,")
    assert "name_key" not in header
    xlsx = researcher_client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import_template", args=["xlsx"])
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[1]] == header.split(",")
    page = researcher_client.get(admin_url(model, "import"))
    assert page.status_code == HTTPStatus.OK
    assert (
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import_template", args=["csv"])
        in page.content.decode()
    )


def test_staff_without_add_permission_cannot_import(client, reference):
    viewer = User.objects.create_user("viewer", password="a long test password", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_person"))
    client.force_login(viewer)
    assert client.get(admin_url(Person, "import")).status_code == HTTPStatus.FORBIDDEN
    response = preview(client, Person, "persons.csv")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "model", [Person, Organization, Case, Charge, Detention, Assembly], ids=lambda m: m._meta.label
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_sheet_exported_from_the_admin_imports_back_without_a_change(editor_client, model, fmt):
    build_full_record()
    exported = editor_client.post(admin_url(model, "export"), {"format": FORMAT_INDEX[fmt]}).content
    count = model.objects.count()

    result = import_file(editor_client, model, f"export.{fmt}", exported)

    assert set(kinds(result)) == {"skip"}, [
        (r.import_type, r.diff) for r in result.valid_rows() if r.import_type != "skip"
    ]
    assert len(kinds(result)) == count == model.objects.count()
