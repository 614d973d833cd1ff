"""Factories for tests. Records default to ``public`` here (the model default is
``internal``) because most tests read through public pages or the API; tests about
visibility set the level explicitly."""

import datetime

import factory
from factory.django import DjangoModelFactory

from cases.models import (
    Assembly,
    Case,
    Charge,
    Detention,
    Event,
    Extension,
    Facility,
    LegalArticle,
    LegalCode,
    Participant,
    Sentence,
)
from kazmonitor.models import Location, Source, Tag, Visibility
from people.models import Membership, Organization, Person, PersonAlias, Recognition


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    kind = Location.Kind.CITY


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    url = factory.Sequence(lambda n: f"https://example.org/report/{n}")
    publisher = "IPHR"
    published_on = datetime.date(2022, 5, 2)
    visibility = Visibility.PUBLIC


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Тест Персона {n}")
    name_latin = factory.Sequence(lambda n: f"Test Persona {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")
    visibility = Visibility.PUBLIC


class PersonAliasFactory(DjangoModelFactory):
    class Meta:
        model = PersonAlias

    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    kind = Organization.Kind.NGO
    visibility = Visibility.PUBLIC


class CourtFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"District court no. {n}")
    slug = factory.Sequence(lambda n: f"court-{n}")
    kind = Organization.Kind.COURT


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "member"
    visibility = Visibility.PUBLIC


class RecognitionFactory(DjangoModelFactory):
    class Meta:
        model = Recognition

    person = factory.SubFactory(PersonFactory)
    recognised_by = factory.SubFactory(OrganizationFactory)
    since = datetime.date(2022, 5, 15)
    visibility = Visibility.PUBLIC


class LegalCodeFactory(DjangoModelFactory):
    class Meta:
        model = LegalCode
        django_get_or_create = ("slug",)

    name = "Criminal Code"
    short_name = "CC"
    slug = "kz-cc"


class LegalArticleFactory(DjangoModelFactory):
    class Meta:
        model = LegalArticle

    code = factory.SubFactory(LegalCodeFactory)
    # Far above the real articles tests name (272, 274, 405, 488 …), so a sequence never
    # collides with them however many articles a test worker has made before.
    number = factory.Sequence(lambda n: str(10_000 + n))
    part = ""
    slug = factory.LazyAttributeSequence(
        lambda o, n: f"{o.code.slug}-{o.number}" + (f"-{o.part}" if o.part else "") + f"-{n}"
    )
    title = factory.Sequence(lambda n: f"Offence {n}")


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"Pre-trial detention centre {n}")


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"Case {n}")
    slug = factory.Sequence(lambda n: f"case-{n}")
    kind = Case.Kind.CRIMINAL
    status = Case.Status.INVESTIGATION
    opened_on = datetime.date(2022, 3, 15)
    summary = "A public summary."
    visibility = Visibility.PUBLIC


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    case = factory.SubFactory(CaseFactory)
    person = factory.SubFactory(PersonFactory)
    role = Participant.Role.DEFENDANT
    visibility = Visibility.PUBLIC


class ChargeFactory(DjangoModelFactory):
    class Meta:
        model = Charge

    case = factory.SubFactory(CaseFactory)
    defendant = factory.SubFactory(PersonFactory)
    article = factory.SubFactory(LegalArticleFactory)
    filed_on = datetime.date(2022, 3, 15)
    visibility = Visibility.PUBLIC


class SentenceFactory(DjangoModelFactory):
    class Meta:
        model = Sentence

    case = factory.SubFactory(CaseFactory)
    defendant = factory.SubFactory(PersonFactory)
    kind = Sentence.Kind.IMPRISONMENT
    term = 5
    term_unit = Sentence.TermUnit.YEARS
    sentenced_on = datetime.date(2022, 5, 20)
    visibility = Visibility.PUBLIC


class AssemblyFactory(DjangoModelFactory):
    class Meta:
        model = Assembly

    title = factory.Sequence(lambda n: f"Protest {n}")
    slug = factory.Sequence(lambda n: f"protest-{n}")
    held_on = datetime.date(2022, 4, 9)
    outcome = Assembly.Outcome.DISPERSED
    visibility = Visibility.PUBLIC


class DetentionFactory(DjangoModelFactory):
    class Meta:
        model = Detention

    person = factory.SubFactory(PersonFactory)
    case = factory.SubFactory(CaseFactory)
    kind = Detention.Kind.PRETRIAL
    started_on = datetime.date(2022, 3, 15)
    visibility = Visibility.PUBLIC


class ExtensionFactory(DjangoModelFactory):
    class Meta:
        model = Extension

    detention = factory.SubFactory(DetentionFactory)
    decided_on = datetime.date(2022, 5, 6)
    extended_until = datetime.date(2022, 6, 12)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    case = factory.SubFactory(CaseFactory)
    kind = Event.Kind.HEARING
    occurred_on = datetime.date(2022, 4, 4)
    description = "A hearing took place."
    visibility = Visibility.PUBLIC
