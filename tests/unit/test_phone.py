"""Phone parsing: any common notation in, E.164 out, or a reason an agent can act on."""

import pytest

from agent_workspace.domain.phone import (
    OtherNumber,
    PhoneOk,
    PhoneProblem,
    PhoneRejected,
    country_of,
    display_phone,
    is_e164,
    national_readings,
    non_mobile_kind,
    parse_phone,
    read_other,
    read_typed_number,
    region_name,
)

# (typed text, workspace default region, expected E.164, expected region of the number)
VALID_MOBILE = [
    # United States: 555-01XX numbers are valid in the metadata (FIXED_LINE_OR_MOBILE).
    ("(201) 555-0123", "US", "+12015550123", "US"),
    ("201.555.0123", "US", "+12015550123", "US"),
    ("201 555 0123", "US", "+12015550123", "US"),
    ("1-201-555-0123", "US", "+12015550123", "US"),
    ("+1 (201) 555-0123", "GB", "+12015550123", "US"),
    ("  +1 201-555-0123  ", "US", "+12015550123", "US"),
    ("tel:+1-201-555-0123", "US", "+12015550123", "US"),
    ("(415) 555-0100", "US", "+14155550100", "US"),
    ("201-555-CALL", "US", "+12015552255", "US"),
    # Arabic-Indic digits
    (
        "+\u0661 \u0662\u0660\u0661 \u0665\u0665\u0665 \u0660\u0661\u0662\u0663",
        "US",
        "+12015550123",
        "US",
    ),
    # Canada shares +1; the region comes from the number, not the workspace.
    ("(506) 234-5678", "CA", "+15062345678", "CA"),
    ("506-234-5678", "US", "+15062345678", "CA"),
    # United Kingdom: trunk 0, IDD 00, and the "(0)" people write after +44.
    ("07400 123456", "GB", "+447400123456", "GB"),
    ("+44 7400 123456", "US", "+447400123456", "GB"),
    ("0044 7400 123456", "GB", "+447400123456", "GB"),
    ("+44 (0)7400 123456", "US", "+447400123456", "GB"),
    ("011 44 7400 123456", "US", "+447400123456", "GB"),
    ("00 44 7400 123456", "US", "+447400123456", "GB"),
    ("0044-7400-123-456", "DE", "+447400123456", "GB"),
    # Australia: IDD 0011, yet "00" still works as people type it.
    ("0412 345 678", "AU", "+61412345678", "AU"),
    ("0412-345-678", "AU", "+61412345678", "AU"),
    ("+61 412 345 678", "US", "+61412345678", "AU"),
    ("0011 61 412 345 678", "AU", "+61412345678", "AU"),
    ("0061 412 345 678", "AU", "+61412345678", "AU"),
    # Germany
    ("01512 3456789", "DE", "+4915123456789", "DE"),
    ("+49 151 23456789", "FR", "+4915123456789", "DE"),
    ("0049 1512 3456789", "FR", "+4915123456789", "DE"),
    # France
    ("06 12 34 56 78", "FR", "+33612345678", "FR"),
    ("06.12.34.56.78", "FR", "+33612345678", "FR"),
    ("+33 (0)6 12 34 56 78", "GB", "+33612345678", "FR"),
    # India
    ("081234 56789", "IN", "+918123456789", "IN"),
    ("8123456789", "IN", "+918123456789", "IN"),
    ("+91 81234 56789", "US", "+918123456789", "IN"),
    # Brazil
    ("(11) 96123-4567", "BR", "+5511961234567", "BR"),
    ("+55 11 96123-4567", "US", "+5511961234567", "BR"),
    # Japan: IDD 010
    ("090-1234-5678", "JP", "+819012345678", "JP"),
    ("+81 90-1234-5678", "US", "+819012345678", "JP"),
    ("010 81 90 1234 5678", "JP", "+819012345678", "JP"),
    # Mexico, Spain, Italy, Netherlands, South Africa
    ("222 123 4567", "MX", "+522221234567", "MX"),
    ("+52 222 123 4567", "US", "+522221234567", "MX"),
    ("612 34 56 78", "ES", "+34612345678", "ES"),
    ("312 345 6789", "IT", "+393123456789", "IT"),
    ("06 12345678", "NL", "+31612345678", "NL"),
    ("071 123 4567", "ZA", "+27711234567", "ZA"),
    # Region codes are accepted in any case.
    ("07400 123456", "gb", "+447400123456", "GB"),
    # Non-geographic (satellite) mobiles report region "001".
    ("+881 6 1234 5678", "US", "+881612345678", "001"),
]


