"""Attachment policy: types judged from the bytes, names sanitised, limits enforced."""

import hashlib

import pytest

from agent_workspace.domain.attachments import (
    DEFAULT_ALLOWED_TYPES,
    DEFAULT_MAX_FILES,
    DEFAULT_MAX_TOTAL_BYTES,
    KNOWN_TYPES,
    MAX_FILENAME_CHARS,
    TYPE_NAMES,
    AcceptedFile,
    AttachmentPolicy,
    AttachmentRejected,
    CandidateFile,
    check_attachments,
    describe_size,
    file_too_large,
    over_limit,
    read_limit,
    room_for,
    sanitize_filename,
    sniff_content_type,
    upload_body_limit,
    upload_too_large,
)

# Tiny but real headers, as the first bytes of each format.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
GIF87 = b"GIF87a\x01\x00\x01\x00\x80\x00\x00"
GIF89 = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00"
BMP = b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\x01\x00"
BMP_CORE = b"BM\x1e\x00\x00\x00\x00\x00\x00\x00\x1a\x00\x00\x00\x0c\x00\x00\x00\x01\x00"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
MP4_M4V = b"\x00\x00\x00\x18ftypM4V \x00\x00\x00\x01M4V isom"
GPP = b"\x00\x00\x00\x14ftyp3gp5\x00\x00\x00\x00"
GPP2 = b"\x00\x00\x00\x14ftyp3g2a\x00\x00\x00\x00"
M4A = b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom"
QUICKTIME = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00"
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00"
MP3_FRAME = b"\xff\xfb\x90\x64\x00\x00\x00\x00"
AAC_ADTS = b"\xff\xf1\x50\x80\x02\x1f\xfc"
OGG = b"OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00"
VCARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n"
VCARD_BOM = b"\xef\xbb\xbf\r\nbegin:vcard\r\nVERSION:4.0\r\nEND:VCARD\r\n"
TEXT = "Grüße, see you at 10".encode()
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00"
# Types the hand-written table did not know and the detector does (all accepted by Twilio).
TIFF = b"II*\x00\x08\x00\x00\x00" + bytes(16)
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
WEBM = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d")
MPEG_PS = b"\x00\x00\x01\xba\x44\x00\x04\x00\x04\x01\x01\x89\xc3\xf8"
AMR = b"#!AMR\n\x3c\x48\xf5\x1f\x96\x66\x79\xe1"
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Support//EN\r\nEND:VCALENDAR\r\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (GIF87, "image/gif"),
        (GIF89, "image/gif"),
        (WEBP, "image/webp"),
        (BMP, "image/bmp"),
        (BMP_CORE, "image/bmp"),
        (PDF, "application/pdf"),
        (MP4, "video/mp4"),
        (MP4_M4V, "video/mp4"),
        (GPP, "video/3gpp"),
        (GPP2, "video/3gpp"),
        (MP3_ID3, "audio/mpeg"),
        (MP3_FRAME, "audio/mpeg"),
        (OGG, "audio/ogg"),
        # The hand-written table refused these two; the detector is right that they are
        # QuickTime video and MPEG-4 audio, which Twilio accepts for MMS.
        (QUICKTIME, "video/quicktime"),
        (M4A, "audio/mp4"),
        (TIFF, "image/tiff"),
        (HEIC, "image/heif"),
        (WEBM, "video/webm"),
        (MPEG_PS, "video/mpeg"),
        (AMR, "audio/amr"),
        (ICS, "text/calendar"),
        (VCARD, "text/vcard"),
        (VCARD_BOM, "text/vcard"),
        (TEXT, "text/plain"),
        (b"BMW is a car", "text/plain"),
        (b"RIFF but not an image", "text/plain"),
        (b"ID3 tags name the artist", "text/plain"),
        (HTML, "text/plain"),  # a phone shows HTML as text; it is never an allowed type
    ],
)
def test_sniffs_content_type_from_magic_bytes(data: bytes, content_type: str) -> None:
    assert sniff_content_type(data) == content_type
    assert content_type in KNOWN_TYPES


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02\x03",
        b"hello\x00world",
        b"\xc3\x28 invalid utf-8",
        b"\xff\xd8",  # truncated JPEG marker
        AAC_ADTS,
        WAV,
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",  # a Windows program
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",  # a zip archive
    ],
)
def test_unrecognised_bytes_have_no_content_type(data: bytes) -> None:
    assert sniff_content_type(data) is None


def test_every_known_type_has_a_name_and_a_canonical_extension() -> None:
    assert TYPE_NAMES.keys() == KNOWN_TYPES.keys()
    assert all(exts and all(e.startswith(".") for e in exts) for exts in KNOWN_TYPES.values())
    assert KNOWN_TYPES.keys() >= DEFAULT_ALLOWED_TYPES


