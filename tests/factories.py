"""factory_boy factories: obviously synthetic records for tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from bomca.accounts.models import User
from bomca.activities.models import Activity, ActivityType, Format, Scope, Status
from bomca.people.models import Attendance, Participant, ParticipantCount, PersonSex, Trainer
from bomca.reference.models import Component, Country, Organisation, OrganisationKind, Programme

#: The password of every UserFactory user.
PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    # Hashed before the insert: a password set after it (and not saved) left the stored hash
    # empty, so force_login's session hash never matched and every request logged out.
    password = factory.django.Password(PASSWORD)


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    iso3 = factory.LazyAttribute(lambda country: f"{country.code}X")
    name_en = factory.LazyAttribute(lambda country: f"Testland {country.code}")
    name_ru = factory.LazyAttribute(lambda country: f"Тестландия {country.code}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG-{n}")
    name_en = factory.Sequence(lambda n: f"Synthetic agency {n}")
    kind = OrganisationKind.BORDER
    country = factory.SubFactory(CountryFactory)
    iati_type = "10"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"PROG{n}")
    name_en = factory.Sequence(lambda n: f"Synthetic programme {n}")
    acronym_en = "SYN"
    overall_objective_en = "A synthetic objective for tests."
    budget = Decimal("1000000.00")
    currency = "EUR"
    start_date = date(2021, 4, 1)
    end_date = date(2025, 9, 30)
    donor = factory.SubFactory(
        OrganisationFactory, kind=OrganisationKind.DONOR, country=None, iati_type="40"
    )

    @factory.post_generation
    def countries(self, create: bool, extracted: list[Country] | None, **kwargs: object) -> None:
        if create:
            self.countries.set(extracted if extracted is not None else [CountryFactory()])


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n % 9 + 1)
    title_en = factory.Sequence(lambda n: f"Synthetic component {n}")
    specific_objective_en = "A synthetic specific objective."


class ActivityFactory(factory.django.DjangoModelFactory):
    """An implemented national workshop in the programme's first country."""

    class Meta:
        model = Activity

    component = factory.SubFactory(ComponentFactory)
    programme = factory.SelfAttribute("component.programme")
    code = factory.Sequence(lambda n: f"C1-XX-2023-{n + 100:03d}")
    title_en = factory.Sequence(lambda n: f"Synthetic workshop {n}")
    activity_type = ActivityType.WORKSHOP
    scope = Scope.NATIONAL
    format = Format.IN_PERSON
    host_country = factory.LazyAttribute(lambda activity: activity.programme.countries.first())
    start_date = date(2023, 5, 10)
    end_date = date(2023, 5, 12)
    status = Status.IMPLEMENTED


class ParticipantCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipantCount

    activity = factory.SubFactory(ActivityFactory)
    country = factory.LazyAttribute(lambda row: row.activity.programme.countries.first())
    female = 3
    male = 7


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A named synthetic person (of a new synthetic country unless given one)."""

    class Meta:
        model = Participant

    full_name = factory.Sequence(lambda n: f"Synthetic Person {n}")
    sex = factory.Iterator([PersonSex.FEMALE, PersonSex.MALE])
    country = factory.SubFactory(CountryFactory)
    position = "Synthetic officer"


class AttendanceFactory(factory.django.DjangoModelFactory):
    """A participant who attended every day, completed, and was tested and asked."""

    class Meta:
        model = Attendance

    participant = factory.SubFactory(ParticipantFactory)
    activity = factory.SubFactory(ActivityFactory)
    days_attended = 3
    completed = True
    pre_test = Decimal("50.00")
    post_test = Decimal("80.00")
    satisfaction = 4


class TrainerFactory(factory.django.DjangoModelFactory):
    """A participant in the pool of national trainers of their own country."""

    class Meta:
        model = Trainer

    participant = factory.SubFactory(ParticipantFactory)
    home_country = factory.SelfAttribute("participant.country")
    topics = "Synthetic topics"


class PersonaFactory(UserFactory):
    """A user with a role and, for a lead or a coordinator, a scope: ``countries=[...]``."""

    first_name = "Synthetic"

    @factory.post_generation
    def countries(self, create: bool, extracted: list[Country] | None, **kwargs: object) -> None:
        if create and extracted:
            self.countries.set(extracted)

    @factory.post_generation
    def components(self, create: bool, extracted: list[Component] | None, **kwargs: object) -> None:
        if create and extracted:
            self.components.set(extracted)