@pytest.mark.parametrize(("text", "default_region", "e164", "region"), VALID_MOBILE)
def test_accepts_mobile_numbers_in_any_common_notation(
    text: str, default_region: str, e164: str, region: str
) -> None:
    result = parse_phone(text, default_region=default_region)

    assert isinstance(result, PhoneOk)
    assert (result.e164, result.region) == (e164, region)
    assert result.display == display_phone(e164)


@pytest.mark.parametrize(("text", "default_region", "e164", "region"), VALID_MOBILE)
def test_parsing_its_own_e164_output_is_stable(
    text: str, default_region: str, e164: str, region: str
) -> None:
    result = parse_phone(e164, default_region="ZZ")

    assert result == parse_phone(text, default_region=default_region)
    assert is_e164(e164)


# (typed text, default region, expected problem)
REJECTED = [
    ("", "US", PhoneProblem.EMPTY),
    ("   ", "US", PhoneProblem.EMPTY),
    ("\t\n", "GB", PhoneProblem.EMPTY),
    ("hello", "US", PhoneProblem.NOT_A_NUMBER),
    ("call me", "US", PhoneProblem.NOT_A_NUMBER),
    ("()", "US", PhoneProblem.NOT_A_NUMBER),
    ("+", "US", PhoneProblem.NOT_A_NUMBER),
    ("+999 123456", "US", PhoneProblem.UNKNOWN_REGION),
    ("4155550100", "ZZ", PhoneProblem.UNKNOWN_REGION),
    ("4155550100", "", PhoneProblem.UNKNOWN_REGION),
    ("4155550100", "XX", PhoneProblem.UNKNOWN_REGION),
    ("(415) 555-01", "US", PhoneProblem.TOO_SHORT),
    ("12", "US", PhoneProblem.TOO_SHORT),
    ("+33 6 12 34 56 7", "US", PhoneProblem.TOO_SHORT),
    ("+49 1", "US", PhoneProblem.TOO_SHORT),
    ("+49 30 1", "US", PhoneProblem.TOO_SHORT),
    ("+44 7400 1234567", "US", PhoneProblem.TOO_LONG),
    ("2015550123456", "US", PhoneProblem.TOO_LONG),
    ("+1 415 555 0100 123456789", "US", PhoneProblem.TOO_LONG),
    ("+15555555555", "US", PhoneProblem.INVALID),
    ("+61 412 345 67", "US", PhoneProblem.INVALID),
    ("+49 151 2345678901", "US", PhoneProblem.INVALID),
    ("+882 1234 5678", "US", PhoneProblem.INVALID),
    ("415 555 0100 x123", "US", PhoneProblem.EXTENSION),
    ("201-555-0123 ext. 5", "US", PhoneProblem.EXTENSION),
    ("201-555-0123;ext=22", "US", PhoneProblem.EXTENSION),
    ("+44 7400 123456 extension 7", "US", PhoneProblem.EXTENSION),
    ("+44 20 7946 0958", "US", PhoneProblem.NOT_MOBILE),
    ("030 123456", "DE", PhoneProblem.NOT_MOBILE),
    ("01 23 45 67 89", "FR", PhoneProblem.NOT_MOBILE),
    ("03-1234-5678", "JP", PhoneProblem.NOT_MOBILE),
    ("1-800-FLOWERS", "US", PhoneProblem.NOT_MOBILE),
    ("+1 900 234 5678", "US", PhoneProblem.NOT_MOBILE),
    ("1300 123 456", "AU", PhoneProblem.NOT_MOBILE),
    ("056 1234 5678", "GB", PhoneProblem.NOT_MOBILE),
    ("070 1234 5678", "GB", PhoneProblem.NOT_MOBILE),
    ("076 4012 3456", "GB", PhoneProblem.NOT_MOBILE),
    ("055 1234 5678", "GB", PhoneProblem.NOT_MOBILE),
    ("+49 177 99 1234567", "US", PhoneProblem.NOT_MOBILE),
]


