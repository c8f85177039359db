"""What a coordinator does in the first minutes, in a real browser: sign in, switch to Russian,
record an activity, filter the register, import an attendance sheet, read the dashboard, build
a newsletter and download its PDF, and be refused outside their country."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from bomca.accounts.models import User
from bomca.activities.models import Activity
from bomca.people.models import Attendance
from bomca.reference.models import Programme
from tests.e2e.conftest import NARROW, Browse, Steps
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

#: A national activity of Uzbekistan with counts typed in and no attendance list yet.
WITHOUT_LIST = "C3-UZ-2023-001"
#: A regional activity hosted by Kazakhstan: a Tajik coordinator sees it but may not change it.
HOSTED_IN_KAZAKHSTAN = "C3-KZ-2023-012"


def test_a_person_signs_in_with_the_login_form(
    browse: Browse, steps: Steps, personas: dict[str, User]
):
    page = browse.page()

    page.goto("/activities/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    steps.take("login form")
    page.get_by_label("Username").fill("persona-pm")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    steps.take("wrong password")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Activity register")).to_be_visible()
    assert page.url.endswith("/activities/")
    expect(page.locator(".user-box")).to_contain_text("persona-pm")
    steps.take("signed in")


def test_a_person_switches_the_interface_to_russian_and_it_stays_russian(
    browse: Browse, steps: Steps, personas: dict[str, User]
):
    page = browse.page(personas["pm"])
    page.goto("/")
    steps.take("in English")

    page.get_by_label("Language").select_option(label="Русский")
    page.get_by_role("button", name="Switch").click()

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("navigation", name="Главное")).to_contain_text("Мероприятия")
    steps.take("in Russian")
    # Remembered for the person, not the browser: a new browser opens in Russian too.
    again = browse.page(personas["pm"])
    again.goto("/activities/")
    expect(again.locator("html")).to_have_attribute("lang", "ru")
    steps.take("next visit", again)


def test_on_a_phone_the_menu_folds_behind_one_button_and_opens_with_it(
    browse: Browse, steps: Steps, personas: dict[str, User]
):
    page = browse.page(personas["pm"], viewport=NARROW)
    page.goto("/dashboard/")
    menu = page.get_by_role("button", name="Menu")
    navigation = page.get_by_role("navigation", name="Main")

    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(navigation).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header is not None
    assert header["height"] < 100, header
    steps.take("folded")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(navigation).to_be_visible()
    expect(page.locator(".user-box")).to_contain_text("persona-pm")
    expect(page.get_by_label("Language")).to_be_visible()
    steps.take("open")
    page.keyboard.press("Escape")
    expect(navigation).to_be_hidden()
    expect(menu).to_be_focused()

    menu.click()
    navigation.get_by_role("link", name="Activities").click()
    expect(page.get_by_role("heading", name="Activity register")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()


def test_on_a_wide_screen_the_menu_is_always_open_and_the_button_is_not_shown(
    browse: Browse, personas: dict[str, User]
):
    page = browse.page(personas["pm"])
    page.goto("/dashboard/")

    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.locator(".menu-toggle")).to_be_hidden()


def test_a_coordinator_records_an_activity_after_fixing_the_dates(
    browse: Browse, steps: Steps, personas: dict[str, User], bomca10: Programme
):
    page = browse.page(personas["pm"])
    page.goto("/activities/")
    page.get_by_role("link", name="Record an activity").click()
    expect(page.get_by_role("heading", name="Record an activity")).to_be_visible()

    page.get_by_label("Component").select_option(index=1)
    page.get_by_label("Title (English)").fill("Workshop on synthetic risk profiles")
    page.get_by_label("Type").select_option(label="Workshop")
    page.get_by_label("Scope").select_option(label="National")
    page.get_by_label("Host country").select_option(label="Kyrgyzstan")
    page.get_by_label("City").fill("Osh")
    page.get_by_label("Start date").fill("2023-07-06")
    page.get_by_label("End date").fill("2023-07-04")
    steps.take("form filled in")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#form-errors")).to_contain_text("Nothing was saved")
    # The error is next to the field and read out with it.
    expect(page.get_by_label("End date")).to_have_accessible_description(
        re.compile("The end date is before the start date.")
    )
    steps.take("the dates refused")
    page.get_by_label("End date").fill("2023-07-08")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text("recorded")
    expect(page.get_by_role("heading", level=1)).to_contain_text("synthetic risk profiles")
    steps.take("recorded")
    activity = Activity.objects.get(title_en="Workshop on synthetic risk profiles")
    assert (activity.start_date.day, activity.end_date.day) == (6, 8)


def test_the_register_narrows_to_a_country_without_a_reload(
    browse: Browse, steps: Steps, personas: dict[str, User]
):
    page = browse.page(personas["pm"])
    page.goto("/activities/")
    total = Activity.objects.count()
    expect(page.locator("#register [role=status]")).to_have_text(f"{total} activities")
    steps.take("the whole register")

    page.get_by_label("Host country").select_option(label="Tajikistan")

    tajik = Activity.objects.filter(host_country__code="TJ").count()
    expect(page.locator("#register [role=status]")).to_have_text(f"{tajik} activities")
    codes = page.locator("table.register tbody a.code").all_inner_texts()
    assert len(codes) == tajik
    assert all(re.match(r"C\d-TJ-", code) for code in codes), codes
    assert "country=" in page.url  # the filtered register has an address of its own
    steps.take("Tajikistan only")


def _attendance_sheet() -> bytes:
    """An attendance sheet as it comes from the venue: the names under a heading the importer
    does not know ("Trainee"), so the person must say which column holds them."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Trainee", "Пол", "Организация", "Должность"])
    sheet.append(["Synthetic Person One", "Ж", "UZ-VET-PHYTO", "Inspector"])
    sheet.append(["Synthetic Person Two", "М", "UZ-VET-PHYTO", "Senior inspector"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_an_attendance_sheet_is_imported_after_mapping_its_name_column(
    browse: Browse, steps: Steps, personas: dict[str, User]
):
    page = browse.page(personas["pm"])
    page.goto(f"/activities/{WITHOUT_LIST}/")
    page.get_by_role("link", name="Import the attendance list").click()
    page.get_by_label("Attendance sheet").set_input_files(
        {
            "name": "attendance.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": _attendance_sheet(),
        }
    )
    steps.take("sheet chosen")
    page.get_by_role("button", name="Check the file").click()

    expect(page.locator("#problems")).to_contain_text("No column is mapped to the name")
    steps.take("the name column unknown")
    page.get_by_label("Trainee").select_option(label="Full name")
    page.get_by_role("button", name="Check again").click()
    expect(page.get_by_role("heading", name="Importing will do this")).to_be_visible()
    expect(page.locator("#problems")).to_have_count(0)
    steps.take("mapped")
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page).to_have_url(re.compile(f"/activities/{WITHOUT_LIST}/$"))
    expect(page.get_by_role("status")).to_contain_text("2")
    steps.take("imported")
    names = Attendance.objects.filter(activity__code=WITHOUT_LIST).values_list(
        "participant__full_name", flat=True
    )
    assert {"Synthetic Person One", "Synthetic Person Two"} <= set(names)


def test_the_dashboard_shows_its_figures_and_charts(
    browse: Browse, steps: Steps, personas: dict[str, User]
):
    page = browse.page(personas["pm"])
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()

    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Training results")).to_be_visible()
    # A chart is one picture named by its title and summary, for a screen reader too.
    chart = page.get_by_role("img", name=re.compile("^Activities implemented by component"))
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name(re.compile("by component.+2023"))
    steps.take("dashboard")


def test_a_communications_officer_builds_an_issue_and_downloads_its_pdf(
    browse: Browse, steps: Steps, personas: dict[str, User], tmp_path: Path
):
    page = browse.page(personas["comms"])
    page.goto("/newsletters/")
    page.get_by_label("Quarter").select_option("2023Q3")
    steps.take("new issue")
    page.get_by_role("button", name="Create the issue").click()
    expect(page.get_by_role("status")).to_contain_text("created")
    steps.take("issue created")
    page.goto("/newsletters/")
    page.get_by_role("link", name="Issue 7").click()
    steps.take("issue page")

    with page.expect_download() as download_info:
        page.locator("#read").locator("..").get_by_role("link", name="PDF").first.click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert saved.suffix == ".pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    assert saved.stat().st_size > 10_000


def test_a_national_coordinator_is_refused_an_activity_of_another_country(
    browse: Browse, steps: Steps, personas: dict[str, User]
):
    page = browse.page(personas["tjcoord"])
    page.goto(f"/activities/{HOSTED_IN_KAZAKHSTAN}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    steps.take("a regional activity hosted by Kazakhstan")

    response = page.goto(f"/activities/{HOSTED_IN_KAZAKHSTAN}/edit/")

    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="Your role does not allow this")).to_be_visible()
    steps.take("refused")
