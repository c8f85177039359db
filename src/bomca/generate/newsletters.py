"""A programme's newsletter issues: one per quarter that is over, published, numbered from 1,
with a short narrative per component (the figures come from the records when an issue is
shown, as for every issue)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bomca.activities.models import Status
from bomca.generate.activities import Planned
from bomca.generate.common import Run
from bomca.generate.reference import ProgrammePlan
from bomca.reporting.models import ComponentNarrative, IssueStatus, NewsletterIssue

DISCLAIMER = (
    "This newsletter is synthetic: it was generated to test the system at a donor portfolio's "
    "scale and describes no real programme."
)


def newsletters_write(run: Run, plan: ProgrammePlan, planned: Sequence[Planned]) -> None:
    """An issue for every quarter of the programme that is over, with its narratives."""
    done: Counter[tuple[str, int]] = Counter(
        (_quarter_code(row), row.activity.component.number)
        for row in planned
        if row.activity.status == Status.IMPLEMENTED
    )
    periods = [period for period in plan.quarters if period.end_date <= run.window.as_of]
    issues = [
        NewsletterIssue(
            programme_id=plan.programme.pk,
            number=number,
            period_code=period.code,
            period_start=period.start_date,
            period_end=period.end_date,
            status=IssueStatus.PUBLISHED,
            featured_title_en=f"Synthetic featured story of {plan.programme.code}, {period.code}",
            featured_text_en="<p>A synthetic story: no real event, place or person.</p>",
            disclaimer_en=DISCLAIMER,
            source="illustrative",
            source_note=run.note,
        )
        for number, period in enumerate(periods, start=1)
    ]
    run.insert(NewsletterIssue, issues)
    run.insert(
        ComponentNarrative,
        [
            ComponentNarrative(
                issue_id=issue.pk,
                component_id=component.pk,
                text_en=(
                    f"<p>Synthetic narrative: in {issue.period_code} component "
                    f"{component.number} implemented "
                    f"{done[(issue.period_code, component.number)]} activities.</p>"
                ),
                source="illustrative",
                source_note=run.note,
            )
            for issue in issues
            for component in plan.components
        ],
    )


def _quarter_code(row: Planned) -> str:
    start = row.activity.start_date
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"
