"""Writes of newsletter issues. Forms, the dataset loader and the CLI all come through here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from bomca.activities.models import Activity, ActivityType
from bomca.activities.selectors import implemented_in
from bomca.core.dates import day_span
from bomca.core.errors import ApplicationError
from bomca.core.models import Source
from bomca.core.periods import Period, parse_period
from bomca.core.richtext import rich_text_clean
from bomca.reference.models import Component, Programme
from bomca.reporting.infographics import period_dates
from bomca.reporting.models import (
    ComponentNarrative,
    Editorial,
    IssueStatus,
    NewsletterIssue,
    NewsletterPicture,
)

#: Rich-text fields of each model, sanitised on every write.
ISSUE_RICH_FIELDS = (
    "featured_text_en",
    "featured_text_ru",
    "upcoming_procurement_en",
    "upcoming_procurement_ru",
    "upcoming_grants_en",
    "upcoming_grants_ru",
    "upcoming_management_en",
    "upcoming_management_ru",
)
ISSUE_FIELDS = (
    "number",
    "status",
    "featured_title_en",
    "featured_title_ru",
    *ISSUE_RICH_FIELDS,
    "disclaimer_en",
    "disclaimer_ru",
)
EDITORIAL_FIELDS = ("order", "author", "author_ru", "role_en", "role_ru", "text_en", "text_ru")

DEFAULT_DISCLAIMER_EN = (
    "This Newsletter was produced with the financial support of the European Union. Its "
    "contents are the sole responsibility of the %(programme)s consortium of implementing "
    "partners and do not necessarily reflect the views of the European Union."
)
DEFAULT_DISCLAIMER_RU = (
    "Настоящий информационный бюллетень подготовлен при финансовой поддержке Европейского "
    "союза. Ответственность за его содержание несёт исключительно консорциум партнёров по "
    "реализации %(programme)s, и оно не обязательно отражает позицию Европейского союза."
)

#: Pictures: formats read by content, never by file name, and their limits.
PICTURE_FORMATS = {"JPEG": ".jpg", "PNG": ".png"}
PICTURE_MAX_BYTES = 10 * 1024 * 1024
PICTURE_MAX_PIXELS = 40_000_000


def newsletter_next_number(*, programme: Programme) -> int:
    latest = programme.newsletter_issues.order_by("-number").values_list("number", flat=True)
    return (latest.first() or 0) + 1


def issue_period(period_code: str) -> Period:
    """The quarter an issue covers; a newsletter is quarterly."""
    period = parse_period(period_code)
    if not period.is_quarter:
        raise ValidationError(
            {"period_code": _("A newsletter covers one quarter: write it as 2023Q2.")}
        )
    return period


def _clean_rich(values: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    return {
        key: rich_text_clean(value) if key in fields and isinstance(value, str) else value
        for key, value in values.items()
    }


def _featured_titles(values: dict[str, Any]) -> dict[str, str]:
    """The featured story's titles: as given, or the heading's words in each language.

    The placeholder is the same in both languages whatever the writer's own language, so that a
    Russian-speaking officer does not put Russian words into the English title.
    """
    title_en = values.pop("featured_title_en", "")
    title_ru = values.pop("featured_title_ru", "")
    if not title_en:
        with translation.override("en"):
            title_en = _("Featured story")
        if not title_ru:
            with translation.override("ru"):
                title_ru = _("Featured story")
    return {"featured_title_en": title_en, "featured_title_ru": title_ru}


@transaction.atomic
def newsletter_issue_create(
    *,
    programme: Programme,
    number: int,
    period_code: str,
    source: str = Source.RECORDED,
    source_note: str = "",
    **values: Any,
) -> NewsletterIssue:
    """A new issue with a narrative per component drafted from the period's activities."""
    period = issue_period(period_code)
    if period.end < programme.start_date or period.start > programme.end_date:
        raise ValidationError(
            {
                "period_code": _(
                    "%(period)s is outside the programme, which runs from %(start)s to %(end)s."
                )
                % {
                    "period": period.label,
                    "start": programme.start_date.isoformat(),
                    "end": programme.end_date.isoformat(),
                }
            }
        )
    issue = NewsletterIssue(
        programme=programme,
        number=number,
        period_code=period.label,
        period_start=period.start,
        period_end=period.end,
        source=source,
        source_note=source_note,
        **_featured_titles(values),
        disclaimer_en=values.pop("disclaimer_en", "")
        or DEFAULT_DISCLAIMER_EN % {"programme": programme.phase or programme.acronym_en},
        disclaimer_ru=values.pop("disclaimer_ru", "")
        or DEFAULT_DISCLAIMER_RU % {"programme": programme.phase or programme.acronym_en},
        **_clean_rich(values, ISSUE_RICH_FIELDS),
    )
    issue.full_clean()
    issue.save()
    for component in programme.components.order_by("number"):
        text_en, text_ru = narrative_drafts(component=component, period=period)
        ComponentNarrative.objects.create(
            issue=issue, component=component, text_en=text_en, text_ru=text_ru, source=source
        )
    return issue


