"""Every (from, to) pair of statuses, with whether the table allows it: the cases the service,
the form and the command line are each tested on."""

from __future__ import annotations

from dataclasses import dataclass

from bomca.procurement.models import OPEN_STEPS, NeedStatus
from bomca.procurement.services import NOTE_REQUIRED, status_label

S = NeedStatus

#: What may follow each status, written out again by hand: the table in the services must say
#: the same, and the tests read this one.
EXPECTED = {
    S.IDENTIFIED: {S.SPECIFIED, S.ON_HOLD, S.CANCELLED},
    S.SPECIFIED: {S.TENDERED, S.ON_HOLD, S.CANCELLED},
    S.TENDERED: {S.EVALUATED, S.ON_HOLD, S.CANCELLED},
    S.EVALUATED: {S.CONTRACTED, S.ON_HOLD, S.CANCELLED},
    S.CONTRACTED: {S.DELIVERED, S.ON_HOLD, S.CANCELLED},
    S.DELIVERED: {S.HANDED_OVER, S.ON_HOLD, S.CANCELLED},
    S.HANDED_OVER: set(),
    S.CANCELLED: set(),
}


@dataclass(frozen=True)
class Case:
    source: str
    target: str
    held_at: str = ""

    @property
    def allowed(self) -> bool:
        if self.source == S.ON_HOLD:
            return self.target == self.held_at
        return self.target in EXPECTED[self.source]

    @property
    def note(self) -> str:
        return "Synthetic reason." if self.target in NOTE_REQUIRED else ""

    @property
    def refusal(self) -> str:
        """The start of the message a refusal gives: it names both statuses."""
        return f"from {status_label(self.source)} to {status_label(self.target)}:"

    def __str__(self) -> str:
        held = f"[{self.held_at}]" if self.held_at else ""
        verdict = "allowed" if self.allowed else "refused"
        return f"{self.source}{held}->{self.target}:{verdict}"


CASES = [
    Case(source, target) for source in S.values if source != S.ON_HOLD for target in S.values
] + [Case(S.ON_HOLD, target, held_at) for held_at in OPEN_STEPS for target in S.values]
ALLOWED = [case for case in CASES if case.allowed]
REFUSED = [case for case in CASES if not case.allowed]
