"""Crisis lines by country: what ``resources`` shows a group.

Lines follow the group's **country** (the ``country`` setting, or the territory of its time zone),
never its language: a French-speaking group in Montréal must not be sent to numbers that only work
in France.  Cercle ships lines only for countries whose numbers were checked against a published
source (cited beside each number); elsewhere it gives the emergency number (112 when it knows no
other) and says that the lines of the country can be added in the bot's configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from babel.core import get_global

DEFAULT_EMERGENCY = "112"
"""The European emergency number, also routed to local services by most mobile networks abroad."""


@dataclass(frozen=True, slots=True)
class CountryLines:
    """The crisis lines of one country, per group language, and its emergency number."""

    emergency: str | None = None
    lines: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Resources:
    """What the operator configured (``[resources]``), on top of the shipped lines."""

    countries: Mapping[str, CountryLines] = field(default_factory=dict)
    """Per ISO 3166 country code (``[resources.CA]``)."""
    by_language: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The old per-language lists (``[resources] fr = [...]``): shown only where Cercle knows no
    line for the group's country, so they can never send a group to another country's lines."""


@dataclass(frozen=True, slots=True)
class Found:
    """The answer for one group: its lines (empty when unknown) and the number to call in danger."""

    country: str | None
    emergency: str
    lines: tuple[str, ...]