def test_allowing_every_known_type_fits_the_channel_policy_column() -> None:
    """channel.attachment_types holds the allowed types comma-separated in 400 characters."""
    assert len(",".join(sorted(KNOWN_TYPES))) <= 400


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("photo.jpg", "image/jpeg", "photo.jpg"),
        ("Photo.JPG", "image/jpeg", "Photo.JPG"),
        ("my photo (1).jpg", "image/jpeg", "my_photo_1.jpg"),
        ("../../etc/passwd", "text/plain", "passwd.txt"),
        ("C:\\Users\\ada\\pic.png", "image/png", "pic.png"),
        ("/var/www/../x.gif", "image/gif", "x.gif"),
        (".bashrc", "text/plain", "bashrc.txt"),
        ("...hidden.png", "image/png", "hidden.png"),
        ("..", "image/jpeg", "attachment.jpg"),
        ("", "image/png", "attachment.png"),
        ("   ", "image/gif", "attachment.gif"),
        ("\U0001f600.jpg", "image/jpeg", "attachment.jpg"),
        ("a\x00b\nc\u202e.gif", "image/gif", "abc.gif"),
        ("Фото отпуск.jpg", "image/jpeg", "Фото_отпуск.jpg"),
        ("a_ b.png", "image/png", "a_b.png"),
        ("photo.", "image/jpeg", "photo.jpg"),
        ("photo", "image/jpeg", "photo.jpg"),
        ("Scan 2024.03", "image/jpeg", "Scan_2024.03.jpg"),
        ("CON.jpg", "image/jpeg", "_CON.jpg"),
        ("lpt1", "text/plain", "_lpt1.txt"),
        ("x;rm -rf ~.png", "image/png", "x_rm_-rf.png"),
        ("file", "application/x-unknown", "file"),
        ("", "application/x-unknown", "attachment"),
    ],
)
def test_sanitize_filename_makes_names_safe_and_never_empty(
    name: str, content_type: str, expected: str
) -> None:
    assert sanitize_filename(name, content_type) == expected


@pytest.mark.parametrize(
    ("name", "suffix"),
    [("x" * 300 + ".jpeg", ".jpeg"), ("y" * 300, ".jpg"), ("z" * 99 + ".jpg", ".jpg")],
)
def test_sanitize_filename_limits_length_and_keeps_the_extension(name: str, suffix: str) -> None:
    result = sanitize_filename(name, "image/jpeg")

    assert len(result) == MAX_FILENAME_CHARS
    assert result.endswith(suffix)


def test_default_policy_allows_images_up_to_the_mms_limit() -> None:
    policy = AttachmentPolicy()

    assert policy.allowed_types == frozenset({"image/jpeg", "image/png", "image/gif"})
    assert (policy.max_total_bytes, policy.max_files) == (5 * 1024 * 1024, 10)
    assert (DEFAULT_MAX_TOTAL_BYTES, DEFAULT_MAX_FILES) == (5 * 1024 * 1024, 10)


@pytest.mark.parametrize(
    ("types_csv", "expected"),
    [
        ("image/jpeg", {"image/jpeg"}),
        ("image/jpeg,image/png", {"image/jpeg", "image/png"}),
        (" IMAGE/JPEG , ,application/pdf, ", {"image/jpeg", "application/pdf"}),
        ("text/vcard,text/vcard", {"text/vcard"}),
    ],
)
def test_from_settings_reads_a_comma_separated_type_list(
    types_csv: str, expected: set[str]
) -> None:
    policy = AttachmentPolicy.from_settings(types_csv, 1000, 3)

    assert policy == AttachmentPolicy(frozenset(expected), 1000, 3)