@pytest.mark.parametrize(("text", "default_region", "problem"), REJECTED)
def test_rejects_unusable_numbers_with_the_right_problem(
    text: str, default_region: str, problem: PhoneProblem
) -> None:
    result = parse_phone(text, default_region=default_region)

    assert isinstance(result, PhoneRejected)
    assert result.problem is problem
    assert result.message.endswith((".", "?"))


def test_every_problem_is_covered_by_the_rejection_table() -> None:
    assert {problem for _, _, problem in REJECTED} == set(PhoneProblem)


@pytest.mark.parametrize(
    ("text", "default_region", "message"),
    [
        ("  ", "US", "Enter a phone number."),
        ("hello", "US", "hello does not look like a phone number."),
        ("+999 123456", "US", "+999 123456 does not start with a known country code."),
        (
            "4155550100",
            "ZZ",
            "4155550100 has no country code; start it with + and the country code.",
        ),
        ("(415) 555-01", "US", "(415) 555-01 is too short for a number in US (+1)."),
        ("(506) 234-56", "CA", "(506) 234-56 is too short for a number in CA (+1)."),
        (
            "+49 30 1",
            "US",
            "+49 30 1 is too short for a number in DE (+49); is the area code missing?",
        ),
        ("+49 1", "US", "+49 1 is too short to be a phone number."),
        ("+44 7400 1234567", "US", "+44 7400 1234567 is too long for a number in GB (+44)."),
        (
            "+1 415 555 0100 123456789",
            "US",
            "+1 415 555 0100 123456789 is too long to be a phone number.",
        ),
        ("+15555555555", "US", "+15555555555 is not a valid number in US (+1)."),
        ("+882 1234 5678", "US", "+882 1234 5678 is not a valid number in the +882 range."),
        (
            "415 555 0100 x123",
            "US",
            "415 555 0100 x123 has an extension; SMS numbers cannot have an extension.",
        ),
        (
            "+44 20 7946 0958",
            "US",
            "+44 20 7946 0958 is a landline (fixed-line) number and cannot receive SMS.",
        ),
        (
            "1-800-FLOWERS",
            "US",
            "+1 800-356-9377 is a toll-free number and cannot receive SMS.",
        ),
        (
            "+1 900 234 5678",
            "US",
            "+1 900-234-5678 is a premium-rate number and cannot receive SMS.",
        ),
        ("1300 123 456", "AU", "+61 1300 123 456 is a shared-cost number and cannot receive SMS."),
        (
            "056 1234 5678",
            "GB",
            "+44 56 1234 5678 is an internet (VoIP) number and cannot receive SMS.",
        ),
        (
            "070 1234 5678",
            "GB",
            "+44 70 1234 5678 is a personal (follow-me) number and cannot receive SMS.",
        ),
        ("076 4012 3456", "GB", "+44 76 4012 3456 is a pager number and cannot receive SMS."),
        (
            "055 1234 5678",
            "GB",
            "+44 55 1234 5678 is a company (universal access) number and cannot receive SMS.",
        ),
        (
            "+49 177 99 1234567",
            "US",
            "+49 177 99 1234567 is a voicemail access number and cannot receive SMS.",
        ),
    ],
)
def test_rejection_messages_name_the_number_and_the_reason(
    text: str, default_region: str, message: str
) -> None:
    result = parse_phone(text, default_region=default_region)

    assert isinstance(result, PhoneRejected)
    assert result.message == message


