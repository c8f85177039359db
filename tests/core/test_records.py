"""Helpers of the services that write records."""

from __future__ import annotations

from bomca.accounts.models import AuditEvent
from bomca.core.records import record_maker
from bomca.people.models import Participant

# Records made for the bulk paths, without Model.__init__


def test_a_made_record_equals_one_made_by_the_model(db):
    make = record_maker(Participant)
    values = {"full_name": "Synthetic Person 1", "name_key": "synthetic person 1", "country_id": 7}

    made, usual = make(values), Participant(**values)

    fields = [field.attname for field in Participant._meta.concrete_fields]
    assert [getattr(made, name) for name in fields] == [getattr(usual, name) for name in fields]
    assert made._state.adding
    assert made._state.db is None
    assert made.pk is None


def test_made_records_do_not_share_a_callable_default():
    make = record_maker(AuditEvent)

    first, second = make({}), make({})

    assert first.detail == second.detail == {}
    assert first.detail is not second.detail
