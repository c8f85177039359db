"""The portfolio's frame: organisations of each country, and each programme's profile,
components, milestones and quarters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from bomca.core.errors import ApplicationError
from bomca.core.periods import quarter, quarters_between
from bomca.generate.common import PROGRAMME_COUNTRIES, Directory, Run, Window
from bomca.generate.shapes import (
    AGENCY_KINDS,
    AGENCY_UNITS,
    NGOS_PER_COUNTRY,
    PARTNERS,
    PROFILES,
    Profile,
)
from bomca.reference.models import (
    Component,
    Country,
    Milestone,
    Organisation,
    OrganisationKind,
    Programme,
    ReportingPeriod,
)
from bomca.reference.services import reporting_periods_ensure

K = OrganisationKind
#: IATI organisation types: government, national NGO, multilateral.
_GOVERNMENT, _NGO, _MULTILATERAL = "10", "22", "40"


def window_of_reference(*, years: int, exclude_prefix: str) -> Window:
    """The ``years`` years that end with the last year of the reference data's quarters."""
    last = (
        ReportingPeriod.objects.exclude(programme__code__startswith=exclude_prefix)
        .order_by("-end_date")
        .values_list("end_date", flat=True)
        .first()
    )
    if last is None:
        raise ApplicationError(
            "There is no reference programme to generate beside; run 'bomca init' first."
        )
    return Window(
        first=date(last.year - years + 1, 1, 1),
        last=date(last.year, 12, 31),
        today=timezone.localdate(),
    )


def directory_ensure(run_note: str) -> tuple[Directory, int]:
    """The countries and organisations of the portfolio, the synthetic ones created if missing;
    with how many were created."""
    countries = {country.code: country for country in Country.objects.all()}
    missing = [code for code in PROGRAMME_COUNTRIES if code not in countries]
    if missing:
        raise ApplicationError(
            f"The countries {', '.join(missing)} are not recorded; run 'bomca init' first."
        )
    created = 0
    agencies: dict[tuple[str, str], list[Organisation]] = {}
    ngos: dict[str, list[Organisation]] = {}
    training: dict[str, Organisation] = {}
    for code in PROGRAMME_COUNTRIES:
        country = countries[code]
        for kind, (kind_code, kind_name) in AGENCY_KINDS.items():
            # The reference data's own agencies of the kind, then the synthetic units.
            found = list(
                Organisation.objects.filter(country=country, kind=kind)
                .exclude(code__startswith="SYN-")
                .order_by("code")
            )
            for unit in range(1, AGENCY_UNITS + 1):
                organisation, new = _organisation(
                    f"SYN-{code}-{kind_code}-{unit}",
                    f"Synthetic {kind_name} unit {unit} ({country.name_en})",
                    kind,
                    country,
                    _GOVERNMENT,
                    run_note,
                )
                found.append(organisation)
                created += new
            agencies[(code, kind)] = found
        ngos[code] = []
        for number in range(1, NGOS_PER_COUNTRY + 1):
            organisation, new = _organisation(
                f"SYN-{code}-NGO-{number:02d}",
                f"Synthetic NGO {number:02d} ({country.name_en})",
                K.NGO,
                country,
                _NGO,
                run_note,
            )
            ngos[code].append(organisation)
            created += new
        training[code], new = _organisation(
            f"SYN-{code}-TRAINING-1",
            f"Synthetic training centre ({country.name_en})",
            K.TRAINING_INSTITUTION,
            country,
            _GOVERNMENT,
            run_note,
        )
        created += new
    partners = []
    for number in range(1, PARTNERS + 1):
        organisation, new = _organisation(
            f"SYN-PARTNER-{number}",
            f"Synthetic implementing partner {number}",
            K.IMPLEMENTING_PARTNER,
            None,
            _MULTILATERAL,
            run_note,
        )
        partners.append(organisation)
        created += new
    donor = Organisation.objects.filter(kind=K.DONOR, country__isnull=True).order_by("code").first()
    if donor is None:
        donor, new = _organisation(
            "SYN-DONOR", "Synthetic donor", K.DONOR, None, _MULTILATERAL, run_note
        )
        created += new
    directory = Directory(
        countries=countries,
        abroad=[
            country
            for code, country in sorted(countries.items())
            if code not in PROGRAMME_COUNTRIES
        ],
        agencies=agencies,
        ngos=ngos,
        training=training,
        partners=partners,
        donor=donor,
    )
    return directory, created