@pytest.mark.parametrize(
    ("types_csv", "max_total_bytes", "max_files", "error"),
    [
        ("image/jpeg, image/x-icon, application/zip", 1000, 3, "application/zip, image/x-icon"),
        ("images", 1000, 3, "Unknown attachment types: images."),
        ("", 1000, 3, "Allow at least one attachment type."),
        (" , ", 1000, 3, "Allow at least one attachment type."),
        ("image/jpeg", 0, 3, "The size limit must be positive, not 0."),
        ("image/jpeg", -5, 3, "The size limit must be positive, not -5."),
        ("image/jpeg", 1000, 0, "The file limit must be positive, not 0."),
    ],
)
def test_from_settings_refuses_unknown_types_and_non_positive_limits(
    types_csv: str, max_total_bytes: int, max_files: int, error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        AttachmentPolicy.from_settings(types_csv, max_total_bytes, max_files)


def test_accepts_allowed_files_with_checksum_and_safe_name() -> None:
    files = [CandidateFile("../photo.jpg", JPEG), CandidateFile("Logo.PNG", PNG)]

    accepted = check_attachments(files, AttachmentPolicy())

    assert accepted == [
        AcceptedFile("photo.jpg", "image/jpeg", len(JPEG), hashlib.sha256(JPEG).hexdigest()),
        AcceptedFile("Logo.PNG", "image/png", len(PNG), hashlib.sha256(PNG).hexdigest()),
    ]


@pytest.mark.parametrize(
    ("name", "data", "filename", "content_type"),
    [
        ("photo", JPEG, "photo.jpg", "image/jpeg"),
        ("IMG_0001.JPEG", JPEG, "IMG_0001.JPEG", "image/jpeg"),
        ("Scan 2024.03", GIF89, "Scan_2024.03.gif", "image/gif"),
        ("", PNG, "attachment.png", "image/png"),
    ],
)
def test_accepts_names_without_a_conflicting_extension(
    name: str, data: bytes, filename: str, content_type: str
) -> None:
    [accepted] = check_attachments([CandidateFile(name, data)], AttachmentPolicy())

    assert (accepted.filename, accepted.content_type) == (filename, content_type)


def test_accepts_no_files() -> None:
    assert check_attachments([], AttachmentPolicy()) == []


def test_accepts_files_exactly_at_the_limits() -> None:
    policy = AttachmentPolicy(max_total_bytes=3 * len(GIF89), max_files=3)

    accepted = check_attachments([CandidateFile(f"{i}.gif", GIF89) for i in range(3)], policy)

    assert [file.size for file in accepted] == [len(GIF89)] * 3


def test_administrator_can_allow_more_types() -> None:
    policy = AttachmentPolicy.from_settings("audio/mpeg,text/vcard,application/pdf", 10_000, 5)
    files = [
        CandidateFile("song.mp3", MP3_ID3),
        CandidateFile("ada.vcf", VCARD),
        CandidateFile("terms.pdf", PDF),
    ]

    accepted = check_attachments(files, policy)

    assert [f.content_type for f in accepted] == ["audio/mpeg", "text/vcard", "application/pdf"]


ALLOWED_IMAGES = "Allowed: GIF image, JPEG image, PNG image."


@pytest.mark.parametrize(
    ("files", "policy", "message"),
    [
        ([CandidateFile("empty.jpg", b"")], AttachmentPolicy(), "empty.jpg is empty."),
        (
            [CandidateFile("data.bin", b"\x00\x01\x02")],
            AttachmentPolicy(),
            "data.bin is not a file type we recognise.",
        ),
        (
            [CandidateFile("report.pdf", PDF)],
            AttachmentPolicy(),
            f"report.pdf is a PDF document, which is not allowed. {ALLOWED_IMAGES}",
        ),
        (
            [CandidateFile("song.mp3", MP3_FRAME)],
            AttachmentPolicy(),
            f"song.mp3 is an MP3 audio file, which is not allowed. {ALLOWED_IMAGES}",
        ),
        (
            [CandidateFile("clip.mp4", MP4)],
            AttachmentPolicy(frozenset({"image/png"})),
            "clip.mp4 is an MP4 video, which is not allowed. Allowed: PNG image.",
        ),
        (
            [CandidateFile("photo.png", JPEG)],
            AttachmentPolicy(),
            "photo.png looks like a JPEG image, not a .png file.",
        ),
        (
            [CandidateFile("invoice.pdf.jpg", PNG)],
            AttachmentPolicy(),
            "invoice.pdf.jpg looks like a PNG image, not a .jpg file.",
        ),
        (
            [CandidateFile("ok.jpg", JPEG), CandidateFile("bad.gif", b"")],
            AttachmentPolicy(),
            "bad.gif is empty.",
        ),
        (
            [CandidateFile("/tmp/evil\n.jpg", b"")],
            AttachmentPolicy(),
            "evil.jpg is empty.",
        ),
        ([CandidateFile("", b"")], AttachmentPolicy(), "The unnamed file is empty."),
        (
            [CandidateFile(f"{i}.jpg", JPEG) for i in range(11)],
            AttachmentPolicy(),
            "11 files are attached; a message can carry at most 10.",
        ),
        (
            [CandidateFile("a.gif", GIF89), CandidateFile("b.gif", GIF89)],
            AttachmentPolicy(max_files=1),
            "2 files are attached; a message can carry at most 1.",
        ),
        (
            [
                CandidateFile("a.jpg", JPEG + bytes(600 * 1024)),
                CandidateFile("b.jpg", JPEG + bytes(600 * 1024)),
            ],
            AttachmentPolicy(max_total_bytes=1024 * 1024),
            "The attachments total 1.2 MB; the limit is 1 MB per message.",
        ),
        (
            [CandidateFile("big.png", PNG + bytes(5 * 1024 * 1024))],
            AttachmentPolicy(),
            "The attachments total just over 5 MB; the limit is 5 MB per message.",
        ),
    ],
)
def test_rejects_files_that_break_the_policy_naming_the_file(
    files: list[CandidateFile], policy: AttachmentPolicy, message: str
) -> None:
    with pytest.raises(AttachmentRejected) as caught:
        check_attachments(files, policy)

    assert caught.value.message == message
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (512, "512 bytes"),
        (1023, "1023 bytes"),
        (1024, "1 KB"),
        (1536, "1.5 KB"),
        (512 * 1024, "512 KB"),
        (1024 * 1024 - 1, "1 MB"),
        (4_404_019, "4.2 MB"),
        (5 * 1024 * 1024, "5 MB"),
        (3 * 1024**3, "3 GB"),
    ],
)
def test_describe_size_uses_binary_units_with_one_decimal(size: int, text: str) -> None:
    assert describe_size(size) == text


