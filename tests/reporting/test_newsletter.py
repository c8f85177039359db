"""Newsletter issues: rich text, the services that write issues, and the issue as HTML and PDF."""

from __future__ import annotations

import io
import re
from datetime import date

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from bomca.activities.models import Activity, ActivityType, Status
from bomca.core.errors import ApplicationError
from bomca.core.periods import parse_period
from bomca.core.richtext import (
    rich_text_clean,
    rich_text_for_editing,
    rich_text_html,
    rich_text_plain,
)
from bomca.reference.models import Programme
from bomca.reporting.models import ComponentNarrative, Editorial, NewsletterIssue
from bomca.reporting.newsletter import newsletter_html, newsletter_pdf
from bomca.reporting.selectors import key_figures
from bomca.reporting.services import (
    editorials_replace,
    narrative_update,
    narratives_redraft,
    newsletter_issue_create,
    picture_check,
    picture_save,
)
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    CountryFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.pages import Element, page

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
COMPONENT_TITLES = [
    "Institutional development of border control agencies",
    "Improvement of detection capacities",
    "Facilitation of trade",
    "Improvement of cross-border cooperation",
]
#: A distinctive phrase of each component's specific objective.
OBJECTIVES = [
    "Adopting international security standards",
    "Enhancing detection, coordination and investigation effectiveness",
    "Harmonizing institutional, technical and normative practices",
    "Improving living conditions in border areas through local economic development",
]


def _html(text: str) -> Element:
    return page(HttpResponse(text))


def _words(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(data: bytes) -> str:
    """The PDF's text, whitespace collapsed."""
    return _words(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def _png(width: int = 4, height: int = 3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#2f7f86").save(buffer, format="PNG")
    return buffer.getvalue()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "#d9a521").save(buffer, format="JPEG")
    return buffer.getvalue()


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (4, 3)).save(buffer, format="GIF")
    return buffer.getvalue()


#: The start of a PDF: enough for a sniffer, not a picture.
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def issue6(bomca10: Programme) -> NewsletterIssue:
    """The reference issue the dataset creates: number 6, 2023Q2."""
    return NewsletterIssue.objects.get(programme=bomca10, number=6)


@pytest.fixture
def small(db: None) -> Programme:
    """A synthetic programme: two components, one country, two workshops of C1 in 2023Q2,
    a cancelled one and one of the next quarter."""
    country = CountryFactory(code="XA")
    programme = ProgrammeFactory(countries=[country], phase="SYN 1")
    first = ComponentFactory(programme=programme, number=1)
    ComponentFactory(programme=programme, number=2)
    for index, day in enumerate((10, 24), start=1):
        ActivityFactory(
            component=first,
            title_en=f"Synthetic workshop on document checks {index}",
            title_ru=f"Синтетический семинар по проверке документов {index}",
            city="Synthetic city",
            start_date=date(2023, 5, day),
            end_date=date(2023, 5, day + 2),
        )
    ActivityFactory(
        component=first, title_en="Synthetic cancelled workshop", status=Status.CANCELLED
    )
    ActivityFactory(
        component=first,
        title_en="Synthetic workshop of the next quarter",
        start_date=date(2023, 8, 1),
        end_date=date(2023, 8, 2),
    )
    return programme


# --- rich text ----------------------------------------------------------------------------------


def test_rich_text_clean_strips_scripts_with_their_content():
    cleaned = rich_text_clean("<p>Hello<script>alert('x')</script> reader</p>")

    assert cleaned == "<p>Hello reader</p>"


@pytest.mark.parametrize(
    "html",
    [
        '<p onclick="steal()">Text</p>',
        '<p onmouseover="steal()" style="color:red">Text</p>',
        '<p>Text<img src="x" onerror="steal()"></p>',
        '<p>Text<svg onload="steal()"></svg></p>',
    ],
)
def test_rich_text_clean_strips_event_handlers(html):
    cleaned = rich_text_clean(html)

    assert cleaned == "<p>Text</p>"
    assert "steal" not in cleaned


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
    ],
)
def test_rich_text_clean_drops_dangerous_links_but_keeps_their_words(href):
    cleaned = rich_text_clean(f'<p><a href="{href}">Read more</a></p>')

    assert "href" not in cleaned
    assert "script" not in cleaned.lower()
    assert "Read more" in cleaned


