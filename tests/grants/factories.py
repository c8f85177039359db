"""factory_boy factories and a few builders for grants: obviously synthetic records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from bomca.grants.models import (
    Application,
    CallForProposals,
    Decision,
    GrantProject,
    ProjectStatus,
    ReportKind,
    StatusChange,
)
from bomca.grants.services import project_move, report_create
from bomca.reference.models import OrganisationKind
from tests.factories import OrganisationFactory, ProgrammeFactory

#: The day the factories' projects are contracted; they run 1 April 2023 to 31 March 2024.
CONTRACTED_ON = date(2023, 3, 20)


class CallFactory(factory.django.DjangoModelFactory):
    """6–12 month projects of at most 60 000 EUR, in all the programme's countries."""

    class Meta:
        model = CallForProposals
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"SYN-CfP-{n + 1}")
    title_en = factory.Sequence(lambda n: f"Synthetic call {n + 1}")
    budget_ceiling = Decimal("500000.00")
    currency = "EUR"
    max_grant_amount = Decimal("60000.00")
    opens_on = date(2022, 10, 1)
    closes_on = date(2022, 12, 31)
    min_duration_months = 6
    max_duration_months = 12

    @factory.post_generation
    def countries(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.countries.set(
                extracted if extracted is not None else self.programme.countries.all()
            )


class NgoFactory(OrganisationFactory):
    code = factory.Sequence(lambda n: f"SYN-NGO-{n}")
    name_en = factory.Sequence(lambda n: f"Synthetic NGO {n}")
    kind = OrganisationKind.NGO
    iati_type = "22"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A selected application from an NGO of the call's first country."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    number = factory.Sequence(lambda n: n + 1)
    country = factory.LazyAttribute(lambda application: application.call.countries.first())
    organisation = factory.SubFactory(NgoFactory, country=factory.SelfAttribute("..country"))
    title_en = factory.Sequence(lambda n: f"Synthetic action {n}")
    submitted_on = date(2022, 11, 15)
    requested_amount = Decimal("50000.00")
    currency = "EUR"
    score = Decimal("80.00")
    decision = Decision.SELECTED
    decision_date = date(2023, 3, 1)


class GrantProjectFactory(factory.django.DjangoModelFactory):
    """A contracted 12-month project of 50 000 EUR, with its first status step."""

    class Meta:
        model = GrantProject
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    contract_number = factory.Sequence(lambda n: f"SYN-G{n:03d}")
    amount = Decimal("50000.00")
    currency = "EUR"
    start_date = date(2023, 4, 1)
    end_date = date(2024, 3, 31)

    @factory.post_generation
    def contracted_on(self, create: bool, extracted: date | None, **kwargs: object) -> None:
        if create:
            StatusChange.objects.create(
                project=self, to_status=ProjectStatus.CONTRACTED, date=extracted or CONTRACTED_ON
            )


#: The steps that bring a factory project to each status, with their dates.
_ROUTE = {
    ProjectStatus.CONTRACTED: [],
    ProjectStatus.ONGOING: [(ProjectStatus.ONGOING, date(2023, 4, 1))],
    ProjectStatus.FINAL_REPORT_RECEIVED: [
        (ProjectStatus.ONGOING, date(2023, 4, 1)),
        (ProjectStatus.FINAL_REPORT_RECEIVED, date(2024, 4, 15)),
    ],
    ProjectStatus.CLOSED: [
        (ProjectStatus.ONGOING, date(2023, 4, 1)),
        (ProjectStatus.FINAL_REPORT_RECEIVED, date(2024, 4, 15)),
        (ProjectStatus.CLOSED, date(2024, 4, 20)),
    ],
    ProjectStatus.TERMINATED: [
        (ProjectStatus.ONGOING, date(2023, 4, 1)),
        (ProjectStatus.TERMINATED, date(2023, 9, 1)),
    ],
}
#: A day after every step of ``_ROUTE``: tests move projects on it.
AFTER_THE_ROUTE = date(2024, 5, 1)


def project_in(status: str, **fields: object) -> GrantProject:
    """A factory project brought to ``status`` through the services, with its final report
    received (so that only the status machine decides where it may go next)."""
    project = GrantProjectFactory(**fields)
    report_create(
        project=project,
        data={
            "kind": ReportKind.FINAL,
            "due_date": date(2024, 4, 30),
            "received_on": date(2024, 4, 10),
        },
    )
    for step, on in _ROUTE[status]:
        project_move(project=project, to_status=step, on=on, by=None, note="Synthetic step.")
    return project
