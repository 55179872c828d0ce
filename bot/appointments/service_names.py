"""Staff name a service the way the office talks: by its label, in any of the bot's
languages, accents and capitals optional ("orientacion", "Apoyo psicológico"), or by
one word of its label that no other service shares ("legal"). The key still works."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from bot.office import AppointmentService

# Words too short to name a service on their own ("y", "de").
MIN_WORD = 4


def plain(text: str) -> str:
    """Lower case, without accents or symbols: "Orientación" → "orientacion"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if c.isalnum() or c.isspace() or c == "_")
    return " ".join(kept.replace("_", " ").split())


def _names(service: AppointmentService) -> set[str]:
    return {plain(service.key)} | {plain(label) for label in service.labels.values()}


def _words(service: AppointmentService) -> set[str]:
    return {
        word
        for label in service.labels.values()
        for word in plain(label).split()
        if len(word) >= MIN_WORD
    }


def _label_starts_with(service: AppointmentService, phrase: str) -> bool:
    return any(plain(label).startswith(phrase + " ") for label in service.labels.values())


def _by_word(services: Sequence[AppointmentService], word: str) -> AppointmentService | None:
    found = [s for s in services if word in _words(s)]
    return found[0] if len(found) == 1 else None


def find_service(
    services: Sequence[AppointmentService], words: Sequence[str]
) -> tuple[AppointmentService, int] | None:
    """The service the first words name, and how many words that took; None if none."""
    for taken in range(len(words), 0, -1):
        phrase = plain(" ".join(words[:taken]))
        for service in services:
            if phrase in _names(service):
                return service, taken
        # The first words of a label ("trabajo social" for "Trabajo social y ayudas").
        starting = [s for s in services if _label_starts_with(s, phrase)]
        if len(phrase) >= MIN_WORD and len(starting) == 1:
            return starting[0], taken
    by_word = _by_word(services, plain(words[0])) if words else None
    return (by_word, 1) if by_word is not None else None


def short_name(service: AppointmentService, services: Sequence[AppointmentService]) -> str:
    """One word that names this service alone, for examples ("orientacion")."""
    # The longest such word says most: "psicologico" rather than "apoyo".
    for word in sorted(plain(service.label("es")).split(), key=len, reverse=True):
        if len(word) >= MIN_WORD and _by_word(services, word) is service:
            return word
    return service.key