@pytest.mark.parametrize(
    ("text", "default_region", "e164"),
    [
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("1-800-FLOWERS", "US", "+18003569377"),
        ("+1 900 234 5678", "US", "+19002345678"),
        ("(201) 555-0123", "US", "+12015550123"),
    ],
)
def test_any_valid_number_passes_when_mobile_is_not_required(
    text: str, default_region: str, e164: str
) -> None:
    result = parse_phone(text, default_region=default_region, require_mobile=False)

    assert isinstance(result, PhoneOk)
    assert result.e164 == e164


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("+1 800 356 9377 ext. 12", PhoneProblem.EXTENSION),
        ("+15555555555", PhoneProblem.INVALID),
        ("(415) 555-01", PhoneProblem.TOO_SHORT),
        ("", PhoneProblem.EMPTY),
    ],
)
def test_sender_numbers_still_need_to_be_valid_and_without_extension(
    text: str, problem: PhoneProblem
) -> None:
    result = parse_phone(text, default_region="US", require_mobile=False)

    assert isinstance(result, PhoneRejected)
    assert result.problem is problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+14155550100", True),
        ("+447400123456", True),
        ("+1234567", True),
        ("+123456789012345", True),
        ("+123456", False),
        ("+1234567890123456", False),
        ("14155550100", False),
        ("+04155550100", False),
        ("+1 415 555 0100", False),
        ("+1-415-555-0100", False),
        ("+14155550100\n", False),
        (" +14155550100", False),
        ("+\u0661\u0664\u0661\u0665\u0665\u0665\u0665\u0660\u0661\u0660\u0660", False),
        ("", False),
        ("+", False),
    ],
)
def test_is_e164_is_a_strict_syntactic_check(text: str, expected: bool) -> None:
    assert is_e164(text) is expected


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+14155550100", "+1 415-555-0100"),
        ("+447400123456", "+44 7400 123456"),
        ("+61412345678", "+61 412 345 678"),
        ("+819012345678", "+81 90-1234-5678"),
        ("+15555555555", "+1 555-555-5555"),
        ("garbage", "garbage"),
        ("4155550100", "4155550100"),
        ("", ""),
    ],
)
def test_display_phone_formats_internationally_and_leaves_unparsable_text_alone(
    e164: str, expected: str
) -> None:
    assert display_phone(e164) == expected


@pytest.mark.parametrize(
    ("typed", "person_region", "e164", "assumed"),
    [
        # Valid in the person's region: read there.
        ("0412 345 678", "AU", "+61412345678", "AU"),
        ("07400 123456", "GB", "+447400123456", "GB"),
        # Not valid in the person's region: the workspace's default region.
        ("(415) 555-0123", "GB", "+14155550123", "US"),
        # No person region: the default.
        ("415 555 0123", None, "+14155550123", "US"),
        # A country code is never second-guessed.
        ("+44 7400 123456", "AU", "+447400123456", None),
    ],
)
def test_other_numbers_are_read_in_the_persons_region_first(
    typed: str, person_region: str | None, e164: str, assumed: str | None
) -> None:
    reading = read_typed_number(typed, person_region=person_region, default_region="US")
    assert isinstance(reading.result, PhoneOk)
    assert (reading.result.e164, reading.assumed_region) == (e164, assumed)


def test_the_assumed_country_is_named() -> None:
    reading = read_typed_number("0412 345 678", person_region="AU", default_region="US")
    assert reading.assumed_country == "Australia"
    assert region_name("ZZ") == "ZZ"


def test_a_number_valid_nowhere_is_refused_with_the_default_regions_reason() -> None:
    reading = read_typed_number("12", person_region="AU", default_region="US")
    assert isinstance(reading.result, PhoneRejected)
    assert reading.assumed_region is None


@pytest.mark.parametrize(
    ("typed", "person_region", "message"),
    [
        # Valid in neither region: both are named, with the way out.
        (
            "0412 345 67",
            "AU",
            "0412 345 67 is not a valid number in AU (+61) or US (+1); "
            "type a number from elsewhere with + and its country code.",
        ),
        # A landline in the person's region says so, wherever else it was tried.
        (
            "020 7946 0958",
            "GB",
            "+44 20 7946 0958 is a landline (fixed-line) number and cannot receive SMS.",
        ),
        # The same in every region: said once.
        ("call me", "AU", "call me does not look like a phone number."),
        (
            "415 555 0100 x12",
            "AU",
            "415 555 0100 x12 has an extension; SMS numbers cannot have an extension.",
        ),
        # One region only (the person's is the workspace's, or unknown): its own reason.
        ("(415) 555-01", "US", "(415) 555-01 is too short for a number in US (+1)."),
        ("(415) 555-01", None, "(415) 555-01 is too short for a number in US (+1)."),
        ("(415) 555-01", "XX", "(415) 555-01 is too short for a number in US (+1)."),
    ],
)
def test_a_number_valid_in_neither_region_is_refused_saying_where_it_was_tried(
    typed: str, person_region: str | None, message: str
) -> None:
    reading = read_typed_number(typed, person_region=person_region, default_region="US")
    assert isinstance(reading.result, PhoneRejected)
    assert (reading.result.message, reading.assumed_region) == (message, None)


