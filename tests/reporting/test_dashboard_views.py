"""The dashboard: a period's figures and charts, each chart downloadable, counts of people as
each role may see them."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from bomca.accounts.models import AuditEvent, AuditEventKind, User
from bomca.activities.models import Status
from bomca.core.periods import parse_period
from bomca.grants.models import GrantProject
from bomca.grants.services import people_reached_record, report_create
from bomca.reference.models import Country, Programme
from bomca.reporting.infographics import period_charts
from bomca.reporting.selectors import key_figures
from tests.factories import ActivityFactory, ParticipantCountFactory
from tests.pages import Element, page

DASHBOARD = "/dashboard/"
CHART_NAMES = [
    "timeline",
    "activities-by-component",
    "activities-by-country",
    "activities-by-type",
    "activities-by-scope",
    "activities-by-format",
    "participants-by-sex",
    "participants-by-country",
    "participants-by-organisation",
    "trainer-exchanges",
    "procurement-progress",
    "procurement-value",
    "procurement-status",
    "procurement-by-horizon",
    "grants-projects",
    "grants-money",
]
CONTENT_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
SVG = "{http://www.w3.org/2000/svg}"


def _kpis(html: Element) -> list[str]:
    return [value.text for value in html.find_all("p", cls="kpi-value")]


def _chart_cards(html: Element) -> list[str]:
    return [card.attrs["id"].removeprefix("chart-card-") for card in html.find_all("figure")]


def _download_links(html: Element) -> list[str]:
    return [link.attrs["href"] for link in html.find_all("a") if "download" in link.attrs]


def _csv(client: Client, name: str, **params: str) -> list[list[str]]:
    response = client.get(f"/dashboard/charts/{name}.csv", params)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=AuditEventKind.EXPORT).order_by("pk"))


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- the page -------------------------------------------------------------------------------


def test_the_dashboard_shows_2023q2_by_default(alice_client: Client, bomca10: Programme):
    html = page(alice_client.get(DASHBOARD))

    picker = html.by_id("id_period_select")
    selected = [
        option.attrs["value"] for option in picker.find_all("option") if "selected" in option.attrs
    ]
    assert selected == ["2023Q2"]
    assert _kpis(html) == ["25", "472", "28%", "3"]
    assert html.find_all("p", cls="summary")[0].text.startswith(
        "Figures of April–June 2023 (2023Q2)"
    )


def test_the_dashboard_draws_every_chart_with_its_downloads(
    alice_client: Client, bomca10: Programme
):
    html = page(alice_client.get(DASHBOARD))

    # No grant report had been received by the end of 2023Q2: nobody reached is charted.
    assert _chart_cards(html) == CHART_NAMES
    assert html.find_all("p", cls="empty")[0].text == (
        "Nothing to chart for this period: People reached by the NGO projects."
    )
    for card in html.find_all("figure"):
        assert len(card.find_all("svg")) == 1
        assert card.find_all("title")
        assert card.find_all("desc")
    links = _download_links(html)
    assert len(links) == 4 * len(CHART_NAMES)
    assert all(link.endswith("?programme=BOMCA10&period=2023Q2") for link in links)


def test_the_dashboard_lists_what_comes_next(alice_client: Client, bomca10: Programme):
    html = page(alice_client.get(DASHBOARD))

    assert html.by_id("upcoming-heading").text == "Coming up in July–September 2023"
    rows = html.by_id("upcoming-heading").parent.find_all("tbody")[0].find_all("tr")
    assert len(rows) == 5
    assert [row.find_all("td")[2].text for row in rows].count("Management") == 1


def test_a_period_with_no_activities_shows_the_empty_state(
    alice_client: Client, bomca10: Programme
):
    response = alice_client.get(DASHBOARD, {"period": "2022Q1"})
    html = page(response)

    assert response.status_code == 200
    assert _kpis(html) == ["0", "0", "–", "0"]
    [empty] = html.find_all("div", cls="empty-state")
    assert "No activities were implemented in this period." in empty.text
    assert _chart_cards(html) == ["timeline"]


@pytest.mark.parametrize("period", ["2023Q5", "last year", "2023-13", "2023-02-30", "0000"])
def test_an_unreadable_period_is_explained_not_a_server_error(
    alice_client: Client, bomca10: Programme, period
):
    response = alice_client.get(DASHBOARD, {"period": period})

    assert response.status_code == 200
    alerts = page(response).find_all("p", cls="form-errors")
    assert len(alerts) == 1
    assert period in alerts[0].text
    assert alerts[0].attrs["role"] == "alert"
    assert _kpis(page(response))[0] == "25"  # the default period instead


def test_an_htmx_request_gets_only_the_dashboard(alice_client: Client, bomca10: Programme):
    response = alice_client.get(DASHBOARD, {"period": "2022Q1"}, HTTP_HX_REQUEST="true")

    assert "<html" not in response.content.decode()
    assert _kpis(page(response)) == ["0", "0", "–", "0"]


def test_the_dashboard_speaks_russian(alice_client: Client, bomca10: Programme):
    response = alice_client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="ru")
    html = page(response)

    assert _kpis(html) == ["25", "472", "28%", "3"]
    # Each label agrees with its number: 25 мероприятий, 472 участника, 3 мероприятия.
    assert [label.text for label in html.find_all("p", cls="kpi-label")] == [
        "мероприятий проведено",
        "участника",
        "участников — женщины",
        "мероприятия, проведённых национальными тренерами в других странах",
    ]
    titles = [card.find_all("title")[0].text for card in html.find_all("figure")]
    assert len(titles) == len(CHART_NAMES)
    assert all(CYRILLIC.search(title) for title in titles), titles
    assert "Казахстан" in html.text
    assert CYRILLIC.search(html.by_id("upcoming-heading").text)


def test_the_dashboard_takes_as_many_queries_for_55_activities_as_for_25(
    alice_client: Client, bomca10: Programme
):
    alice_client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as before:
        alice_client.get(DASHBOARD)
    components = list(bomca10.components.all())
    countries = list(bomca10.countries.order_by("code"))
    for index in range(30):
        activity = ActivityFactory(
            component=components[index % 4],
            host_country=countries[index % 5],
            delivered_by="national_trainers",
            trainer_country=countries[(index + 1) % 5],
        )
        ParticipantCountFactory(activity=activity, country=countries[index % 5])

    with CaptureQueriesContext(connection) as after:
        response = alice_client.get(DASHBOARD)

    assert _kpis(page(response))[0] == "55"
    assert len(after) == len(before)


# --- procurement and grants -------------------------------------------------------------------


def _section(html: Element, heading: str) -> Element:
    return html.by_id(heading).parent


def test_the_dashboard_sums_up_procurement_and_grants_beside_their_charts(
    alice_client: Client, bomca10: Programme
):
    html = page(alice_client.get(DASHBOARD))

    procurement = _section(html, "procurement-heading")
    grants = _section(html, "grants-heading")
    assert procurement.find_all("p")[0].text == (
        "9 needs of equipment are going ahead (18 items, worth 731,500 EUR; 26,400 USD). "
        "3 hand-overs in the period (34,000 EUR)."
    )
    assert grants.find_all("p")[0].text == (
        "9 NGO grant projects (5 countries); ongoing: 9. Committed: 413,500 EUR; paid: 165,400 EUR."
    )
    assert [link.attrs["href"] for link in procurement.find_all("a")] == ["/procurement/"]
    assert [link.attrs["href"] for link in grants.find_all("a")] == ["/grants/", "/late/"]
    cards = [html.by_id(f"chart-card-{name}") for name in CHART_NAMES[-6:]]
    assert [card.find_all("title")[0].text for card in cards] == [
        "Procurement progress: items by country and status",
        "Value of equipment by status",
        "Procurement status: needs that reached each step",
        "Short-term and mid-term needs: items by status",
        "Grant projects by country and status",
        "Grants: money committed and paid",
    ]
    assert _download_links(cards[2]) == [
        f"/dashboard/charts/procurement-status.{file_format}?programme=BOMCA10&period=2023Q2"
        for file_format in ("svg", "png", "csv", "xlsx")
    ]


def test_the_pillar_charts_download_as_their_figures(alice_client: Client, bomca10: Programme):
    assert _csv(alice_client, "procurement-status") == [
        ["Step", "Needs"],
        ["Identified", "9"],
        ["Specified", "9"],
        ["Tendered", "9"],
        ["Evaluated", "8"],
        ["Contracted", "6"],
        ["Delivered", "3"],
        ["Handed over", "2"],
    ]
    value = _csv(alice_client, "procurement-value")
    assert [row[0] for row in value[1:]] == [
        "Tendered · EUR",
        "Evaluated · EUR",
        "Contracted · EUR",
        "Contracted · USD",
        "Delivered · EUR",
        "Handed over · EUR",
    ]
    assert [float(row[1]) for row in value[3:5]] == [460100, 26400]
    assert _csv(alice_client, "grants-projects")[1] == ["Kyrgyzstan", "2", "2"]


def test_the_dashboard_lists_the_deliveries_and_reports_of_the_next_quarter(
    alice_client: Client, bomca10: Programme
):
    html = page(alice_client.get(DASHBOARD))

    rows = _section(html, "upcoming-heading").find_all("tbody")[1].find_all("tr")
    cells = [[cell.text for cell in row.find_all("td")] for row in rows]
    links = [row.find_all("a")[0].attrs["href"] for row in rows]
    assert len(rows) == 3 + 9
    assert cells[0] == [
        "PR-KZ-2023-006",
        "Delivery of 2 items: Laptops and document scanners for migration service offices",
        "Kazakhstan",
        "14 July 2023",
    ]
    assert cells[3] == [
        "BOMCA10-CfP-1-G01",
        "Interim report: Illustrative NGO 1 (Kyrgyzstan)",
        "Kyrgyzstan",
        "17 July 2023",
    ]
    assert links[:4] == [
        "/procurement/PR-KZ-2023-006/",
        "/procurement/PR-TM-2023-001/",
        "/procurement/PR-TJ-2022-001/",
        "/grants/BOMCA10-CfP-1-G01/",
    ]


def test_a_programme_without_needs_or_calls_says_they_are_not_yet_recorded(
    alice_client: Client, bomca10: Programme
):
    activity = ActivityFactory(component__programme__code="SYN1")

    html = page(alice_client.get(DASHBOARD, {"programme": "SYN1", "period": "2023Q2"}))

    assert _kpis(html)[0] == "1"
    assert activity.programme.code == "SYN1"
    assert _section(html, "procurement-heading").find_all("p")[0].text == (
        "Procurement is not yet recorded in the system, so there are no procurement figures "
        "to show."
    )
    assert _section(html, "grants-heading").find_all("p")[0].text == (
        "Grants are not yet recorded in the system, so there are no grant figures to show."
    )
    assert not [name for name in _chart_cards(html) if name.startswith(("procurement", "grants"))]


def test_people_reached_are_rounded_for_a_donor_as_participants_are(
    client: Client, personas: dict[str, User]
):
    report = report_create(
        project=GrantProject.objects.get(contract_number="BOMCA10-CfP-1-G05"),
        data={"kind": "interim", "due_date": date(2023, 6, 15), "received_on": date(2023, 6, 20)},
    )
    people_reached_record(report=report, counts={"women": 12, "men": 11, "children": 3})

    manager = _csv(_login(client, personas["pm"]), "grants-people-reached")
    manager_text = _section(page(client.get(DASHBOARD)), "grants-heading").text
    donor = _csv(_login(client, personas["donor"]), "grants-people-reached")
    donor_text = _section(page(client.get(DASHBOARD)), "grants-heading").text

    assert manager == [
        ["Group", "People"],
        ["Women", "12"],
        ["Men", "11"],
        ["of whom children", "3"],
    ]
    assert donor == [
        ["Group", "People"],
        ["Women", "10"],
        ["Men", "10"],
        ["of whom children", "<5"],
    ]
    assert "The projects' reports count 23 people reached so far." in manager_text
    assert "The projects' reports count 25 people reached so far." in donor_text


# --- who may see it -----------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(client: Client, bomca10: Programme):
    login = resolve_url(settings.LOGIN_URL)

    for url in (DASHBOARD, "/dashboard/charts/participants-by-country.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{login}?next=")
    assert _exports() == []


def test_every_role_may_view_the_dashboard(client: Client, personas: dict[str, User]):
    for key, user in personas.items():
        # A quarter with nothing to chart keeps this quick; the roles are what is tested here.
        response = _login(client, user).get(DASHBOARD, {"period": "2023Q3"})

        assert response.status_code == 200, key
        assert _kpis(page(response))[0] == "0", key
        assert page(response).find_all("h1")[0].text == "Dashboard", key


def test_counts_of_people_are_rounded_only_for_users_who_may_not_see_them_exactly(
    client: Client, personas: dict[str, User]
):
    rounded = {}
    for key in ("pm", "me", "tjcoord", "donor"):
        html = page(_login(client, personas[key]).get(DASHBOARD))
        rounded[key] = (
            _kpis(html)[1],
            any("rounded" in note.text for note in html.find_all("p", cls="help")),
        )

    assert rounded == {
        "pm": ("472", False),
        "me": ("472", False),
        "tjcoord": ("470", True),
        "donor": ("470", True),
    }


def test_the_tajik_coordinator_sees_other_countries_rounded_in_the_download(
    client: Client, personas: dict[str, User]
):
    manager = _csv(_login(client, personas["pm"]), "participants-by-country")
    coordinator = _csv(_login(client, personas["tjcoord"]), "participants-by-country")

    header = ["Country", "Women", "Men", "Not recorded", "Total"]
    assert manager == [
        header,
        ["Kyrgyzstan", "44", "86", "0", "130"],
        ["Kazakhstan", "20", "50", "0", "70"],
        ["Tajikistan", "38", "92", "0", "130"],
        ["Turkmenistan", "12", "51", "0", "63"],
        ["Uzbekistan", "19", "46", "14", "79"],
    ]
    assert coordinator == [
        header,
        ["Kyrgyzstan", "45", "85", "0", "130"],
        ["Kazakhstan", "20", "50", "0", "70"],
        ["Tajikistan", "38", "92", "0", "130"],  # their own country: exact
        ["Turkmenistan", "10", "50", "0", "65"],
        ["Uzbekistan", "20", "45", "15", "80"],
    ]


def test_a_small_count_of_another_country_shows_as_fewer_than_5(
    client: Client, personas: dict[str, User], bomca10: Programme
):
    for code, unrecorded in (("KZ", 3), ("TJ", 2)):
        country = Country.objects.get(code=code)
        activity = ActivityFactory(
            component=bomca10.components.get(number=3),
            host_country=country,
            start_date=date(2023, 6, 5),
            end_date=date(2023, 6, 6),
        )
        ParticipantCountFactory(
            activity=activity, country=country, female=0, male=0, unrecorded=unrecorded
        )

    manager = _csv(_login(client, personas["pm"]), "participants-by-country")
    manager_svg = _svg_texts(client.get("/dashboard/charts/participants-by-country.svg"))
    coordinator = _csv(_login(client, personas["tjcoord"]), "participants-by-country")
    coordinator_svg = _svg_texts(client.get("/dashboard/charts/participants-by-country.svg"))

    assert manager[2] == ["Kazakhstan", "20", "50", "3", "73"]
    assert coordinator[2] == ["Kazakhstan", "20", "50", "<5", "75"]
    assert manager[3] == coordinator[3] == ["Tajikistan", "38", "92", "2", "132"]
    assert "3" in manager_svg
    assert "3" not in coordinator_svg  # the hidden segment is drawn without its number
    assert {"75", "2"} <= set(coordinator_svg)


def _svg_texts(response) -> list[str]:
    root = ET.fromstring(response.content)  # noqa: S314 - our own renderer's output
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def test_counts_of_activities_are_never_rounded(client: Client, personas: dict[str, User]):
    manager = _csv(_login(client, personas["pm"]), "activities-by-country")
    coordinator = _csv(_login(client, personas["tjcoord"]), "activities-by-country")

    assert manager == coordinator
    assert manager[1] == ["Kyrgyzstan", "2", "2", "1", "2", "7"]


# --- downloads --------------------------------------------------------------------------------


def _links(client: Client) -> dict[tuple[str, str], str]:
    """The dashboard's download links by (chart, format)."""
    links = {}
    for link in _download_links(page(client.get(DASHBOARD))):
        name, file_format = re.fullmatch(r"/dashboard/charts/([a-z-]+)\.(\w+)\?.*", link).groups()
        links[name, file_format] = link
    return links


