"""The forms that keep the results framework: a value by hand with its disaggregations, an
indicator's baseline and end target, a period's target, freezing and unfreezing; who may use
them, and that a refusal names the field and saves nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from bomca.accounts.models import User
from bomca.core.periods import quarter
from bomca.reference.models import OrganisationKind, Programme
from bomca.results.models import Actual, Indicator, IndicatorType, Result, Target
from bomca.results.services import IndicatorChanges, indicator_update, period_freeze
from tests.pages import errors_of, field_container, page
from tests.results.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

Q2 = quarter(2023, 2)
STALE = "Someone else saved this record after you opened it"


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _values(code: str) -> str:
    return f"/results/indicators/{code}/values/2023Q2/"


def _synthetic(programme: Programme, code: str = "SYN.1", **fields) -> Indicator:
    """A synthetic indicator entered by hand, under the overall objective."""
    result = Result.objects.get(programme=programme, code="OO")
    return IndicatorFactory(result=result, programme=programme, code=code, **fields)


def _actual(code: str) -> Actual:
    return Actual.objects.get(indicator__code=code, period_start=Q2.start, period_end=Q2.end)


def _alert(response) -> str:
    return page(response).by_id("form-errors").text


# A value entered by hand


def test_the_value_form_asks_one_number_per_expected_key(client, personas, bomca10):
    _synthetic(bomca10, disaggregations=["sex", "country", "organisation_kind"])

    html = page(_as(client, personas["me"]).get(_values("SYN.1")))

    cells = [
        element.attrs["name"]
        for element in html.find_all("input")
        if element.attrs.get("name", "").startswith("cell__")
    ]
    assert cells[:3] == ["cell__sex__female", "cell__sex__male", "cell__sex__unrecorded"]
    # The keys the service accepts, no more, no fewer: "none" for activities without a host
    # country and "unknown" for people whose organisation is not recorded, as computed ones.
    countries = ("KG", "KZ", "TJ", "TM", "UZ", "none")
    assert cells[3:9] == [f"cell__country__{code}" for code in countries]
    kinds = (*OrganisationKind.values, "unknown")
    assert cells[9:] == [f"cell__organisation_kind__{kind}" for kind in kinds]
    assert {
        element.attrs["type"]
        for element in html.find_all("input")
        if element.attrs.get("name", "").startswith("cell__")
    } == {"number"}
    legends = [legend.text for legend in html.find_all("legend")]
    assert legends == ["Sex", "Country", "Organisation type"]
    assert "Tajikistan" in html.text


def test_the_m_and_e_officer_records_a_value_with_its_disaggregations(client, personas, bomca10):
    _synthetic(bomca10, disaggregations=["sex", "country"])

    response = _as(client, personas["me"]).post(
        _values("SYN.1"),
        {
            "value": "12",
            "source": "Synthetic agency report",
            "comment": "",
            "cell__sex__female": "5",
            "cell__sex__male": "7",
            "cell__country__TJ": "12",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/results/indicators/SYN.1/?period=2023Q2"
    actual = _actual("SYN.1")
    assert actual.value == 12
    assert actual.source_of_data == "Synthetic agency report"
    assert actual.disaggregation == {"sex": {"female": "5", "male": "7"}, "country": {"TJ": "12"}}
    assert actual.recorded_by == personas["me"]
    shown = page(client.get(response["Location"]))
    assert "The value of SYN.1 for 2023Q2 is saved." in shown.text


def test_the_form_of_a_recorded_value_shows_it_for_correction(client, personas):
    html = page(_as(client, personas["me"]).get(_values("OC1.1.1")))

    assert html.by_id("id_value").attrs["value"] == "1"  # stored as 1.0000
    assert html.by_id("id_source").attrs["value"] == "Programme progress report (illustrative)"


def test_a_correction_replaces_the_value_of_the_period(client, personas):
    _as(client, personas["pm"]).post(
        _values("OC1.1.1"), {"value": "2", "source": "", "comment": ""}
    )

    assert _actual("OC1.1.1").value == 2
    assert Actual.objects.filter(indicator__code="OC1.1.1").count() == 1


def _percentage(programme: Programme) -> str:
    _synthetic(programme, code="SYN.P", indicator_type=IndicatorType.PERCENTAGE)
    return "SYN.P"


def _qualitative(programme: Programme) -> str:
    _synthetic(programme, code="SYN.Q", indicator_type=IndicatorType.QUALITATIVE)
    return "SYN.Q"


@pytest.mark.parametrize(
    ("make", "data", "field", "message"),
    [
        (lambda programme: "OC1.1.1", {"value": "abc"}, "value", "Enter a number."),
        (
            _percentage,
            {"value": "120"},
            "value",
            "Ensure this value is less than or equal to 100.",
        ),
        (
            lambda programme: "OC3.1.1",
            {"value": "2"},
            "value",
            "Select a valid choice. 2 is not one of the available choices.",
        ),
        (_qualitative, {"text": "  "}, "text", "This field is required."),
    ],
    ids=["not-a-number", "percentage-of-120", "yes-no-of-2", "qualitative-without-text"],
)
def test_a_wrong_value_is_named_on_its_field_and_nothing_is_saved(
    client, personas, bomca10, make, data, field, message
):
    code = make(bomca10)
    before = list(Actual.objects.values_list("indicator__code", "value", "text"))

    response = _as(client, personas["me"]).post(
        _values(code), {"source": "", "comment": "", **data}
    )

    assert response.status_code == 422
    assert errors_of(field_container(response, field)) == [message]
    assert "Nothing was saved" in _alert(response)
    assert list(Actual.objects.values_list("indicator__code", "value", "text")) == before


def test_a_qualitative_value_is_recorded_as_text(client, personas, bomca10):
    code = _qualitative(bomca10)

    _as(client, personas["me"]).post(
        _values(code), {"text": "Synthetic: the strategy is drafted.", "source": "", "comment": ""}
    )

    assert _actual(code).text == "Synthetic: the strategy is drafted."
    assert _actual(code).value is None


def test_a_computed_indicator_has_no_value_form(client, personas):
    assert _as(client, personas["me"]).get(_values("OO.1")).status_code == 404


def test_a_frozen_value_is_not_corrected(client, personas, bomca10):
    period_freeze(programme=bomca10, period=Q2, user=personas["me"])
    _as(client, personas["me"])

    html = page(client.get(_values("OC1.1.1")))
    response = client.post(_values("OC1.1.1"), {"value": "3", "source": "", "comment": ""})

    assert "This value is frozen" in html.text
    assert not [button for button in html.find_all("button") if button.text == "Save"]
    assert response.status_code == 422
    assert "is frozen; unfreeze it to correct it" in _alert(response)
    assert _actual("OC1.1.1").value == 1


# Who may change the results


FORMS = [
    ("/results/indicators/OC1.1.1/values/2023Q2/", {"value": "3"}),
    ("/results/indicators/OC1.1.1/edit/", {"means_of_verification": "x", "version": "1"}),
    ("/results/indicators/OC1.1.1/targets/2023Q2/", {"value": "3"}),
    ("/results/freeze/", {"period": "2023Q2"}),
    ("/results/indicators/OC1.1.1/values/2023Q2/unfreeze/", {}),
]


@pytest.mark.parametrize("persona", ["donor", "tjcoord", "c2lead", "comms", "proc"])
def test_those_who_do_not_keep_the_results_are_refused_every_change(client, personas, persona):
    _as(client, personas[persona])
    before = list(Actual.objects.values_list("pk", "value", "frozen"))

    for url, data in FORMS:
        assert client.post(url, data).status_code == 403, url
        if not url.endswith(("/unfreeze/", "/freeze/")):
            assert client.get(url).status_code == 403, url

    assert list(Actual.objects.values_list("pk", "value", "frozen")) == before
    assert not Target.objects.filter(indicator__code="OC1.1.1").exists()
    assert Indicator.objects.get(code="OC1.1.1").version == 1


# Baseline, end target and means of verification


def _definition(**changes: str) -> dict[str, str]:
    fields = {
        "baseline_value": "0",
        "baseline_date": "2021-04-01",
        "baseline_comment": "",
        "target_value": "3",
        "means_of_verification": "Adopted strategies and action plans",
        "version": "1",
    }
    return {**fields, **changes}


def test_the_m_and_e_officer_changes_the_end_target_and_the_means_of_verification(client, personas):
    response = _as(client, personas["me"]).post(
        "/results/indicators/OC1.1.1/edit/",
        _definition(target_value="4", means_of_verification="Synthetic strategy register"),
    )

    assert response.status_code == 302
    indicator = Indicator.objects.get(code="OC1.1.1")
    assert indicator.target_value == 4
    assert indicator.means_of_verification == "Synthetic strategy register"
    assert indicator.version == 2


def test_the_edit_form_carries_the_version_it_was_read_at(client, personas):
    html = page(_as(client, personas["me"]).get("/results/indicators/OC1.1.1/edit/"))

    assert html.by_id("id_version").attrs == {
        "type": "hidden",
        "name": "version",
        "value": "1",
        "id": "id_version",
    }
    assert html.by_id("id_target_value").attrs["value"] == "3"


def test_a_change_made_from_a_stale_copy_is_refused_with_409(client, personas):
    indicator = Indicator.objects.get(code="OC1.1.1")
    indicator_update(
        indicator=indicator,
        changes=IndicatorChanges(
            baseline_value=Decimal(0),
            baseline_date=indicator.baseline_date,
            baseline_comment="",
            target_value=Decimal(5),
            target_text="",
            means_of_verification="The other person's change",
        ),
        version=1,
        user=personas["pm"],
    )

    response = _as(client, personas["me"]).post(
        "/results/indicators/OC1.1.1/edit/", _definition(target_value="4")
    )

    assert response.status_code == 409
    assert STALE in _alert(response)
    indicator.refresh_from_db()
    assert indicator.target_value == 5
    assert indicator.means_of_verification == "The other person's change"


def test_a_yes_no_baseline_of_2_is_named_on_its_field(client, personas):
    response = _as(client, personas["me"]).post(
        "/results/indicators/OC3.1.1/edit/", _definition(baseline_value="2", target_value="1")
    )

    assert response.status_code == 422
    assert errors_of(field_container(response, "baseline_value")) == [
        "Select a valid choice. 2 is not one of the available choices."
    ]
    assert Indicator.objects.get(code="OC3.1.1").version == 1


# Targets of a period


def test_the_m_and_e_officer_sets_and_then_removes_a_period_s_target(client, personas):
    _as(client, personas["me"])
    url = "/results/indicators/OC1.1.1/targets/2023Q2/"

    client.post(url, {"value": "2"})
    target = Target.objects.get(indicator__code="OC1.1.1")
    client.post(url, {"value": ""})

    assert (target.period_start, target.period_end, target.value) == (Q2.start, Q2.end, 2)
    assert not Target.objects.filter(indicator__code="OC1.1.1").exists()


def test_a_percentage_target_above_100_is_named_on_its_field(client, personas):
    response = _as(client, personas["me"]).post(
        "/results/indicators/OO.3/targets/2023Q2/", {"value": "120"}
    )

    assert response.status_code == 422
    assert errors_of(field_container(response, "value")) == [
        "Ensure this value is less than or equal to 100."
    ]
    assert Target.objects.get(indicator__code="OO.3", period_start=Q2.start).value == 28


# Freezing and unfreezing


def test_the_m_and_e_officer_freezes_the_values_of_a_period(client, personas):
    _as(client, personas["me"])
    logframe = page(client.get("/results/?period=2023Q2"))
    form = logframe.by_id("freeze-heading").parent.find_all("form")[0]

    response = client.post(form.attrs["action"], {"period": "2023Q2"})

    assert response.status_code == 302
    assert response["Location"] == "/results/?programme=BOMCA10&period=2023Q2"
    frozen = Actual.objects.filter(period_start=Q2.start, frozen=True)
    after = page(client.get(response["Location"]))
    assert f"{frozen.count()} values of 2023Q2 are frozen." in after.text
    assert frozen.get(indicator__code="OO.1").value == 25
    assert frozen.get(indicator__code="OO.1").frozen_by == personas["me"]
    assert "Freeze the values" not in after.text  # nothing is left to freeze
    assert "Freezing keeps the" in logframe.text


def test_the_m_and_e_officer_may_not_unfreeze_a_value(client, personas, bomca10):
    period_freeze(programme=bomca10, period=Q2, user=personas["me"])

    response = _as(client, personas["me"]).post("/results/indicators/OO.1/values/2023Q2/unfreeze/")

    assert response.status_code == 403
    assert _actual("OO.1").frozen


def test_the_programme_manager_unfreezes_a_value(client, personas, bomca10):
    period_freeze(programme=bomca10, period=Q2, user=personas["me"])

    response = _as(client, personas["pm"]).post(
        "/results/indicators/OC1.1.1/values/2023Q2/unfreeze/"
    )

    assert response["Location"] == "/results/indicators/OC1.1.1/?period=2023Q2"
    assert not _actual("OC1.1.1").frozen
    assert "is no longer frozen" in page(client.get(response["Location"])).text


def test_unfreezing_a_value_that_is_not_frozen_says_so(client, personas):
    response = _as(client, personas["pm"]).post(
        "/results/indicators/OC1.1.1/values/2023Q2/unfreeze/", follow=True
    )

    assert "The value of OC1.1.1 for 2023Q2 is not frozen." in page(response).text