def test_rich_text_clean_keeps_the_allowed_tags_and_safe_links():
    html = (
        "<h3>Heading</h3><p>One <strong>strong</strong>, <em>em</em>, <b>b</b>, <i>i</i>"
        "<br>line</p><ul><li>Item</li></ul><ol><li>First</li></ol>"
        '<p><a href="https://www.example.org/x" title="Example">web</a> '
        '<a href="mailto:someone@example.org">mail</a></p>'
    )

    cleaned = rich_text_clean(html)

    for tag in ("<h3>", "<strong>", "<em>", "<b>", "<i>", "<br>", "<ul>", "<ol>", "<li>"):
        assert tag in cleaned
    assert '<a href="https://www.example.org/x" title="Example" rel="noopener noreferrer">' in (
        cleaned
    )
    assert 'href="mailto:someone@example.org"' in cleaned


def test_rich_text_clean_unwraps_other_tags_and_keeps_their_words():
    cleaned = rich_text_clean(
        '<div class="x"><span style="x">Kept</span></div><iframe src="https://x"></iframe>'
        "<style>p{}</style><p>Also kept</p>"
    )

    assert cleaned == "Kept<p>Also kept</p>"


def test_plain_text_becomes_paragraphs_with_line_breaks():
    cleaned = rich_text_clean("First line\nsecond line\n\n  Next paragraph  \n\n\n\nLast")

    assert cleaned == "<p>First line<br>second line</p><p>Next paragraph</p><p>Last</p>"


def test_plain_text_is_escaped_not_read_as_markup():
    assert rich_text_clean("Fish & chips > 5 \"quoted\" 'single'") == (
        "<p>Fish &amp; chips &gt; 5 \"quoted\" 'single'</p>"
    )


@pytest.mark.parametrize("text", ["", "   ", "\n\n", None])
def test_no_text_is_stored_as_nothing(text):
    assert rich_text_clean(text) == ""


def test_rich_text_html_is_sanitised_again_when_shown():
    shown = rich_text_html('<p onclick="x()">Old row<script>bad()</script></p>')

    assert str(shown) == "<p>Old row</p>"


def test_rich_text_plain_gives_the_words():
    assert rich_text_plain("<p>One &amp; two</p><ul><li>three</li></ul>") == "One & two three"


def test_text_for_editing_is_paragraphs_separated_by_blank_lines():
    assert rich_text_for_editing("<p>One &amp; two<br>three</p><p>Four</p>") == (
        "One & two\nthree\n\nFour"
    )


def test_text_with_other_markup_is_edited_as_html():
    html = "<p>One <strong>bold</strong></p><ul><li>Item</li></ul>"

    assert rich_text_for_editing(html) == html
    assert rich_text_clean(rich_text_for_editing(html)) == rich_text_clean(html)


def test_windows_line_endings_round_trip():
    cleaned = rich_text_clean("One\r\ntwo\r\n\r\nthree")

    assert cleaned == "<p>One<br>two</p><p>three</p>"
    assert rich_text_clean(rich_text_for_editing(cleaned)) == cleaned


# Not "<" (that is markup) and not NUL (forms refuse it).
@hypothesis_settings(deadline=None, max_examples=300)
@given(st.text(alphabet=st.characters(blacklist_characters="<\x00", blacklist_categories=["Cs"])))
@example("Fish & chips\n\n> quoted &amp; line\nnext")
@example("a\xa0b\n \nc")
def test_text_for_editing_round_trips_through_rich_text_clean(text):
    cleaned = rich_text_clean(text)

    assert rich_text_clean(rich_text_for_editing(cleaned)) == cleaned


def test_a_lone_carriage_return_round_trips_like_a_newline():
    cleaned = rich_text_clean("a\rb")

    assert cleaned == rich_text_clean("a\nb")
    assert rich_text_clean(rich_text_for_editing(cleaned)) == cleaned


