"""Street addresses in free text, for the scrubber (``[ADDRESS]``).

Regular expressions, one per way of writing an address, so the same text always scrubs
the same way. A match needs both a house number and a street word (``Street``, ``rue``,
``Straße``, ``路``...), so a number next to an ordinary word ("5 miles down the road")
stays. The city, state and postal code that follow a street on the same line go with it
("1600 Amphitheatre Parkway, Mountain View, CA 94043" is one ``[ADDRESS]``).

Forms handled (the test table in ``tests/test_scrub.py`` has one row or more per form):

- English (US, UK, Canada, Australia): number, capitalised street name, street type
  (``Street``, ``St.``, ``Parkway``...), optional unit (``Apt 4B``); ``P.O. Box 123``.
- German, Dutch, Scandinavian: ``Hauptstraße 5``, ``Berliner Str. 12a``, ``Damstraat 12``,
  ``Drottninggatan 7``; a postal code and city after a comma.
- French, Spanish, Italian, Portuguese, Catalan: ``12 rue de Rivoli``, ``Calle de Alcalá,
  45``, ``Via Roma 12``, ``Rua Augusta, 100``, ``Av. Corrientes 1234``.
- Russian: ``ул. Тверская, д. 7``, ``Невский проспект, 28``.
- Chinese: ``建国路88号``; Japanese: ``千代田1-1``, ``1丁目2番3号``, ``〒100-0001``;
  Korean road names: ``테헤란로 152``.
"""

from __future__ import annotations

import re

__all__ = ["ADDRESS", "scrub_addresses"]

ADDRESS = "[ADDRESS]"

# "221B", "12a", "10-12"; not "1990s".
_NUMBER = r"\d{1,6}[A-Ra-rT-Zt-z]?(?:[-/]\d{1,6}[A-Za-z]?)?"
_CAP = r"(?:[A-Z][\w'’.-]*|\d{1,3}(?:st|nd|rd|th))"
_EN_TYPES = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|"
    "Parkway|Pkwy|Way|Terrace|Ter|Highway|Hwy|Circle|Cir|Square|Sq|Crescent|Cres|Close|"
    "Grove|Gardens|Row|Trail|Trl|Alley|Plaza|Mews|Walk|Broadway|Expressway|Freeway|Pike|"
    "Turnpike|Esplanade|Parade|Hill|Loop"
)
_UNIT = r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|#)\.?\s*#?\w{1,6})"
_US_ZIP = r"(?:,?\s+\d{5}(?:-\d{4})?)"
_UK_POSTCODE = r"(?:,?\s+[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})"
_CA_POSTCODE = r"(?:,?\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d)"
# ", Mountain View" / ", London SW1A 2AA" / ", Springfield, IL 62704": capitalised words
# after a comma, then a state, ZIP or postcode.
_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"  # letters only: a postcode is not a city
_EN_TAIL = (
    rf"(?:,\s+(?=[A-Z]){_WORD}(?:\s+(?=[A-Z]){_WORD}){{0,2}})?"
    rf"(?:,?\s+[A-Z]{{2}}(?=[\s,.;:!?)]|$))?"
    rf"(?:{_US_ZIP}|{_UK_POSTCODE}|{_CA_POSTCODE})?(?![\w])"
)
_ENGLISH = re.compile(
    rf"(?<![\w.,/-]){_NUMBER},?\s+(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s+)?"
    rf"{_CAP}(?:\s+{_CAP}){{0,3}}\s+(?i:{_EN_TYPES})\b\.?{_UNIT}?{_EN_TAIL}"
)
_PO_BOX = re.compile(r"(?i)\bP\.?\s?O\.?\s?Box\s+\d{1,8}\b")

# German, Dutch, Scandinavian: the street type ends the name (Hauptstraße), or follows
# it as a word (Berliner Straße); the number comes after. Then ", 10117 Berlin".
_GERMANIC_SUFFIX = (
    "straße|strasse|str\\.|weg|gasse|platz|allee|damm|ufer|chaussee|"
    "straat|laan|plein|gracht|kade|singel|"
    "gatan|vägen|gränd|torget|gade|vej|veien|gata"
)
_GERMANIC_WORD = "Straße|Strasse|Str\\.|Weg|Gasse|Platz|Allee|Ring|Damm|Ufer|Chaussee"
_POSTCODE_CITY = r"(?:,?\s+(?:[A-Z]{1,2}-)?\d{4,5}(?:\s?[A-Z]{2})?\s+[A-ZÄÖÜ][\w-]*)?"
_GERMANIC = re.compile(
    rf"(?<![\w-])(?:[A-ZÄÖÜÅÆØ][\w'-]*(?:{_GERMANIC_SUFFIX})|"
    rf"[A-ZÄÖÜ][\w'-]*\s+(?:{_GERMANIC_WORD}))"
    rf"\s+\d{{1,4}}(?:\s?[a-zA-Z](?![\w]))?(?:[-/]\d{{1,4}})?(?!\w){_POSTCODE_CITY}"
)