@transaction.atomic
def newsletter_issue_update(*, issue: NewsletterIssue, data: Mapping[str, Any]) -> NewsletterIssue:
    """Change the issue's own fields (not its period: a new period is a new issue)."""
    for field, value in _clean_rich(dict(data), ISSUE_RICH_FIELDS).items():
        if field not in ISSUE_FIELDS:
            raise ApplicationError(_("%(field)s cannot be changed here.") % {"field": field})
        setattr(issue, field, value)
    if issue.status == IssueStatus.PUBLISHED and issue.period_end >= timezone.localdate():
        raise ValidationError(
            {"status": _("An issue is published once its quarter is over, not before.")}
        )
    issue.full_clean()
    issue.save()
    return issue


@transaction.atomic
def editorials_replace(
    *, issue: NewsletterIssue, editorials: Sequence[Mapping[str, Any]]
) -> list[Editorial]:
    """The issue's editorials become ``editorials``: changed in place, added or removed."""
    existing = list(issue.editorials.order_by("order", "pk"))
    kept: list[Editorial] = []
    for index, values in enumerate(editorials):
        editorial = existing[index] if index < len(existing) else Editorial(issue=issue)
        for field, value in _clean_rich(dict(values), ("text_en", "text_ru")).items():
            if field not in EDITORIAL_FIELDS:
                raise ApplicationError(_("%(field)s cannot be changed here.") % {"field": field})
            setattr(editorial, field, value)
        editorial.full_clean()
        editorial.save()
        kept.append(editorial)
    for editorial in existing[len(kept) :]:
        editorial.delete()
    return kept


@transaction.atomic
def narrative_update(
    *, narrative: ComponentNarrative, text_en: str, text_ru: str
) -> ComponentNarrative:
    narrative.text_en = rich_text_clean(text_en)
    narrative.text_ru = rich_text_clean(text_ru)
    narrative.full_clean()
    narrative.save()
    return narrative


@transaction.atomic
def narratives_redraft(*, issue: NewsletterIssue, components: Sequence[int]) -> int:
    """Replace the narratives of the given component numbers with drafts from the records."""
    changed = 0
    for narrative in issue.narratives.select_related("component").filter(
        component__number__in=components
    ):
        text_en, text_ru = narrative_drafts(component=narrative.component, period=issue.period)
        narrative_update(narrative=narrative, text_en=text_en, text_ru=text_ru)
        changed += 1
    return changed


def narrative_drafts(*, component: Component, period: Period) -> tuple[str, str]:
    """A component's narrative for the period, in English and in Russian, from its activities."""
    activities = list(
        implemented_in(programme=component.programme, period=period)
        .filter(component=component)
        .select_related("host_country", "abroad_country")
        .order_by("start_date", "code")
    )
    drafts = []
    for language in ("en", "ru"):
        with translation.override(language):
            drafts.append(_narrative_draft(component, period, activities))
    return drafts[0], drafts[1]


def _narrative_draft(component: Component, period: Period, activities: list[Activity]) -> str:
    dates = period_dates(period.start, period.end)
    if not activities:
        return rich_text_clean(
            _("In %(period)s, Component %(number)s implemented no activities.")
            % {"period": dates, "number": component.number}
        )
    types: dict[str, int] = {}
    for activity in activities:
        types[activity.activity_type] = types.get(activity.activity_type, 0) + 1
    labels = dict(ActivityType.choices)
    kinds = ", ".join(
        f"{count} × {str(labels[code]).lower()}"
        for code, count in sorted(types.items(), key=lambda item: -item[1])
    )
    places = sorted(
        {activity.host_country.name for activity in activities if activity.host_country}
    )
    opening = ngettext(
        "In %(period)s, Component %(number)s implemented %(count)d activity (%(kinds)s)",
        "In %(period)s, Component %(number)s implemented %(count)d activities (%(kinds)s)",
        len(activities),
    ) % {"period": dates, "number": component.number, "count": len(activities), "kinds": kinds}
    if places:
        opening += " " + _("in %(places)s") % {"places": ", ".join(places)}
    items = "".join(
        "<li>"
        + escape(activity.title)
        + " — "
        + escape(
            ", ".join(
                part
                for part in (
                    activity.location_display,
                    day_span(activity.start_date, activity.end_date),
                )
                if part
            )
        )
        + "</li>"
        for activity in activities
    )
    return rich_text_clean(f"<p>{escape(opening)}.</p><ul>{items}</ul>")