def test_blank_lines_still_separate_paragraphs_when_the_text_has_some_markup():
    cleaned = rich_text_clean("One.\n\nTwo <strong>bold</strong>.")

    assert cleaned == "<p>One.</p><p>Two <strong>bold</strong>.</p>"


# --- creating an issue ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["2023", "2023-04", "2023Q1..2023Q2", "2023-04-01"])
def test_an_issue_covers_a_quarter_and_says_so_on_the_period_field(small, code):
    with pytest.raises(ValidationError) as raised:
        newsletter_issue_create(programme=small, number=1, period_code=code)

    assert list(raised.value.message_dict) == ["period_code"]
    assert "2023Q2" in raised.value.message_dict["period_code"][0]
    assert not NewsletterIssue.objects.exists()
    assert not ComponentNarrative.objects.exists()


def test_a_new_issue_drafts_a_narrative_per_component_from_the_quarter(small):
    issue = newsletter_issue_create(programme=small, number=1, period_code="2023К2")

    assert (issue.period_code, issue.period_start, issue.period_end) == (
        "2023Q2",
        date(2023, 4, 1),
        date(2023, 6, 30),
    )
    narratives = list(issue.narratives.order_by("component__number"))
    assert [narrative.component.number for narrative in narratives] == [1, 2]
    first = narratives[0].text_en
    assert first.startswith("<p>In April–June 2023, Component 1 implemented 2 activities")
    assert "2 × workshop" in first
    assert "Testland XA" in first
    assert "<li>Synthetic workshop on document checks 1 — Synthetic city, Testland XA, " in first
    assert "10–12 May 2023</li>" in first
    assert "24–26 May 2023</li>" in first
    assert "cancelled" not in first
    assert "next quarter" not in first
    assert rich_text_plain(narratives[1].text_en) == (
        "In April–June 2023, Component 2 implemented no activities."
    )


def test_the_russian_drafts_are_in_russian(small):
    issue = newsletter_issue_create(programme=small, number=1, period_code="2023Q2")

    first, second = (n.text_ru for n in issue.narratives.order_by("component__number"))

    assert "Синтетический семинар по проверке документов 1" in first
    assert "Тестландия XA" in first
    assert "10–12 мая 2023" in first
    assert "апрель–июнь 2023" in first
    assert CYRILLIC.search(rich_text_plain(second))
    for english in ("implemented", "Component", "activities", "workshop", "Testland"):
        assert english not in first
        assert english not in second


def test_a_draft_escapes_what_people_typed_into_titles(small):
    ActivityFactory(
        component=small.components.get(number=2),
        title_en='Synthetic <script>alert("x")</script> seminar & more',
    )

    issue = newsletter_issue_create(programme=small, number=1, period_code="2023Q2")

    text = issue.narratives.get(component__number=2).text_en
    assert "<script" not in text
    assert 'Synthetic &lt;script&gt;alert("x")&lt;/script&gt; seminar &amp; more' in text


def test_a_new_issue_gets_the_funding_disclaimer_in_both_languages(small):
    issue = newsletter_issue_create(programme=small, number=1, period_code="2023Q2")

    assert "SYN 1 consortium" in issue.disclaimer_en
    assert "SYN 1" in issue.disclaimer_ru
    assert CYRILLIC.search(issue.disclaimer_ru)
    assert issue.featured_title_en


def test_a_new_issue_sanitises_what_it_is_given(small):
    issue = newsletter_issue_create(
        programme=small,
        number=1,
        period_code="2023Q2",
        featured_text_en='<p onclick="x()">Story<script>x()</script></p>',
        upcoming_grants_en="Plain\n\ntext",
    )

    assert issue.featured_text_en == "<p>Story</p>"
    assert issue.upcoming_grants_en == "<p>Plain</p><p>text</p>"


@pytest.mark.parametrize(("number", "period"), [(6, "2023Q1"), (7, "2023Q2")])
def test_an_issue_number_or_quarter_is_used_once(bomca10, number, period):
    with pytest.raises(ValidationError):
        newsletter_issue_create(programme=bomca10, number=number, period_code=period)

    assert NewsletterIssue.objects.count() == 1


