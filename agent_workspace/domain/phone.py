"""Phone number normalisation to E.164, with reasons a human can act on.

Agents type numbers in whatever notation the customer gave them, so parsing is lenient about
notation and strict about the result: only a valid number that can receive SMS is accepted.

Which number types count as mobile-capable:

* ``MOBILE`` and ``FIXED_LINE_OR_MOBILE`` are accepted. The latter is what the metadata says for
  whole numbering plans (US, CA, parts of MX and IN) where the kind cannot be told from the
  digits; refusing them would refuse every North American mobile.
* ``PAGER`` is refused: pagers take one-way pages, cannot reply and are not SMS handsets.
* Every other type (fixed line, toll-free, premium rate, shared cost, VoIP, personal,
  UAN, voicemail) is refused with the kind named in words.
"""

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from phonenumbers import (
    NumberParseException,
    PhoneNumber,
    PhoneNumberFormat,
    ValidationResult,
    geocoder,
)
from phonenumbers import PhoneNumberType as NumberType

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# "00" is the IDD of most of the world; people type it even where the local one differs.
_DOUBLE_ZERO_PREFIX = re.compile(r"\s*00[\s.\-]*(?=[1-9])")
_NON_GEOGRAPHIC = "001"

MOBILE_CAPABLE_TYPES = frozenset({NumberType.MOBILE, NumberType.FIXED_LINE_OR_MOBILE})

_TYPE_WORDS: dict[int, str] = {
    NumberType.FIXED_LINE: "a landline (fixed-line) number",
    NumberType.TOLL_FREE: "a toll-free number",
    NumberType.PREMIUM_RATE: "a premium-rate number",
    NumberType.SHARED_COST: "a shared-cost number",
    NumberType.VOIP: "an internet (VoIP) number",
    NumberType.PERSONAL_NUMBER: "a personal (follow-me) number",
    NumberType.PAGER: "a pager number",
    NumberType.UAN: "a company (universal access) number",
    NumberType.VOICEMAIL: "a voicemail access number",
}

# What a number that cannot take SMS is, in a word or two (a badge, a To option's reason).
_TYPE_NAMES: dict[int, str] = {
    NumberType.FIXED_LINE: "landline",
    NumberType.TOLL_FREE: "toll-free",
    NumberType.PREMIUM_RATE: "premium-rate",
    NumberType.SHARED_COST: "shared-cost",
    NumberType.VOIP: "VoIP",
    NumberType.PERSONAL_NUMBER: "personal (follow-me)",
    NumberType.PAGER: "pager",
    NumberType.UAN: "company (universal access)",
    NumberType.VOICEMAIL: "voicemail access",
}


class PhoneProblem(StrEnum):
    """Why a typed number was refused, so callers can react without parsing messages."""

    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    NOT_MOBILE = "not_mobile"
    EXTENSION = "extension"
    UNKNOWN_REGION = "unknown_region"


@dataclass(frozen=True)
class PhoneOk:
    """A number that can be stored and sent to.

    Attributes:
        e164: Canonical form, the only form stored or given to the provider.
        region: ISO 3166 region of the number ("001" for non-geographic numbers).
        display: International format for people, e.g. "+1 415-555-0100".
    """

    e164: str
    region: str
    display: str


@dataclass(frozen=True)
class PhoneRejected:
    """A number that was refused, with a sentence the agent can act on."""

    problem: PhoneProblem
    message: str


def is_e164(text: str) -> bool:
    """Tell whether text is syntactically E.164, e.g. before trusting a stored value.

    ASCII digits only: ``\\d`` would also admit other scripts' digits.
    """
    return _E164.fullmatch(text) is not None


def country_of(e164: str) -> str | None:
    """The country (ISO 3166 alpha-2) a number belongs to, e.g. "US"; None when it is no valid
    number or belongs to none (a non-geographic "+800" number)."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except NumberParseException:
        return None
    return region if region and region in phonenumbers.SUPPORTED_REGIONS else None


def non_mobile_kind(e164: str) -> str | None:
    """What a valid stored number is when it cannot take SMS, e.g. "landline"; None when it can
    (or is no valid number: parse_phone says why)."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    if kind in MOBILE_CAPABLE_TYPES:
        return None
    return _TYPE_NAMES.get(kind, "not a mobile")