@pytest.mark.parametrize(
    ("e164", "kind"),
    [
        ("+442079460958", "landline"),
        ("+18003569377", "toll-free"),
        ("+19002345678", "premium-rate"),
        ("+445612345678", "VoIP"),
        ("+447640123456", "pager"),
        ("+447400123456", None),  # mobile
        ("+14155550111", None),  # fixed line or mobile: North America
        ("+15555555555", None),  # no valid number: parse_phone says why
        ("garbage", None),
    ],
)
def test_non_mobile_kind_names_what_a_number_that_cannot_take_sms_is(
    e164: str, kind: str | None
) -> None:
    assert non_mobile_kind(e164) == kind


@pytest.mark.parametrize(
    ("text", "includes", "excludes"),
    [
        # As written in the number's own country.
        ("0412 345 678", {"+61412345678"}, {"+61412345679"}),
        ("0412-345-678", {"+61412345678"}, set()),
        ("07400 123456", {"+447400123456"}, set()),
        ("06 12 34 56 78", {"+33612345678"}, set()),
        ("(415) 555-0123", {"+14155550123"}, set()),
        ("090-1234-5678", {"+819012345678"}, set()),
    ],
)
def test_national_readings_are_the_numbers_a_text_is_in_their_own_country(
    text: str, includes: set[str], excludes: set[str]
) -> None:
    found = national_readings(text)
    assert includes <= found
    assert not excludes & found
    assert all(is_e164(n) for n in found)


@pytest.mark.parametrize(
    "text",
    [
        "+61 412 345 678",  # its own country code: matched by its digits
        "IMS0001001",
        "0160",  # too short to be a whole number
        "luggage claim",
        "0412 345 678 x",
        "",
        "1" * 18,
    ],
)
def test_national_readings_of_what_is_no_national_number_are_none(text: str) -> None:
    assert national_readings(text) == frozenset()


@pytest.mark.parametrize(
    ("typed", "person_region", "shown"),
    [
        ("", "AU", OtherNumber()),
        ("   ", None, OtherNumber()),
        ("0412 345 678", "AU", OtherNumber("+61412345678", "Australia")),
        ("(415) 555-0177", "AU", OtherNumber("+14155550177", "United States")),
        ("(415) 555-0177", None, OtherNumber("+14155550177", "United States")),
        ("+1 415 555 0177", "AU", OtherNumber("+14155550177", "")),
    ],
)
def test_other_says_the_number_and_the_country_it_was_read_in(
    typed: str, person_region: str | None, shown: OtherNumber
) -> None:
    assert read_other(typed, person_region=person_region, default_region="US") == shown


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("+44 20 7946 0958", "landline"),
        ("0412 345 67", "AU (+61) or US (+1)"),
        ("hello", ""),
    ],
)
def test_other_says_why_a_number_cannot_be_used(typed: str, says: str) -> None:
    shown = read_other(typed, person_region="AU", default_region="US")
    assert (shown.e164, shown.country) == ("", "")
    assert shown.problem and says in shown.problem


@pytest.mark.parametrize(
    ("e164", "country"),
    [
        ("+14155550123", "US"),
        ("+16135550123", "CA"),
        ("+447400123456", "GB"),
        ("+61412345678", "AU"),
        ("+80012345678", None),  # non-geographic: no country
        ("garbage", None),
    ],
)
def test_a_numbers_country_is_read_from_its_digits(e164: str, country: str | None) -> None:
    assert country_of(e164) == country
