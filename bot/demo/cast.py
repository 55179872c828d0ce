"""Who is in the demo: three women (choose one on the page), staff in the staff group,
an outsider; more new women on demand."""

from __future__ import annotations

from dataclasses import dataclass

from bot.standin import FakeTelegram

STAFF_CHAT_ID = -1001000000777
STAFF_GROUP_TITLE = "OMM equipo (demo)"
ADMIN_ID = 700001
OUTSIDER_ID = 700009
NEW_WOMEN_FROM = 100101


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    role: str  # "woman", "staff", "outsider"
    label: str  # as the page's selectors show it
    language_code: str | None


WOMEN = (
    Person(100001, "Ana", "woman", "Ana · habla español (Spanish-speaking)", "es"),
    Person(100002, "Grace", "woman", "Grace · speaks English (habla inglés)", "en"),
    Person(100003, "Rosa", "woman", "Rosa · nueva (a new woman)", None),
)
STAFF = Person(ADMIN_ID, "Lucía", "staff", "Lucía · administradora (admin)", "es")
OUTSIDER = Person(OUTSIDER_ID, "Pedro", "outsider", "Pedro · ajeno (outsider)", "es")


class Cast:
    """The people of the demo, as the stand-in knows them."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.people: dict[int, Person] = {}
        self._next_woman = NEW_WOMEN_FROM

    def set_up(self) -> None:
        self.fake.add_group(STAFF_CHAT_ID, STAFF_GROUP_TITLE, bot_is_admin=True)
        for person in (*WOMEN, STAFF, OUTSIDER):
            self._add(person)
        self.fake.set_member_status(STAFF_CHAT_ID, ADMIN_ID, "administrator")
        self.fake.set_member_status(STAFF_CHAT_ID, OUTSIDER_ID, "member")

    def _add(self, person: Person) -> None:
        self.fake.add_user(
            person.user_id, first_name=person.name, language_code=person.language_code
        )
        self.people[person.user_id] = person

    def new_woman(self) -> Person:
        """One more woman who never wrote to the bot (to try a journey again from the start)."""
        number = self._next_woman - NEW_WOMEN_FROM + 2
        person = Person(
            self._next_woman, f"Nueva {number}", "woman", f"Nueva {number} (new woman)", "es"
        )
        self._next_woman += 1
        self._add(person)
        return person

    def women(self) -> list[Person]:
        return [p for p in self.people.values() if p.role == "woman"]

    def may_write(self, user_id: int, chat_id: int) -> bool:
        """Women write in their own chat; staff and the outsider in theirs or the group."""
        person = self.people.get(user_id)
        if person is None:
            return False
        return chat_id == user_id or (person.role != "woman" and chat_id == STAFF_CHAT_ID)
