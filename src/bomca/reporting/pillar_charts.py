"""Procurement and grants as charts: the newsletter's "procurement progress", "procurement
status" and "grants implementation" infographics, from ``procurement_figures`` and
``grants_figures`` (the ``procurement`` and ``grants`` parts of ``KeyFigures``).

Money is charted per currency, never summed across currencies: a bar is "Contracted · EUR",
and a second currency gets bars of its own. Counts of people reached by grants follow the
same ``count`` rule as participants (small numbers are not printed exactly).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bomca.core.money import money_format, totals_format
from bomca.grants.models import ProjectStatus, ReportKind
from bomca.procurement.models import FLOW, Horizon, NeedStatus
from bomca.reference.models import _in_language
from bomca.reporting.charts import PALETTE, ChartData, number

#: The charts of each pillar, in the order the newsletter places them.
PROCUREMENT_CHARTS = (
    "procurement-progress",
    "procurement-value",
    "procurement-status",
    "procurement-by-horizon",
)
GRANTS_CHARTS = ("grants-projects", "grants-money", "grants-people-reached")

CountShown = Callable[[int, str | None], int | None]

#: Open steps first, in the order a need moves through them; then the closed ones.
_STATUS_ORDER = (*FLOW, NeedStatus.ON_HOLD, NeedStatus.CANCELLED)
_GROUP_LABELS = {
    "women": gettext_noop("Women"),
    "men": gettext_noop("Men"),
    "children": gettext_noop("of whom children"),
    "trafficking_victims": gettext_noop("of whom victims of trafficking"),
    "with_disabilities": gettext_noop("of whom people with disabilities"),
}


def _labels(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _summary(heading: str, rows: list[tuple[str, str]]) -> str:
    if not rows:
        return f"{heading}: {_('none')}."
    return f"{heading}: " + "; ".join(f"{label} {value}" for label, value in rows) + "."


def _money_rows(
    totals_by_key: Mapping[str, Mapping[str, str]], labels: Mapping[str, str]
) -> list[tuple[str, float, str]]:
    """(label · currency, amount for the bar, amount as printed) for every non-zero amount."""
    rows = []
    for key, label in labels.items():
        for currency, amount in totals_by_key.get(key, {}).items():
            value = Decimal(amount)
            if value:
                rows.append(
                    (
                        f"{label} · {currency}",
                        float(value),
                        money_format(value, currency, decimals=0),
                    )
                )
    return rows


def procurement_charts(
    procurement: Mapping[str, Any] | None, *, countries: Mapping[str, str], period: str
) -> list[ChartData]:
    """Items by country and status, value by status per currency, the funnel, and horizons."""
    if procurement is None:
        return []
    statuses = _labels(NeedStatus)
    by_status = procurement.get("by_status", {})
    # Only the statuses some item is in: a legend of empty series says nothing, and the
    # palette's colours stay distinct.
    shown = [
        status
        for status in _STATUS_ORDER
        if status != NeedStatus.CANCELLED and by_status.get(status, {}).get("items")
    ]
    series = [statuses[status] for status in shown]
    charts = []

    progress_rows = []
    for code, bucket in procurement.get("by_country", {}).items():
        if not bucket["items"]:
            continue
        cells = _items_by_status_in(procurement, country=code, statuses=shown)
        progress_rows.append((countries.get(code, code), *cells, bucket["items"]))
    charts.append(
        ChartData(
            name="procurement-progress",
            kind="stacked",
            title=_("Procurement progress: items by country and status"),
            summary=_summary(
                _("Items of equipment being procured as of %(period)s, by country")
                % {"period": period},
                [(str(row[0]), number(row[-1])) for row in progress_rows],
            ),
            columns=(_("Country"), *series, _("Total")),
            rows=progress_rows,
            options={"series": series},
        )
    )

    value_rows = _money_rows(
        {status: by_status.get(status, {}).get("value", {}) for status in shown},
        {status: statuses[status] for status in shown},
    )
    charts.append(
        ChartData(
            name="procurement-value",
            kind="bar",
            title=_("Value of equipment by status"),
            summary=_summary(
                _("Contracted (else estimated) value by status, per currency"),
                [(label, text) for label, _value, text in value_rows],
            ),
            columns=(_("Status and currency"), _("Value")),
            rows=[(label, value) for label, value, _text in value_rows],
            options={"colour": PALETTE[2], "texts": [text for _label, _value, text in value_rows]},
        )
    )

    funnel = [
        (statuses[row["status"]], row["needs"])
        for row in procurement.get("funnel", [])
        if row["status"] in FLOW
    ]
    charts.append(
        ChartData(
            name="procurement-status",
            kind="bar",
            title=_("Procurement status: needs that reached each step"),
            summary=_summary(
                _("Needs that had reached each step by the end of %(period)s") % {"period": period},
                [(label, number(value)) for label, value in funnel],
            ),
            columns=(_("Step"), _("Needs")),
            rows=funnel if any(value for _label, value in funnel) else [],
            options={"colour": PALETTE[3]},
        )
    )

    horizons = _labels(Horizon)
    horizon_rows = []
    for horizon, label in horizons.items():
        bucket = procurement.get("by_horizon", {}).get(horizon)
        if bucket and bucket["items"]:
            cells = _items_by_status_in(procurement, horizon=horizon, statuses=shown)
            horizon_rows.append((label, *cells, bucket["items"]))
    charts.append(
        ChartData(
            name="procurement-by-horizon",
            kind="stacked",
            title=_("Short-term and mid-term needs: items by status"),
            summary=_summary(
                _("Items of short-term (ad hoc) and mid-term (national priority) needs"),
                [(str(row[0]), number(row[-1])) for row in horizon_rows],
            ),
            columns=(_("Horizon"), *series, _("Total")),
            rows=horizon_rows,
            options={"series": series},
        )
    )
    return charts


def _items_by_status_in(
    procurement: Mapping[str, Any],
    *,
    statuses: list[str],
    country: str | None = None,
    horizon: str | None = None,
) -> list[int]:
    """Items per status within one country or one horizon, from the cross breakdown."""
    cross = procurement.get(
        "items_by_country_and_status" if country else "items_by_horizon_and_status", {}
    )
    cells = cross.get(country or horizon or "", {})
    return [cells.get(status, 0) for status in statuses]


def grants_charts(
    grants: Mapping[str, Any] | None,
    *,
    countries: Mapping[str, str],
    period: str,
    count: CountShown,
) -> list[ChartData]:
    """Projects by country and status, money committed and paid, and people reached."""
    if grants is None:
        return []
    statuses = _labels(ProjectStatus)
    projects = grants.get("projects", {})
    present = [
        status for status in ProjectStatus.values if projects.get("by_status", {}).get(status)
    ]
    series = [statuses[status] for status in present]
    project_rows = []
    for code, cells in projects.get("by_country_and_status", {}).items():
        total = sum(cells.values())
        if total:
            project_rows.append(
                (
                    countries.get(code, code),
                    *[cells.get(status, 0) for status in present],
                    total,
                )
            )
    charts = [
        ChartData(
            name="grants-projects",
            kind="stacked",
            title=_("Grant projects by country and status"),
            summary=_summary(
                _("NGO grant projects as of the end of %(period)s, by country")
                % {"period": period},
                [(str(row[0]), number(row[-1])) for row in project_rows],
            ),
            columns=(_("Country"), *series, _("Total")),
            rows=project_rows,
            options={"series": series},
        )
    ]
    money = grants.get("money", {})
    money_rows = _money_rows(
        {"committed": money.get("committed", {}), "paid": money.get("paid", {})},
        {"committed": _("Committed"), "paid": _("Paid")},
    )
    charts.append(
        ChartData(
            name="grants-money",
            kind="bar",
            title=_("Grants: money committed and paid"),
            summary=_summary(
                _(
                    "Grant money committed by contract and paid by the end of %(period)s, "
                    "per currency"
                )
                % {"period": period},
                [(label, text) for label, _value, text in money_rows],
            ),
            columns=(_("Amount"), _("Value")),
            rows=[(label, value) for label, value, _text in money_rows],
            options={"colour": PALETTE[4], "texts": [text for _label, _value, text in money_rows]},
        )
    )
    reached = grants.get("people_reached", {})
    values = {**reached.get("by_sex", {}), **reached.get("by_group", {})}
    people_rows = [
        (_(label), count(int(values.get(key, 0)), None))
        for key, label in _GROUP_LABELS.items()
        if values.get(key)
    ]
    charts.append(
        ChartData(
            name="grants-people-reached",
            kind="bar",
            title=_("People reached by the NGO projects"),
            summary=_summary(
                _("People reached, from the project reports received by the end of %(period)s")
                % {"period": period},
                [
                    (str(label), number(value) if value is not None else "<5")
                    for label, value in people_rows
                ],
            ),
            columns=(_("Group"), _("People")),
            rows=people_rows,
            options={"colour": PALETTE[5 % len(PALETTE)]},
        )
    )
    return charts


def _totals(amounts: Mapping[str, str] | None) -> str:
    """``{"EUR": "1000.00"}`` as "1,000 EUR", one figure per currency ("" when none)."""
    return totals_format(
        {code: Decimal(value) for code, value in (amounts or {}).items()}, decimals=0
    )


def _everywhere(code: str) -> bool:
    return True


def procurement_summary(
    procurement: Mapping[str, Any] | None,
    *,
    countries: Mapping[str, str],
    visible: Callable[[str], bool] = _everywhere,
) -> dict[str, Any] | None:
    """The procurement figures as sentences and lists need them, in the reader's language.

    Totals are the programme's; the listed records are those of the countries ``visible``
    accepts (by ISO code): a reader is not shown a record whose page they may not open."""
    if procurement is None:
        return None
    totals = procurement.get("totals", {})
    handed = procurement.get("handed_over", {})
    planned = procurement.get("planned_next_quarter", {})
    horizons = _labels(Horizon)
    statuses = _labels(NeedStatus)
    return {
        "needs": totals.get("needs", 0),
        "items": totals.get("items", 0),
        "value": _totals(totals.get("value")),
        "contracted": _totals(totals.get("contracted")),
        "handed_over": {
            "hand_overs": handed.get("hand_overs", 0),
            "items": handed.get("items", 0),
            "value": _totals(handed.get("value")),
        },
        "planned": [
            {
                "reference": row["reference"],
                "title": _in_language(row["title_en"], row["title_ru"]),
                "country": countries.get(row["country"], row["country"]),
                "horizon": horizons.get(row["horizon"], row["horizon"]),
                "status": statuses.get(row["status"], row["status"]),
                "planned": date.fromisoformat(row["planned"]),
                "items": row["items"],
            }
            for row in planned.get("rows", [])
            if visible(row["country"])
        ],
        "planned_value": _totals(planned.get("value")),
    }


def grants_summary(
    grants: Mapping[str, Any] | None,
    *,
    countries: Mapping[str, str],
    count: CountShown,
    visible: Callable[[str], bool] = _everywhere,
) -> dict[str, Any] | None:
    """The grants figures as sentences and lists need them, in the reader's language; the
    listed records are those of the countries ``visible`` accepts, as in ``procurement_summary``."""
    if grants is None:
        return None
    projects = grants.get("projects", {})
    money = grants.get("money", {})
    reached = grants.get("people_reached", {})
    due = grants.get("due_next_quarter", {})
    kinds = _labels(ReportKind)
    return {
        "calls": grants.get("calls", {}).get("total", 0),
        "applications": grants.get("applications", {}).get("total", 0),
        "selected": grants.get("selected", 0),
        "projects": projects.get("total", 0),
        "ongoing": projects.get("by_status", {}).get(ProjectStatus.ONGOING, 0),
        "countries": sum(1 for value in projects.get("by_country", {}).values() if value),
        "committed": _totals(money.get("committed")),
        "paid": _totals(money.get("paid")),
        "people": count(int(reached.get("total", 0)), None) if reached.get("total") else 0,
        "reports_due": [
            {
                "contract_number": row["contract_number"],
                "kind": kinds.get(row["kind"], row["kind"]),
                "due": date.fromisoformat(row["due_date"]),
                "country": countries.get(row["country"], row["country"]),
                "organisation": _in_language(row["organisation"], row.get("organisation_ru", "")),
            }
            for row in due.get("reports", [])
            if visible(row["country"])
        ],
        "projects_ending": [
            {
                "contract_number": row["contract_number"],
                "end": date.fromisoformat(row["end_date"]),
                "country": countries.get(row["country"], row["country"]),
                "organisation": _in_language(row["organisation"], row.get("organisation_ru", "")),
            }
            for row in due.get("projects_ending", [])
            if visible(row["country"])
        ],
    }


def pillar_country_codes(
    procurement: Mapping[str, Any] | None, grants: Mapping[str, Any] | None
) -> set[str]:
    """Every country code the procurement and grants figures name."""
    codes = set((procurement or {}).get("items_by_country_and_status", {}))
    codes |= {
        row["country"]
        for row in (procurement or {}).get("planned_next_quarter", {}).get("rows", [])
    }
    codes |= set(((grants or {}).get("projects") or {}).get("by_country_and_status", {}))
    due = (grants or {}).get("due_next_quarter", {})
    codes |= {row["country"] for row in due.get("reports", []) + due.get("projects_ending", [])}
    return codes