SHIPPED: Mapping[str, CountryLines] = {
    "FR": CountryLines(
        # 112 in every EU country: blog.alertswiss.ch/fr/rubrique/nouvelles-de-lofpp/
        # journee-europeenne-du-numero-durgence-112
        emergency="112",
        lines={
            "fr": (
                # 3114: www.service-public.fr/particuliers/actualites/A15206
                "3114 — numéro national de prévention du suicide, gratuit, 24 h/24 et 7 j/7",
                # SOS Amitié: www.francetvinfo.fr (SOS Amitié pendant les fêtes, 2021-12)
                "SOS Amitié — 09 72 39 40 50, écoute anonyme 24 h/24",
            ),
            "en": (
                "3114 — national suicide-prevention line, free, 24/7",
                "SOS Amitié — 09 72 39 40 50, anonymous listening line, 24/7 (in French)",
            ),
        },
    ),
    "BE": CountryLines(
        # 112 and the three lines: www.brusselstimes.com/belgium/1952875 (Centre de Prévention du
        # Suicide: 0800 32 123 in French, 1813 in Dutch, 02 648 40 14 in English; 112 in danger)
        emergency="112",
        lines={
            "fr": (
                "Centre de Prévention du Suicide — 0800 32 123, gratuit et anonyme, 24 h/24",
                "Zelfmoordlijn (en néerlandais) — 1813",
            ),
            "en": (
                "Suicide prevention line in English — 02 648 40 14",
                "Centre de Prévention du Suicide (French) — 0800 32 123, free, 24/7",
                "Zelfmoordlijn (Dutch) — 1813",
            ),
        },
    ),
    "CH": CountryLines(
        # 112, 143 and 144: ch.ch/en/road-accident-what-should-i-do (table of emergency numbers)
        emergency="144",
        lines={
            "fr": (
                "La Main Tendue — 143, écoute anonyme 24 h/24",
                "Urgences sanitaires — 144 (ou 112)",
            ),
            "en": (
                "La Main Tendue (Helping Hand) — 143, anonymous listening line, 24/7",
                "Ambulance — 144 (or 112)",
            ),
        },
    ),
    "LU": CountryLines(
        # 112: www.lessentiel.lu (Journée européenne du 112); 45 45 45: www.tageblatt.lu
        # (SOS Détresse, « Die Rufnummer 45 45 45 »)
        emergency="112",
        lines={
            "fr": ("SOS Détresse — 45 45 45, écoute anonyme (aussi en anglais)",),
            "en": ("SOS Détresse — 45 45 45, anonymous listening line (English spoken)",),
        },
    ),
    "CA": CountryLines(
        # 911: lifeunscripted.ca/9-8-8-a-new-canada-wide-suicide-help-line ("does not replace 911")
        emergency="911",
        lines={
            "fr": (
                # 9-8-8: www.napaneebeaver.ca (9-8-8 available in English and French, 24/7)
                "9-8-8 — ligne d'aide en cas de crise suicidaire, appel ou texto, 24 h/24",
                # 1 866 APPELLE: www.newswire.ca (ligne provinciale 1 866 APPELLE (277-3553))
                "Au Québec : 1 866 APPELLE (1 866 277-3553), prévention du suicide, 24 h/24",
            ),
            "en": (
                "9-8-8 Suicide Crisis Helpline — call or text 988, 24/7",
                "In Québec: 1-866-APPELLE (1-866-277-3553), suicide prevention, 24/7",
            ),
        },
    ),
    "GB": CountryLines(
        # 999: de.qwe.wiki/wiki/999_(emergency_telephone_number) (official number of the UK)
        emergency="999",
        lines={
            # 116 123: www.samaritans.org/how-we-can-help/contact-samaritan
            "en": ("Samaritans — 116 123, free, 24/7",),
            "fr": ("Samaritans (en anglais) — 116 123, gratuit, 24 h/24",),
        },
    ),
    "IE": CountryLines(
        # 112 and 999 both answer in Ireland: de.qwe.wiki/wiki/999_(emergency_telephone_number)
        emergency="112",
        lines={
            # 116 123: www.irishexaminer.com (Samaritans free helpline 116 123 in Ireland);
            # 1800 247 247: avondhupress.ie (Pieta's free 24-hour national helpline)
            "en": (
                "Samaritans — 116 123, free, 24/7",
                "Pieta — 1800 247 247, free, 24/7",
            ),
            "fr": (
                "Samaritans (en anglais) — 116 123, gratuit, 24 h/24",
                "Pieta (en anglais) — 1800 247 247, gratuit, 24 h/24",
            ),
        },
    ),
    "US": CountryLines(
        # 911 and 988: health.wyo.gov (988 Suicide & Crisis Lifeline; in immediate danger call 911);
        # English and Spanish: www.mcphs.edu (988 "live crisis center phone services in English
        # and Spanish")
        emergency="911",
        lines={
            "en": ("988 Suicide & Crisis Lifeline — call or text 988, 24/7",),
            "fr": (
                "988 Suicide & Crisis Lifeline (en anglais et en espagnol) — appel ou texto 988",
            ),
        },
    ),
    "AU": CountryLines(
        # 13 11 14 and 000: lifelineh2h.org.au/get-help/telephone-crisis-support/faqs
        emergency="000",
        lines={
            "en": ("Lifeline — 13 11 14, 24/7",),
            "fr": ("Lifeline (en anglais) — 13 11 14, 24 h/24",),
        },
    ),
    "NZ": CountryLines(
        # 1737 and 111: www.voxy.co.nz/national/5/361737 ("Call or text 1737 … 111 in an emergency")
        emergency="111",
        lines={
            "en": ("Need to talk? — call or text 1737, free, 24/7",),
            "fr": ("Need to talk? (en anglais) — appel ou texto 1737, gratuit, 24 h/24",),
        },
    ),
}
"""Shipped crisis lines: only numbers cited from a published page (see the comments)."""


def country_of_zone(timezone: str) -> str | None:
    """The territory an IANA time zone belongs to (``America/Montreal`` → ``CA``), per Babel's
    CLDR data; ``None`` for zones of no country (``UTC``)."""
    aliases: Mapping[str, str] = get_global("zone_aliases")
    territories: Mapping[str, str] = get_global("zone_territories")
    territory = territories.get(aliases.get(timezone, timezone))
    if territory is None or len(territory) != 2 or not territory.isalpha() or territory == "ZZ":
        return None
    return territory


def lines_for(resources: Resources, country: str | None, language: str) -> Found:
    """The crisis lines to show a group of ``country`` speaking ``language``."""
    configured = resources.countries.get(country) if country else None
    shipped = SHIPPED.get(country) if country else None
    emergency = (
        (configured.emergency if configured else None)
        or (shipped.emergency if shipped else None)
        or DEFAULT_EMERGENCY
    )
    for source in (configured, shipped):
        if source is not None:
            # the group's language first, else the lines the operator wrote in another one
            lines = source.lines.get(language) or next(iter(source.lines.values()), ())
            if lines:
                return Found(country, emergency, tuple(lines))
    return Found(country, emergency, tuple(resources.by_language.get(language, ())))