def _organisation(
    code: str,
    name: str,
    kind: str,
    country: Country | None,
    iati_type: str,
    run_note: str,
) -> tuple[Organisation, bool]:
    existing = Organisation.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    organisation = Organisation(
        code=code,
        name_en=name,
        kind=kind,
        country=country,
        iati_type=iati_type,
        source="illustrative",
        source_note=run_note,
    )
    organisation.full_clean()
    organisation.save()
    return organisation, True


@dataclass(frozen=True)
class ProgrammePlan:
    """A generated programme and what its activities draw on."""

    number: int
    programme: Programme
    components: list[Component]
    profiles: list[Profile]
    countries: list[Country]
    quarters: list[ReportingPeriod]


def programme_create(run: Run, *, number: int, code: str) -> ProgrammePlan:
    """A programme with its components, milestones and quarters."""
    rng = run.rng(number, "programme")
    window = run.window
    start = quarter(window.first.year, rng.choice((1, 1, 2))).start
    end = quarter(window.last.year, rng.choice((3, 4, 4))).end
    codes = list(PROGRAMME_COUNTRIES)
    if rng.random() < 0.2:
        codes = sorted(rng.sample(codes, rng.randint(3, 4)))
    countries = [run.directory.countries[code] for code in codes]
    years = (end - start).days / 365.25
    programme = Programme(
        code=code,
        name_en=f"Synthetic programme {number:02d} (generated)",
        acronym_en=code,
        phase="Generated",
        overall_objective_en=(
            "Synthetic objective: safer and more open borders in Central Asia, with agencies "
            "that work to international standards and cooperate across borders."
        ),
        budget=Decimal(rng.randint(1500, 2600) * 1000 * max(1, round(years))),
        currency="EUR",
        start_date=start,
        end_date=end,
        donor=run.directory.donor,
        source="illustrative",
        source_note=run.note,
    )
    programme.full_clean()
    programme.save()
    programme.countries.set(countries)
    programme.implementing_partners.set([rng.choice(run.directory.partners)])
    run.rows[Programme._meta.label] += 1
    core, others = PROFILES[:3], PROFILES[3:]
    profiles = [*core, *rng.sample(others, rng.choice((0, 1, 1, 1, 2)))]
    rng.shuffle(profiles)
    components = [
        Component(
            programme_id=programme.pk,
            number=position,
            title_en=f"Synthetic component {position}: {profile.title}",
            specific_objective_en=profile.objective,
            source="illustrative",
            source_note=run.note,
        )
        for position, profile in enumerate(profiles, start=1)
    ]
    run.insert(Component, components)
    middle = start + (end - start) / 2
    milestones = [
        Milestone(
            programme_id=programme.pk,
            date=day,
            title_en=title,
            expected=day > window.today,
            source="illustrative",
            source_note=run.note,
        )
        for day, title in (
            (start, f"{code} starts"),
            (date(middle.year, middle.month, 1), "Mid-term review"),
            (end, f"{code} ends"),
        )
    ]
    run.insert(Milestone, milestones)
    run.rows[ReportingPeriod._meta.label] += reporting_periods_ensure(programme=programme)
    quarters = list(programme.reporting_periods.order_by("start_date"))
    assert [row.code for row in quarters] == [q.label for q in quarters_between(start, end)]
    return ProgrammePlan(
        number=number,
        programme=programme,
        components=components,
        profiles=profiles,
        countries=countries,
        quarters=quarters,
    )