def test_describe_size_refuses_negative_sizes() -> None:
    with pytest.raises(ValueError, match="negative"):
        describe_size(-1)


def test_one_file_may_take_the_whole_message_limit() -> None:
    assert AttachmentPolicy(max_total_bytes=1024).max_file_bytes == 1024


def test_an_upload_request_may_carry_the_files_and_their_multipart_framing() -> None:
    policy = AttachmentPolicy(max_total_bytes=1024 * 1024, max_files=2)
    limit = upload_body_limit(policy)
    assert 1024 * 1024 < limit <= 1024 * 1024 + 32 * 1024
    assert upload_body_limit(AttachmentPolicy(max_total_bytes=1024 * 1024, max_files=10)) > limit


def test_size_refusals_name_the_file_and_the_limit() -> None:
    policy = AttachmentPolicy(max_total_bytes=2 * 1024 * 1024)
    assert file_too_large("../big.png", policy).message == (
        "big.png is larger than the 2 MB the attachments of a message may take."
    )
    assert upload_too_large(policy).message == (
        "These attachments are larger than the 2 MB a message may take."
    )


SMALL = AttachmentPolicy(DEFAULT_ALLOWED_TYPES, max_total_bytes=100, max_files=3)


@pytest.mark.parametrize(
    ("adding", "attached", "used", "room"),
    [
        (1, 0, 0, 100),  # the first file: the whole total
        (2, 1, 30, 70),  # beside one of 30 bytes
        (3, 0, 0, 100),  # exactly the most files
        (0, 3, 100, 0),  # nothing more: no room, no refusal
        (2, 2, 10, None),  # four files: refused before any is read
        (4, 0, 0, None),
    ],
)
def test_room_for_counts_the_files_first_then_leaves_what_the_total_has_left(
    adding: int, attached: int, used: int, room: int | None
) -> None:
    if room is None:
        with pytest.raises(AttachmentRejected, match=f"{attached + adding} files are attached"):
            room_for(adding, SMALL, attached=attached, used=used)
    else:
        assert room_for(adding, SMALL, attached=attached, used=used) == room


@pytest.mark.parametrize(
    ("declared", "room", "allowed"),
    [
        (None, 100, 100),  # nothing declared: the file's own limit (the whole total)
        (10, 100, 100),
        (100, 100, 100),  # exactly the limit
        (None, 25, 25),  # the room left is less than a file's limit
        (25, 25, 25),
        (101, 100, None),  # declared over the file's limit: refused unread
        (26, 25, None),  # declared over the room left
    ],
)
def test_read_limit_is_the_smaller_of_the_file_limit_and_the_room_left(
    declared: int | None, room: int, allowed: int | None
) -> None:
    if allowed is None:
        with pytest.raises(AttachmentRejected, match=r"label\.png is larger than"):
            read_limit("label.png", declared, room, SMALL)
    else:
        assert read_limit("label.png", declared, room, SMALL) == allowed


@pytest.mark.parametrize(("read", "over"), [(0, False), (59, False), (60, False), (61, True)])
def test_over_limit_refuses_a_file_read_past_its_limit(read: int, over: bool) -> None:
    if over:
        with pytest.raises(AttachmentRejected, match=r"label\.png is larger than"):
            over_limit("label.png", read, 60, SMALL)
    else:
        over_limit("label.png", read, 60, SMALL)