def display_phone(e164: str) -> str:
    """Format a stored number for people; unparsable input is shown unchanged, never hidden."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def parse_phone(
    text: str, *, default_region: str, require_mobile: bool = True
) -> PhoneOk | PhoneRejected:
    """Normalise a number typed in any common notation to E.164.

    Args:
        text: What the agent typed or what was stored.
        default_region: Region assumed when the text has no international prefix; an
            unsupported region means every number must carry its country code.
        require_mobile: False for provider (sender) numbers, which need only be valid.

    Returns:
        PhoneOk, or PhoneRejected naming the problem in words.
    """
    shown = text.strip()
    if not shown:
        return PhoneRejected(PhoneProblem.EMPTY, "Enter a phone number.")
    region = default_region.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        region = "ZZ"
    try:
        number = _parse(shown, region)
    except NumberParseException as error:
        return _parse_failure(shown, error, region)
    return _judge(shown, number, region, require_mobile=require_mobile)


def _parse(text: str, region: str) -> PhoneNumber:
    """Parse, reading a leading "00" as "+" when the region's own reading is not valid."""
    match = _DOUBLE_ZERO_PREFIX.match(text)
    if match is None:
        return phonenumbers.parse(text, region)
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number):
        return number
    return phonenumbers.parse("+" + text[match.end() :], region)


def _parse_failure(shown: str, error: NumberParseException, region: str) -> PhoneRejected:
    kind = error.error_type
    if kind == NumberParseException.INVALID_COUNTRY_CODE:
        if shown.startswith("+") or region != "ZZ":
            message = f"{shown} does not start with a known country code."
        else:
            message = f"{shown} has no country code; start it with + and the country code."
        return PhoneRejected(PhoneProblem.UNKNOWN_REGION, message)
    if kind == NumberParseException.TOO_LONG:
        return PhoneRejected(PhoneProblem.TOO_LONG, f"{shown} is too long to be a phone number.")
    if kind in (
        NumberParseException.TOO_SHORT_NSN,
        NumberParseException.TOO_SHORT_AFTER_IDD,
    ):
        return PhoneRejected(PhoneProblem.TOO_SHORT, f"{shown} is too short to be a phone number.")
    return PhoneRejected(PhoneProblem.NOT_A_NUMBER, f"{shown} does not look like a phone number.")


def _judge(
    shown: str, number: PhoneNumber, region: str, *, require_mobile: bool
) -> PhoneOk | PhoneRejected:
    """Check an already parsed number; the order makes the first message the most useful."""
    if number.extension:
        return PhoneRejected(
            PhoneProblem.EXTENSION,
            f"{shown} has an extension; SMS numbers cannot have an extension.",
        )
    scope = _scope(number, region)
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        return PhoneRejected(
            PhoneProblem.UNKNOWN_REGION,
            f"{shown} does not start with a known country code.",
        )
    if reason == ValidationResult.TOO_SHORT:
        return PhoneRejected(
            PhoneProblem.TOO_SHORT, f"{shown} is too short for a number in {scope}."
        )
    if reason == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        return PhoneRejected(
            PhoneProblem.TOO_SHORT,
            f"{shown} is too short for a number in {scope}; is the area code missing?",
        )
    if reason == ValidationResult.TOO_LONG:
        return PhoneRejected(PhoneProblem.TOO_LONG, f"{shown} is too long for a number in {scope}.")
    if reason == ValidationResult.INVALID_LENGTH:
        return PhoneRejected(
            PhoneProblem.INVALID,
            f"{shown} has the wrong number of digits for a number in {scope}.",
        )
    if not phonenumbers.is_valid_number(number):
        return PhoneRejected(PhoneProblem.INVALID, f"{shown} is not a valid number in {scope}.")
    display = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    number_type = phonenumbers.number_type(number)
    if require_mobile and number_type not in MOBILE_CAPABLE_TYPES:
        kind = _TYPE_WORDS.get(number_type, "not a mobile number")
        return PhoneRejected(
            PhoneProblem.NOT_MOBILE, f"{display} is {kind} and cannot receive SMS."
        )
    return PhoneOk(
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        region=phonenumbers.region_code_for_number(number) or _NON_GEOGRAPHIC,
        display=display,
    )


def _scope(number: PhoneNumber, region: str) -> str:
    """Name the numbering plan a message refers to, e.g. "US (+1)".

    The default region wins when it shares the country code, so a Canadian workspace hears
    about CA numbers rather than the plan's main region.
    """
    code = number.country_code or 0
    if region != "ZZ" and phonenumbers.country_code_for_region(region) == code:
        name = region
    else:
        name = phonenumbers.region_code_for_country_code(code)
    if name in (_NON_GEOGRAPHIC, "ZZ"):
        return f"the +{code} range"
    return f"{name} (+{code})"


