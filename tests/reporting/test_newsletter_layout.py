"""The newsletter's layout as drawn: what must never touch or be cut, in either language."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pytest
from django.utils import translation
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from bomca.procurement.models import Horizon, NeedStatus
from bomca.reference.models import Programme
from bomca.reporting.charts import ChartData, chart_svg
from bomca.reporting.models import NewsletterIssue
from bomca.reporting.newsletter import newsletter_html, placeholder_picture

#: The newsletter's column: A4 less 16 mm each side, in CSS pixels.
COLUMN = 178 / 25.4 * 96
#: The least gap between the two running headers: 4 mm, in CSS pixels.
GAP = 4 / 25.4 * 96


def _text_extent(box: object) -> tuple[float, float]:
    """Where the text of a laid-out box starts and ends across the page."""
    texts = [line for line in box.descendants() if type(line).__name__ == "TextBox"]
    return min(text.position_x for text in texts), max(
        text.position_x + text.width for text in texts
    )


def _running_headers(issue: NewsletterIssue, language: str) -> Iterator[tuple[int, dict]]:
    html = newsletter_html(issue, language=language, standalone=True, for_print=True)
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    for number, page in enumerate(HTML(string=html, url_fetcher=fetcher).render().pages, 1):
        yield (
            number,
            {
                box.at_keyword: _text_extent(box)
                for box in page._page_box.children
                if getattr(box, "at_keyword", "").startswith("@top")
            },
        )


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_running_headers_never_touch(bomca10: Programme, language: str):
    """«ПРЕДСТОЯЩИЕ МЕРОПРИЯТИЯ: ИЮЛЬ–СЕНТЯБРЬ 2023» ran into the issue's name on page 13."""
    issue = NewsletterIssue.objects.get(programme=bomca10, number=6)
    pages = list(_running_headers(issue, language))
    assert len(pages) > 10
    for number, headers in pages[1:]:  # the cover has none
        (_, left_end), (right_start, _) = headers["@top-left"], headers["@top-right"]
        assert right_start - left_end >= GAP, f"page {number}: {headers}"


def _horizon_chart(language: str) -> str:
    with translation.override(language):
        statuses = [NeedStatus.TENDERED, NeedStatus.EVALUATED, NeedStatus.CONTRACTED]
        statuses += [NeedStatus.DELIVERED, NeedStatus.HANDED_OVER]
        data = ChartData(
            name="procurement-by-horizon",
            kind="stacked",
            title=gettext("Short-term and mid-term needs: items by status"),
            summary="",
            columns=(),
            rows=[
                (str(Horizon.SHORT_TERM.label), 0, 0, 2, 2, 4, 8),
                (str(Horizon.MID_TERM.label), 3, 3, 4, 0, 0, 10),
            ],
            options={"series": [str(status.label) for status in statuses]},
        )
        return chart_svg(data, language=language)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_stacked_chart_keeps_its_labels_whole_and_fits_the_column(language: str):
    """Five Russian statuses in one legend row made the chart 824 px wide, shrunk to the column
    with «Среднесрочная (национальный приоритет)» cut to «Среднесрочная (национальный при…»."""
    svg = _horizon_chart(language)
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg)[1])
    assert width <= COLUMN
    assert "…" not in svg
    with translation.override(language):
        assert str(Horizon.MID_TERM.label) in svg


def _number(svg: str, pattern: str) -> float:
    return float(re.search(pattern, svg)[1])


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_placeholder_picture_s_sun_stays_below_its_words(language: str):
    with translation.override(language):
        svg = base64.b64decode(placeholder_picture("A caption").split(",", 1)[1]).decode()
    size = _number(svg, r'<text[^>]*font-size="([\d.]+)"')
    words_bottom = _number(svg, r'<text[^>]*\sy="([\d.]+)"') + 0.3 * size  # the descenders
    sun_top = _number(svg, r'<circle[^>]*cy="([\d.]+)"') - _number(
        svg, r'<circle[^>]*\sr="([\d.]+)"'
    )
    assert sun_top > words_bottom