def test_redrafting_replaces_only_the_chosen_components(small):
    issue = newsletter_issue_create(programme=small, number=1, period_code="2023Q2")
    first = issue.narratives.get(component__number=1)
    second = issue.narratives.get(component__number=2)
    narrative_update(narrative=first, text_en="Written by a person.", text_ru="Написано.")
    narrative_update(narrative=second, text_en="Also written.", text_ru="Тоже.")
    ActivityFactory(
        component=small.components.get(number=1),
        title_en="Synthetic training recorded later",
        activity_type=ActivityType.TRAINING,
    )
    versions = first.history.count()

    changed = narratives_redraft(issue=issue, components=[1])

    first.refresh_from_db()
    second.refresh_from_db()
    assert changed == 1
    assert "implemented 3 activities" in first.text_en
    assert "Synthetic training recorded later" in first.text_en
    assert CYRILLIC.search(first.text_ru)
    assert "Написано" not in first.text_ru
    assert (second.text_en, second.text_ru) == ("<p>Also written.</p>", "<p>Тоже.</p>")
    assert first.history.count() == versions + 1
    # What the person wrote is kept in the history, just before the draft.
    assert [row.text_en for row in first.history.all()[:2]] == [
        first.text_en,
        "<p>Written by a person.</p>",
    ]


def test_redrafting_no_component_changes_nothing(small):
    issue = newsletter_issue_create(programme=small, number=1, period_code="2023Q2")
    before = list(issue.narratives.values_list("text_en", flat=True))

    assert narratives_redraft(issue=issue, components=[]) == 0
    assert list(issue.narratives.values_list("text_en", flat=True)) == before


# --- editorials ----------------------------------------------------------------------------------


def _editorial(author: str, **changes: str) -> dict[str, object]:
    return {
        "author": author,
        "role_en": f"Role of {author}",
        "text_en": f"Text of {author}",
        **changes,
    }


def test_editorials_are_added_changed_and_removed(small):
    issue = newsletter_issue_create(programme=small, number=1, period_code="2023Q2")

    added = editorials_replace(
        issue=issue,
        editorials=[_editorial("Synthetic Ann", order=1), _editorial("Synthetic Bob", order=2)],
    )
    assert [(e.author, e.text_en) for e in issue.editorials.order_by("order")] == [
        ("Synthetic Ann", "<p>Text of Synthetic Ann</p>"),
        ("Synthetic Bob", "<p>Text of Synthetic Bob</p>"),
    ]

    changed = editorials_replace(
        issue=issue, editorials=[_editorial("Synthetic Ann", text_en="<p>New words</p>")]
    )
    assert changed[0].pk == added[0].pk  # changed in place: its history goes on
    assert [(e.author, e.text_en) for e in issue.editorials.all()] == [
        ("Synthetic Ann", "<p>New words</p>")
    ]
    assert not Editorial.objects.filter(pk=added[1].pk).exists()
    assert added[0].history.count() == 2

    editorials_replace(issue=issue, editorials=[])
    assert not issue.editorials.exists()


def test_editorial_text_is_sanitised(small):
    issue = newsletter_issue_create(programme=small, number=1, period_code="2023Q2")

    [editorial] = editorials_replace(
        issue=issue,
        editorials=[_editorial("Synthetic Ann", text_en='<p onclick="x()">Hi<script>x()</script>')],
    )

    assert editorial.text_en == "<p>Hi</p>"


def test_editorials_are_replaced_all_or_nothing(small):
    issue = newsletter_issue_create(programme=small, number=1, period_code="2023Q2")
    editorials_replace(issue=issue, editorials=[_editorial("Synthetic Ann")])

    with pytest.raises(ValidationError):
        editorials_replace(
            issue=issue,
            editorials=[
                _editorial("Synthetic Ann", text_en="Changed"),
                _editorial("Synthetic Bob", role_en=""),
            ],
        )

    assert [(e.author, e.text_en) for e in issue.editorials.all()] == [
        ("Synthetic Ann", "<p>Text of Synthetic Ann</p>")
    ]