@dataclass(frozen=True)
class PhoneReading:
    """A typed number as read, and which country was assumed for it (None: it had its own
    country code, or it could not be read)."""

    result: PhoneOk | PhoneRejected
    assumed_region: str | None

    @property
    def assumed_country(self) -> str:
        return region_name(self.assumed_region) if self.assumed_region else ""


@dataclass(frozen=True)
class OtherNumber:
    """What the composer says of the number typed in Other: the E.164 Send will use and the
    country it was read in, or why it cannot be used (all "" while nothing is typed)."""

    e164: str = ""
    country: str = ""
    problem: str = ""


def read_other(text: str, *, person_region: str | None, default_region: str) -> OtherNumber:
    """Other as the composer shows it, read as Send reads it (read_typed_number)."""
    if not text.strip():
        return OtherNumber()
    reading = read_typed_number(text, person_region=person_region, default_region=default_region)
    if isinstance(reading.result, PhoneOk):
        return OtherNumber(reading.result.e164, reading.assumed_country)
    return OtherNumber(problem=reading.result.message)


# Refusals that say the same whichever region a number is read in, or that say most (a landline).
_SAME_EVERYWHERE = frozenset(
    {PhoneProblem.EMPTY, PhoneProblem.NOT_A_NUMBER, PhoneProblem.EXTENSION, PhoneProblem.NOT_MOBILE}
)


def read_typed_number(
    text: str, *, person_region: str | None, default_region: str, require_mobile: bool = True
) -> PhoneReading:
    """Reads what an agent typed in Other: with its country code as given; without one, in the
    person's region when the number is valid there, else in the workspace's default region.

    A number valid in neither is refused naming both regions, so an agent writing to someone
    abroad learns that the workspace's numbers were tried too. People's other numbers
    (a landline at work) are read the same way with `require_mobile=False`."""
    shown = text.strip()
    mobile = require_mobile
    if shown.startswith("+"):
        parsed = parse_phone(shown, default_region=default_region, require_mobile=mobile)
        return PhoneReading(parsed, None)
    regions = list(dict.fromkeys(r.strip().upper() for r in (person_region, default_region) if r))
    refusals: list[tuple[str, PhoneRejected]] = []
    for region in regions:
        result = parse_phone(shown, default_region=region, require_mobile=mobile)
        if isinstance(result, PhoneOk):
            return PhoneReading(result, region)
        refusals.append((region, result))
    if not refusals:
        parsed = parse_phone(shown, default_region=default_region, require_mobile=mobile)
        return PhoneReading(parsed, None)
    return PhoneReading(_refusal(shown, refusals), None)


def _refusal(shown: str, refusals: list[tuple[str, PhoneRejected]]) -> PhoneRejected:
    """The most useful refusal of a number read in each region, in the order tried."""
    specific = [r for _, r in refusals if r.problem in _SAME_EVERYWHERE]
    if specific or len(refusals) == 1:
        return (specific or [refusals[0][1]])[0]
    known = [region for region, _ in refusals if region in phonenumbers.SUPPORTED_REGIONS]
    if len(known) < 2:
        return refusals[-1][1]
    plans = " or ".join(f"{r} (+{phonenumbers.country_code_for_region(r)})" for r in known)
    return PhoneRejected(
        refusals[0][1].problem,
        f"{shown} is not a valid number in {plans}; "
        "type a number from elsewhere with + and its country code.",
    )


# What a number written in its own country's notation looks like: digits and the usual
# separators, no country code (a "+" number is matched by its digits), 6 to 17 digits.
_NATIONAL_NOTATION = re.compile(r"[0-9(][0-9 ().\-/]{4,24}")


@functools.lru_cache(maxsize=256)
def national_readings(text: str) -> frozenset[str]:
    """The numbers `text` is written as in their own country, in E.164: "0412 345 678" is
    +61 412 345 678 in Australia (and +49 412 345678 in Germany). Empty when `text` carries a
    country code or does not look like a phone number.

    Search uses it to find a person by a number typed as people write it at home, without
    knowing their country first: every region is tried (a few milliseconds; cached, since a
    list's later pages and refreshes search the same text again)."""
    shown = text.strip()
    digits = sum(c.isdigit() for c in shown)
    if not _NATIONAL_NOTATION.fullmatch(shown) or not 6 <= digits <= 17:
        return frozenset()
    found = set()
    for region in phonenumbers.SUPPORTED_REGIONS:
        try:
            number = phonenumbers.parse(shown, region)
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            found.add(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    return frozenset(found)


def region_name(region: str) -> str:
    """'AU' → 'Australia'; the code itself when the name is not known."""
    name = geocoder._region_display_name(region.upper(), "en")
    return str(name) if name else region.upper()
