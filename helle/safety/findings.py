"""What a detector reports: labelled spans of the original text with a score and a reason."""

from dataclasses import dataclass
from enum import StrEnum


class Label(StrEnum):
    CONTACT = "contact"  # phone, e-mail, URL, handle, invitation to another app
    PERSONAL_DATA = "personal_data"  # CPR number, street address, school with a full name
    CRISIS = "crisis"  # the writer: suicidal thoughts, self-harm, plan, method, time, goodbye
    CONCERN = "concern_for_other"  # the writer worries about someone else in crisis
    HARASSMENT = "harassment"  # insults, threats, slurs, hate
    GROOMING = "grooming"  # secrecy, moving apps, photos, age/location, gifts, sexual talk
    SPAM = "spam"  # links, repetition, flooding


class Severity:
    LOW = 1
    MEDIUM = 2
    HIGH = 3


@dataclass(frozen=True)
class Finding:
    label: Label
    start: int  # in the original text
    end: int
    score: float  # 0..1, how sure the detector is
    reason: str  # short, for moderators: "phone number written as words"
    kind: str = ""  # finer type: "phone", "email", "plan", "method", "insult" ...
    severity: int = Severity.MEDIUM

    def overlaps(self, other: "Finding") -> bool:
        return self.start < other.end and other.start < self.end
