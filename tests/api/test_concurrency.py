"""Reading the version an If-Match header names, for any kind of record."""

from __future__ import annotations

import pytest

from bomca.api.concurrency import PreconditionRequired, etag, required_version, version_in
from bomca.core.records import StaleRecord


def test_an_etag_names_kind_key_and_version():
    assert etag("grant-project", "G-2023-01", 3) == '"grant-project-G-2023-01-v3"'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"grant-project-G-2023-01-v3"', 3),
        ('W/"grant-project-G-2023-01-v3"', 3),  # weakened by a proxy
        ('"need-KG-2023-01-v1", "grant-project-G-2023-01-v12"', 12),
        ('"grant-project-G-2023-02-v3"', 0),  # another project
        ('"project-G-2023-01-v3"', 0),  # another kind
        ('"grant-project-G-2023-01"', 0),  # no version
        ("*", None),
        ("", None),
        (None, None),
    ],
)
def test_the_version_in_if_match(header, expected):
    assert version_in(header, kind="grant-project", key="G-2023-01") == expected


def test_a_key_that_itself_ends_like_a_version_is_read_whole():
    assert version_in('"activity-X-v1-v7"', kind="activity", key="X-v1") == 7


def test_no_if_match_is_428_and_another_record_s_tag_is_412():
    with pytest.raises(PreconditionRequired) as missing:
        required_version(None, kind="need", key="KG-1", noun="the need")
    assert missing.value.field == "If-Match"
    with pytest.raises(StaleRecord) as other:
        required_version('"need-KG-2-v1"', kind="need", key="KG-1", noun="the need")
    assert "the need" in other.value.message
    assert required_version('"need-KG-1-v4"', kind="need", key="KG-1", noun="the need") == 4