def _check_download(response, name: str, file_format: str, chart) -> None:
    assert response.status_code == 200, (name, file_format)
    assert response["Content-Type"] == CONTENT_TYPES[file_format]
    assert response["Content-Disposition"] == (
        f'attachment; filename="BOMCA10-2023Q2-{name}.{file_format}"'
    )
    content = response.content
    if file_format == "svg":
        text = content.decode()
        assert text.startswith("<svg")
        assert f">{chart.title}</title>" in text
    elif file_format == "png":
        assert content.startswith(b"\x89PNG")
    elif file_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert rows[0] == list(chart.columns)
        assert len(rows) == len(chart.rows) + 1
    else:
        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[0] == list(chart.columns)
        assert [row[1:] for row in rows[1:]] == [
            [value if value is not None else "<5" for value in row[1:]] for row in chart.rows
        ]


@pytest.mark.parametrize("file_format", ["svg", "png", "csv", "xlsx"])
def test_every_chart_downloads_and_each_download_is_logged(
    alice_client: Client, alice: User, bomca10: Programme, file_format
):
    charts = {
        chart.name: chart
        for chart in period_charts(key_figures(programme=bomca10, period=parse_period("2023Q2")))
    }
    links = _links(alice_client)
    names = [name for name in CHART_NAMES if (name, file_format) != ("trainer-exchanges", "xlsx")]

    for name in names:
        response = alice_client.get(links[name, file_format])
        _check_download(response, name, file_format, charts[name])

    events = _exports()
    assert [event.detail for event in events] == [
        {"what": f"chart {name}", "format": file_format, "period": "2023Q2"} for name in names
    ]
    assert {event.user for event in events} == {alice}