def test_an_editorial_field_that_does_not_exist_is_refused(small):
    issue = newsletter_issue_create(programme=small, number=1, period_code="2023Q2")

    with pytest.raises(ApplicationError):
        editorials_replace(issue=issue, editorials=[_editorial("Synthetic Ann", issue_id="9")])

    assert not issue.editorials.exists()


# --- pictures ----------------------------------------------------------------------------------


def test_a_pdf_renamed_jpg_is_not_a_picture():
    upload = SimpleUploadedFile("photo.jpg", PDF_BYTES, content_type="image/jpeg")

    with pytest.raises(ValidationError) as raised:
        picture_check(upload)

    assert list(raised.value.message_dict) == ["image"]
    assert "JPEG or PNG" in raised.value.message_dict["image"][0]


@pytest.mark.parametrize(
    ("name", "content", "suffix"),
    [("photo.png", _png(), ".png"), ("photo.jpg", _jpeg(), ".jpg"), ("photo.jpg", _png(), ".png")],
)
def test_a_picture_is_known_by_its_content_not_its_name(name, content, suffix):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")

    assert picture_check(upload) == suffix
    assert upload.read() == content  # left at the start for whoever saves it


@pytest.mark.parametrize(
    "content", [_gif(), b"just some text", b"\x89PNG\r\n\x1a\n broken", b""], ids=repr
)
def test_other_files_are_refused_as_pictures(content):
    with pytest.raises(ValidationError) as raised:
        picture_check(SimpleUploadedFile("photo.png", content))

    assert list(raised.value.message_dict) == ["image"]