def picture_check(upload: UploadedFile) -> str:
    """The picture's real format's suffix; a ``ValidationError`` naming what is wrong.

    The content decides, not the name: a PDF renamed .jpg is refused, and so is a picture
    too large to decode safely (a decompression bomb).
    """
    if upload.size is not None and upload.size > PICTURE_MAX_BYTES:
        raise ValidationError(
            {"image": _("The picture is larger than 10 MB; make it smaller and try again.")}
        )
    data = upload.read()
    upload.seek(0)
    try:
        with Image.open(BytesIO(data)) as picture:
            width, height = picture.size
            if width * height > PICTURE_MAX_PIXELS:
                raise ValidationError(
                    {"image": _("The picture has more than 40 megapixels; make it smaller.")}
                )
            kind = picture.format or ""
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            {"image": _("This file is not a JPEG or PNG picture, or it is damaged.")}
        ) from None
    if kind not in PICTURE_FORMATS:
        raise ValidationError({"image": _("Only JPEG and PNG pictures can be used.")})
    return PICTURE_FORMATS[kind]


#: Pictures are stored at most this many pixels on their longer side (print at ~17 cm, 300 dpi).
PICTURE_MAX_SIDE = 2000


def picture_clean(upload: UploadedFile, suffix: str) -> bytes:
    """The picture re-encoded: turned upright, at most PICTURE_MAX_SIDE pixels, and without
    its metadata (a camera's EXIF can hold the place it was taken and the device)."""
    with Image.open(BytesIO(upload.read())) as picture:
        upright = ImageOps.exif_transpose(picture)
        upright.thumbnail((PICTURE_MAX_SIDE, PICTURE_MAX_SIDE))
        output = BytesIO()
        if suffix == ".png":
            upright.save(output, format="PNG", optimize=True)
        else:
            upright.convert("RGB").save(output, format="JPEG", quality=88, optimize=True)
    upload.seek(0)
    return output.getvalue()


@transaction.atomic
def picture_save(
    *,
    issue: NewsletterIssue,
    picture: NewsletterPicture | None,
    caption_en: str,
    caption_ru: str,
    order: int,
    upload: UploadedFile | None = None,
) -> NewsletterPicture:
    """Create or change a picture of the featured story; the upload is checked by content."""
    picture = picture or NewsletterPicture(issue=issue)
    picture.caption_en, picture.caption_ru, picture.order = caption_en, caption_ru, order
    if upload is not None:
        suffix = picture_check(upload)
        picture.image = ContentFile(picture_clean(upload, suffix), name=f"picture{suffix}")
    picture.full_clean()
    picture.save()
    return picture


def newsletter_issue_ensure(
    *, programme: Programme, record: Mapping[str, Any]
) -> tuple[NewsletterIssue, bool]:
    """The dataset's issue, created with its editorials, narratives and pictures if missing."""
    existing = NewsletterIssue.objects.filter(programme=programme, number=record["number"]).first()
    if existing is not None:
        return existing, False
    provenance = {
        "source": record.get("source", Source.SEED),
        "source_note": record.get("source_note", ""),
    }
    issue_values = {
        field: record[field]
        for field in (
            "status",
            "featured_title_en",
            "featured_title_ru",
            *ISSUE_RICH_FIELDS,
            "disclaimer_en",
            "disclaimer_ru",
        )
        if field in record
    }
    issue = newsletter_issue_create(
        programme=programme,
        number=record["number"],
        period_code=record["period"],
        **provenance,
        **issue_values,
    )
    for values in record.get("editorials", []):
        editorial = Editorial(
            issue=issue,
            **provenance,
            **_clean_rich(
                {field: values[field] for field in EDITORIAL_FIELDS if field in values},
                ("text_en", "text_ru"),
            ),
        )
        editorial.full_clean()
        editorial.save()
    for values in record.get("narratives", []):
        narrative = issue.narratives.get(component__number=values["component"])
        narrative_update(
            narrative=narrative, text_en=values["text_en"], text_ru=values.get("text_ru", "")
        )
    for index, values in enumerate(record.get("pictures", []), start=1):
        picture = NewsletterPicture(
            issue=issue,
            order=values.get("order", index),
            caption_en=values["caption_en"],
            caption_ru=values.get("caption_ru", ""),
            **provenance,
        )
        picture.full_clean()
        picture.save()
    return issue, True