def test_the_exchanges_chart_downloads_as_xlsx(alice_client: Client, bomca10: Programme):
    response = alice_client.get(_links(alice_client)["trainer-exchanges", "xlsx"])

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Trainers from", "Host country", "Activities")


def test_the_csv_download_is_the_chart_s_data(alice_client: Client, bomca10: Programme):
    assert _csv(alice_client, "activities-by-component") == [
        ["Component", "Activities"],
        ["C1 Institutional development of border control agencies", "7"],
        ["C2 Improvement of detection capacities", "5"],
        ["C3 Facilitation of trade", "8"],
        ["C4 Improvement of cross-border cooperation", "5"],
    ]
    assert _csv(alice_client, "trainer-exchanges") == [
        ["Trainers from", "Host country", "Activities"],
        ["Kazakhstan", "Tajikistan", "1"],
        ["Kazakhstan", "Turkmenistan", "1"],
        ["Turkmenistan", "Turkmenistan", "2"],
        ["Uzbekistan", "Kyrgyzstan", "1"],
    ]


def test_a_download_follows_the_period_asked_for(alice_client: Client, bomca10: Programme):
    rows = _csv(alice_client, "participants-by-sex", period="2022Q1")
    event = _exports()[-1]

    assert rows == [["Sex", "Participants"]]
    assert event.detail["period"] == "2022Q1"


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/charts/no-such-chart.svg",
        "/dashboard/charts/participants-by-sex.pdf",
        "/dashboard/charts/participants-by-sex.json",
        "/dashboard/charts/participants-by-sex.SVG",
        "/dashboard/charts/participants-by-sex.csv?period=2023Q5",
    ],
)
def test_an_unknown_chart_format_or_period_is_not_found(
    alice_client: Client, bomca10: Programme, url
):
    assert alice_client.get(url).status_code == 404
    assert _exports() == []


def test_the_png_of_an_empty_chart_is_no_server_error(bomca10: Programme, alice: User):
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    response = client.get("/dashboard/charts/activities-by-scope.png", {"period": "2022Q1"})

    assert response.status_code in {200, 404}


def test_cancelled_activities_do_not_reach_the_dashboard(alice_client: Client, bomca10: Programme):
    ActivityFactory(
        component=bomca10.components.get(number=1),
        host_country=Country.objects.get(code="KZ"),
        status=Status.CANCELLED,
    )

    assert _kpis(page(alice_client.get(DASHBOARD)))[0] == "25"