def test_a_saved_picture_gets_a_random_name_with_its_real_suffix(small, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    issue = newsletter_issue_create(programme=small, number=1, period_code="2023Q2")

    picture = picture_save(
        issue=issue,
        picture=None,
        caption_en="Synthetic caption",
        caption_ru="",
        order=1,
        upload=SimpleUploadedFile("../../holiday snap.jpg", _png()),
    )

    assert re.fullmatch(r"newsletters/[0-9a-f]{32}\.png", picture.image.name)
    stored = Image.open(io.BytesIO((tmp_path / picture.image.name).read_bytes()))
    assert (stored.format, stored.size) == ("PNG", Image.open(io.BytesIO(_png())).size)


# --- the issue as HTML ---------------------------------------------------------------------------


def test_the_english_issue_states_the_programme_s_facts(issue6):
    html = _html(newsletter_html(issue6, language="en"))

    assert [fact.text for fact in html.find_all("p", cls="fact-value")] == [
        "21,650,050 EUR",
        "April 2021 – September 2025",
    ]
    about = html.by_id("about").parent
    assert [heading.text for heading in about.find_all("h3")] == COMPONENT_TITLES
    assert html.find_all("p", cls="cover-period")[0].text == "April–June 2023"
    for fact in ("25", "21", "650", "050", "April 2021", "September 2025"):
        assert fact in html.text


def test_the_english_issue_sums_up_the_quarter(issue6):
    html = _html(newsletter_html(issue6, language="en"))

    lead = html.find_all("p", cls="lead-sentence")[0].text
    assert lead == (
        "From 1 April till 30 June 2023, the programme implemented 25 activities in the "
        "Central Asian region. 472 people took part in them, 28% of them women."
    )
    counts = [story.find_all("p", cls="count")[0].text for story in _stories(html)]
    assert counts == [
        "7 activities implemented",
        "5 activities implemented",
        "8 activities implemented",
        "5 activities implemented",
    ]
    assert [story.find_all("h3")[0].text for story in _stories(html)] == [
        f"Component {number} {title}" for number, title in enumerate(COMPONENT_TITLES, start=1)
    ]


def _stories(html: Element) -> list[Element]:
    return html.find_all("article", cls="component-story")


def test_the_english_issue_has_every_chart_numbered_in_order(issue6):
    html = _html(newsletter_html(issue6, language="en"))

    figures = html.find_all("figure", cls="chart")
    assert [figure.attrs["id"] for figure in figures] == [
        "figure-activities-map",
        "figure-timeline",
        "figure-activities-by-component",
        "figure-activities-by-country",
        "figure-activities-by-type",
        "figure-activities-by-scope",
        "figure-activities-by-format",
        "figure-participants-by-sex",
        "figure-participants-by-country",
        "figure-participants-by-organisation",
        "figure-trainer-exchanges",
        "figure-procurement-progress",
        "figure-procurement-value",
        "figure-procurement-status",
        "figure-procurement-by-horizon",
        "figure-grants-projects",
        "figure-grants-money",
    ]  # no "figure-grants-people-reached": no report had been received by the end of June
    numbers = [figure.find_all("span", cls="figure-number")[0].text for figure in figures]
    assert numbers == [f"Figure {number}" for number in range(1, 18)]
    assert all(figure.find_all("title") and figure.find_all("desc") for figure in figures)


def test_the_english_issue_carries_the_featured_story_and_what_comes_next(issue6):
    html = _html(newsletter_html(issue6, language="en"))

    featured = html.by_id("featured").parent
    assert featured.find_all("h3")[0].text == (
        "Strengthening child protection in the Uzbek border regions"
    )
    assert re.search(r"20[-–]21 June 2023", featured.text)
    pictures = featured.find_all("img")
    assert len(pictures) == 2
    assert all(picture.attrs["src"].startswith("data:image/") for picture in pictures)
    assert pictures[0].attrs["alt"].startswith("Child protection seminar, Tashkent")
    upcoming = html.by_id("upcoming").parent
    assert html.by_id("upcoming").text == "Upcoming activities in July–September 2023"
    assert "Workshop on document security for border guards" in upcoming.text
    assert "Programme Steering Committee meeting" in upcoming.text
    groups = upcoming.find_all("article", cls="upcoming-group")
    # 4 activities, 3 deliveries, one line for the 9 reports due, 1 meeting.
    assert [len(group.find_all("li")) for group in groups] == [4, 3, 1, 1]
    assert [signature.text for signature in html.find_all("p", cls="signature")] == [
        "Mr. Cosimo Lamberti-Fossati Cooperation Manager of the European Union Delegation "
        "to the Kyrgyz Republic",
        "Ms. Veronika Goncharova BOMCA Project Manager",
    ]


def test_the_russian_issue_is_in_russian(issue6):
    text = newsletter_html(issue6, language="ru")
    html = _html(text)

    assert html.find_all("html")[0].attrs["lang"] == "ru"
    assert "21\u00a0650\u00a0050 EUR" in text  # no-break spaces between the thousands
    assert [fact.text for fact in html.find_all("p", cls="fact-value")] == [
        "21 650 050 EUR",
        "апрель 2021 – сентябрь 2025",
    ]
    assert html.find_all("p", cls="cover-period")[0].text == "Апрель–июнь 2023"
    headings = [heading.text for heading in html.find_all("h2")]
    english = _html(newsletter_html(issue6, language="en")).find_all("h2")
    assert len(headings) == len(english) == 7
    assert [heading for heading in headings if not CYRILLIC.search(heading)] == []
    about = html.by_id("about").parent
    assert [heading.text for heading in about.find_all("h3")] == [
        "Институциональное развитие органов пограничного контроля",
        "Повышение потенциала в области выявления",
        "Содействие торговле",
        "Развитие трансграничного сотрудничества",
    ]
    lead = html.find_all("p", cls="lead-sentence")[0].text
    assert "25" in lead
    assert "472" in lead
    assert CYRILLIC.search(lead)
    assert "20–21 июня 2023" in html.by_id("featured").parent.text


def test_the_standalone_document_loads_nothing_from_elsewhere(issue6):
    html = _html(newsletter_html(issue6, language="en", standalone=True))

    assert html.find_all("script") == []
    assert html.find_all("link") == []
    assert all(image.attrs["src"].startswith("data:") for image in html.find_all("img"))
    assert len(html.find_all("style")) >= 1


def test_the_preview_document_links_the_stylesheet(issue6):
    html = _html(newsletter_html(issue6, language="en", standalone=False))

    stylesheets = [link.attrs["href"] for link in html.find_all("link")]
    assert stylesheets
    assert stylesheets[0].endswith("/newsletter.css")


def test_no_personal_data_of_people_reaches_the_newsletter(issue6):
    editor = UserFactory(
        username="snoop-synthetic",
        first_name="Sally",
        last_name="Snoopington",
        email="sally.snoopington@example.org",
    )
    activity = Activity.objects.get(code="C2-KZ-2023-003")
    activity._history_user = editor
    activity.title_en += " (revised)"
    activity.save()

    text = newsletter_html(issue6, language="en")

    for personal in ("snoop-synthetic", "Snoopington", "sally.snoopington@example.org"):
        assert personal not in text
    addresses = set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", _html(text).text))
    assert addresses == {"bomca@icmpd.org"}


def test_the_dashboard_and_the_newsletter_give_the_same_numbers(issue6, alice_client: Client):
    figures = key_figures(programme=issue6.programme, period=parse_period("2023Q2"))
    html = _html(newsletter_html(issue6, language="en"))
    lead = html.find_all("p", cls="lead-sentence")[0].text
    nutshell = html.by_id("nutshell").parent.text
    dashboard = page(alice_client.get("/dashboard/", {"period": "2023Q2"}))
    kpis = [value.text for value in dashboard.find_all("p", cls="kpi-value")]

    activities, people, women = re.search(
        r"implemented (\d+) activities .* (\d+) people took part in them, (\d+)% of them women",
        lead,
    ).groups()
    across = re.search(r"National trainers delivered (\d+) activities for colleagues", nutshell)
    assert kpis == [activities, people, f"{women}%", across[1]]
    assert (int(activities), int(people)) == (figures.activities.total, figures.participants.total)
    counts = [int(story.find_all("p", cls="count")[0].text.split()[0]) for story in _stories(html)]
    assert counts == list(figures.activities.by_component.values())


# --- an issue for a quarter with no activities ----------------------------------------------------


def test_an_issue_of_a_quarter_without_activities_says_so_without_charts(bomca10):
    issue = newsletter_issue_create(programme=bomca10, number=1, period_code="2022Q1")

    html = _html(newsletter_html(issue, language="en"))
    pdf = _pdf_text(newsletter_pdf(issue, language="en"))

    assert [figure.attrs["id"] for figure in html.find_all("figure", cls="chart")] == [
        "figure-timeline"
    ]
    assert html.find_all("p", cls="lead-sentence")[0].text == (
        "From 1 January till 31 March 2022, the programme implemented no activities: there is "
        "nothing to chart for this period."
    )
    assert [story.find_all("p", cls="count")[0].text for story in _stories(html)] == [
        "0 activities implemented"
    ] * 4
    assert "the programme implemented no activities" in pdf
    assert "Component 1 implemented no activities" in pdf
    assert "Figure 2" not in pdf
    assert "Participants by sex" not in pdf


# --- the issue as PDF ---------------------------------------------------------------------------


def test_the_english_pdf_carries_the_issue_s_facts(issue6):
    data = newsletter_pdf(issue6, language="en")
    text = _pdf_text(data)

    assert data.startswith(b"%PDF-")
    assert "implemented 25 activities" in text
    assert "21,650,050 EUR" in text
    assert re.search(r"6[-–]12 months", text)
    assert re.search(r"Child Protection in the Uzbek Border Regions\" on 20[-–]21 June 2023", text)
    for objective in OBJECTIVES:
        assert objective in text
    assert "Figure 10" in text


def test_the_russian_pdf_has_russian_headings(issue6):
    text = _pdf_text(newsletter_pdf(issue6, language="ru"))

    with translation.override("ru"):
        headings = [
            gettext("Thematic activities in focus"),
            gettext("Featured story"),
            gettext("Follow us"),
            gettext("Newsletter"),
        ]
    assert all(CYRILLIC.search(heading) for heading in headings), headings
    for heading in headings:
        assert _words(heading).upper() in text.upper()
    assert "21\u00a0650\u00a0050" in text or "21 650 050" in text
    assert "Развитие трансграничного сотрудничества" in text