# Romance languages: the street type comes first. "12 rue de Rivoli" (French: number
# first) or "Via Roma 12", "Calle de Alcalá, 45", "Rua Augusta, nº 100" (number after).
_ROMANCE_TYPES = (
    "rue|avenue|av\\.|boulevard|bd\\.?|chemin|allée|allee|impasse|quai|"
    "calle|c/|avenida|avda\\.?|paseo|travesía|carrer|passeig|"
    "viale|piazza|vicolo|piazzale|"
    "rua|travessa|praça|estrada|alameda|rodovia"
)
# Types that are also English words ("via", "place", "route"): capitalised only.
_ROMANCE_CAPITAL = "Via|VIA|Place|Route|Cours|Passage|Plaza|Carrera|Camino|Ronda|Corso|Largo"
_PARTICLE = r"(?:de|del|della|delle|dei|degli|di|da|do|dos|das|du|des|la|le|les|el|l'|d')"
_ROMANCE_NAME = (
    rf"(?:{_PARTICLE}\s*)*[A-ZÀ-Ý][\w'’-]*"
    rf"(?:\s+(?:{_PARTICLE}\s*)*[A-ZÀ-Ý\d][\w'’-]*){{0,4}}"
)
_ROMANCE_NUMBER = (
    r"(?:n\.?\s?º|nº|n°|no\.?|núm\.?|num\.?|n\.)?\s?\d{1,5}(?:\s?(?:bis|ter))?[A-Za-z]?"
)
_ROMANCE_TAIL = r"(?:,?\s+\d{4,5}(?:-\d{3})?\s+[A-ZÀ-Ý][\w'’-]*(?:\s+[A-ZÀ-Ý][\w'’-]*)?)?"
_ROMANCE_AFTER = re.compile(
    rf"(?<![\w/])(?:(?i:{_ROMANCE_TYPES})|{_ROMANCE_CAPITAL})\s+{_ROMANCE_NAME},?\s*{_ROMANCE_NUMBER}(?!\w)"
    rf"{_ROMANCE_TAIL}"
)
_ROMANCE_BEFORE = re.compile(
    rf"(?<![\w.,/-])\d{{1,5}}(?:\s?(?:bis|ter))?,?\s+(?i:{_ROMANCE_TYPES}|{_ROMANCE_CAPITAL})"
    rf"\s+{_ROMANCE_NAME}"
    rf"{_ROMANCE_TAIL}"
)

# Russian: "ул. Тверская, д. 7", "улица Ленина 5", "Невский проспект, 28".
_RU_TYPES = (
    "улица|ул\\.|проспект|пр-т|просп\\.|переулок|пер\\.|шоссе|ш\\.|бульвар|б-р|"
    "площадь|пл\\.|набережная|наб\\.|проезд|пр-д"
)
_RU_NAME = r"[А-ЯЁ][а-яё-]*(?:\s+[А-ЯЁ][а-яё-]*){0,2}"
_RU_HOUSE = (
    r",?\s*(?:(?:дом|д\.)\s*)?\d{1,4}[а-я]?"
    r"(?:\s*(?:,\s*)?(?:кв\.|квартира|корп\.|стр\.)\s*\d{1,4})*"
)
_RUSSIAN = re.compile(
    rf"(?i:(?<!\w)(?:{_RU_TYPES}))\s*{_RU_NAME}{_RU_HOUSE}(?!\w)"
    rf"|(?<!\w){_RU_NAME}\s+(?i:{_RU_TYPES}){_RU_HOUSE}(?!\w)"
)

# Chinese: a road and a house number (建国路88号), with the district and city before it.
_HAN = r"\u4e00-\u9fff"
_DIGITS = r"0-9０-９"
_CHINESE = re.compile(
    rf"[{_HAN}]{{0,12}}(?:路|街|大道|大街|巷|弄|胡同)"
    rf"[{_DIGITS}一二三四五六七八九十百零〇]{{1,6}}(?:号|號)"
    rf"(?:[{_DIGITS}]{{1,5}}(?:室|楼|樓|层|層))*"
)
# Japanese: a block number (千代田1-1, 1丁目2番3号) after the place name, and postcodes.
_KANA = r"\u3040-\u30ff"
_JAPANESE = re.compile(
    rf"(?:〒\s?\d{{3}}-?\d{{4}}\s*)?[{_HAN}{_KANA}]{{0,8}}(?:都|道|府|県|市|区|町|村)[{_HAN}{_KANA}]{{0,8}}"
    rf"[{_DIGITS}]{{1,4}}(?:丁目|[-－‐ー])[{_DIGITS}]{{1,4}}(?:(?:番地?|[-－‐ー])[{_DIGITS}]{{1,4}}号?)?"
    rf"|〒\s?\d{{3}}-?\d{{4}}"
)
# Korean road-name addresses: 테헤란로 152, 세종대로 110, 성수이로7길 15.
_KOREAN = re.compile(
    r"(?:[\uac00-\ud7a3]{1,8}(?:시|도|구|군)\s+)*[\uac00-\ud7a3\d]{1,10}(?:대로|로|길)"
    r"\s?\d{1,4}(?:-\d{1,4})?(?![\d\uac00-\ud7a3])"
)

# Order matters where forms overlap: the longer, tail-carrying forms go first.
_PATTERNS = (
    _PO_BOX,
    _ENGLISH,
    _ROMANCE_BEFORE,
    _ROMANCE_AFTER,
    _GERMANIC,
    _RUSSIAN,
    _CHINESE,
    _JAPANESE,
    _KOREAN,
)


def scrub_addresses(text: str) -> str:
    """Replace each street address in ``text`` by ``[ADDRESS]``."""
    for pattern in _PATTERNS:
        text = pattern.sub(ADDRESS, text)
    return text
