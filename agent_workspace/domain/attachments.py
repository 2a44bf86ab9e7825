"""Attachment policy: what an agent may send as MMS, judged from the bytes, never the name.

A file's name and the browser's declared type are whatever the sender's machine says; the
magic bytes are what the recipient's phone will try to open. So the type is sniffed, the
name must agree with it, and the stored name is sanitised before it touches a disk or header.
"""

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from agent_workspace.domain.media_types import KNOWN_TYPES, TYPE_NAMES, sniff_content_type

__all__ = ["KNOWN_TYPES", "TYPE_NAMES", "sniff_content_type"]  # re-exported: the policy's words

DEFAULT_ALLOWED_TYPES = frozenset({"image/jpeg", "image/png", "image/gif"})
DEFAULT_MAX_TOTAL_BYTES = 5 * 1024 * 1024
"""The common carrier MMS limit."""
DEFAULT_MAX_FILES = 10
"""Twilio accepts at most ten media URLs per message."""

# Names read with a vowel sound first ("an MP3 audio file", "an HEIC/HEIF photo").
_AN_TYPES = frozenset(
    {"audio/mpeg", "audio/mp4", "audio/ogg", "audio/amr", "video/mp4", "video/mpeg", "image/heif"}
)
MAX_FILENAME_CHARS = 100
_UNSAFE = re.compile(r"[^\w.\-]")
_UNDERSCORES = re.compile(r"_{2,}")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{0,15}[A-Za-z][A-Za-z0-9]{0,15}$")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
)


@dataclass(frozen=True)
class AttachmentPolicy:
    """What the administrator allows; invalid policies cannot be built."""

    allowed_types: frozenset[str] = DEFAULT_ALLOWED_TYPES
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES
    max_files: int = DEFAULT_MAX_FILES

    def __post_init__(self) -> None:
        unknown = sorted(self.allowed_types - KNOWN_TYPES.keys())
        if unknown:
            raise ValueError(
                f"Unknown attachment types: {', '.join(unknown)}. "
                f"Known types: {', '.join(sorted(KNOWN_TYPES))}."
            )
        if not self.allowed_types:
            raise ValueError("Allow at least one attachment type.")
        if self.max_total_bytes <= 0:
            raise ValueError(f"The size limit must be positive, not {self.max_total_bytes}.")
        if self.max_files <= 0:
            raise ValueError(f"The file limit must be positive, not {self.max_files}.")

    @property
    def max_file_bytes(self) -> int:
        """The most one file may take: Twilio's limit is for all media of a message together,
        so a single file may use all of it."""
        return self.max_total_bytes

    @classmethod
    def from_settings(
        cls, types_csv: str, max_total_bytes: int, max_files: int
    ) -> "AttachmentPolicy":
        """Build a policy from configuration text such as "image/jpeg, image/png".

        Raises:
            ValueError: A type is unknown, no type is given, or a limit is not positive.
        """
        types = frozenset(t.strip().lower() for t in types_csv.split(",") if t.strip())
        return cls(allowed_types=types, max_total_bytes=max_total_bytes, max_files=max_files)


@dataclass(frozen=True)
class CandidateFile:
    """A file as uploaded: the name is untrusted, the bytes are what will be sent."""

    name: str
    data: bytes


@dataclass(frozen=True)
class AcceptedFile:
    """A file that passed the policy, ready to store."""

    filename: str
    content_type: str
    size: int
    sha256: str


class AttachmentRejected(ValueError):
    """A file breaks the policy; message is shown to the agent as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sanitize_filename(name: str, content_type: str) -> str:
    """Make an uploaded name safe to store and to put in a header, keeping it recognisable.

    Directories, control characters and leading dots go; anything but letters, digits,
    "_", "-" and "." becomes "_"; the result fits MAX_FILENAME_CHARS with its extension kept,
    and a name without an extension gets the content type's canonical one.
    """
    stem, ext = _split_extension(_base_name(name).lstrip(". "))
    stem = _UNDERSCORES.sub("_", _UNSAFE.sub("_", stem)).strip("_").rstrip(". ")
    if not stem.strip("_.-"):
        stem = "attachment"
    if stem.upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    ext = ext or KNOWN_TYPES.get(content_type, ("",))[0]
    return stem[: MAX_FILENAME_CHARS - len(ext)] + ext


def _base_name(name: str) -> str:
    """Last path component, without control or format characters, in NFC."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return re.split(r"[/\\]", name)[-1].strip()


def _split_extension(base: str) -> tuple[str, str]:
    """Split off a real extension; "Scan 2024.03" has none, ".05" being no file type."""
    match = _EXTENSION.search(base)
    if match is None or match.start() == 0:
        return base, ""
    return base[: match.start()], match.group()


def _label(name: str) -> str:
    return _base_name(name) or "The unnamed file"


def check_attachments(
    files: Sequence[CandidateFile], policy: AttachmentPolicy
) -> list[AcceptedFile]:
    """Accept files that the policy allows, or refuse the whole set with the first problem.

    Raises:
        AttachmentRejected: Naming the file and what to do about it.
    """
    if len(files) > policy.max_files:
        raise too_many_files(len(files), policy)
    accepted = [_check_one(file, policy) for file in files]
    total = sum(file.size for file in accepted)
    if total > policy.max_total_bytes:
        total_text, limit_text = describe_size(total), describe_size(policy.max_total_bytes)
        if total_text == limit_text:
            total_text = f"just over {total_text}"
        raise AttachmentRejected(
            f"The attachments total {total_text}; the limit is {limit_text} per message."
        )
    return accepted


def _check_one(file: CandidateFile, policy: AttachmentPolicy) -> AcceptedFile:
    label = _label(file.name)
    if not file.data:
        raise AttachmentRejected(f"{label} is empty.")
    content_type = sniff_content_type(file.data)
    if content_type is None:
        raise AttachmentRejected(f"{label} is not a file type we recognise.")
    kind = _with_article(content_type)
    if content_type not in policy.allowed_types:
        allowed = ", ".join(sorted(TYPE_NAMES[t] for t in policy.allowed_types))
        raise AttachmentRejected(f"{label} is {kind}, which is not allowed. Allowed: {allowed}.")
    ext = _split_extension(label)[1].lower()
    if ext and ext not in KNOWN_TYPES[content_type]:
        raise AttachmentRejected(f"{label} looks like {kind}, not a {ext} file.")
    return AcceptedFile(
        filename=sanitize_filename(file.name, content_type),
        content_type=content_type,
        size=len(file.data),
        sha256=hashlib.sha256(file.data).hexdigest(),
    )


def _with_article(content_type: str) -> str:
    article = "an" if content_type in _AN_TYPES else "a"
    return f"{article} {TYPE_NAMES[content_type]}"


def describe_size(n: int) -> str:
    """Format a byte count for people, in binary units: "512 KB", "4.2 MB"."""
    if n < 0:
        raise ValueError(f"A size cannot be negative: {n}")
    if n < 1024:
        return "1 byte" if n == 1 else f"{n} bytes"
    value = n / 1024
    for unit in ("KB", "MB"):
        if round(value, 1) < 1024:
            return f"{value:.1f}".removesuffix(".0") + f" {unit}"
        value /= 1024
    return f"{value:.1f}".removesuffix(".0") + " GB"


UPLOAD_OVERHEAD_BYTES = 16 * 1024
"""Multipart framing of an upload besides its files: boundaries, the bound-args field."""
UPLOAD_OVERHEAD_PER_FILE = 4 * 1024
"""A file part's headers (its name, as long as a browser sends one, and its type)."""


def upload_body_limit(policy: AttachmentPolicy) -> int:
    """The largest upload request worth reading for this policy, framing included."""
    return (
        policy.max_total_bytes + UPLOAD_OVERHEAD_BYTES + policy.max_files * UPLOAD_OVERHEAD_PER_FILE
    )


def file_too_large(name: str, policy: AttachmentPolicy) -> AttachmentRejected:
    """The refusal for a file that would take the message past its size limit."""
    limit = describe_size(policy.max_total_bytes)
    return AttachmentRejected(
        f"{_label(name)} is larger than the {limit} the attachments of a message may take."
    )


def upload_too_large(policy: AttachmentPolicy) -> AttachmentRejected:
    """The refusal for an upload whose request alone is larger than any allowed one."""
    limit = describe_size(policy.max_total_bytes)
    return AttachmentRejected(f"These attachments are larger than the {limit} a message may take.")


def too_many_files(count: int, policy: AttachmentPolicy) -> AttachmentRejected:
    return AttachmentRejected(
        f"{count} files are attached; a message can carry at most {policy.max_files}."
    )


def room_for(adding: int, policy: AttachmentPolicy, *, attached: int = 0, used: int = 0) -> int:
    """The bytes `adding` more files may take together beside the `attached` files of `used`
    bytes, or AttachmentRejected when they would be too many (judged before any is read)."""
    if attached + adding > policy.max_files:
        raise too_many_files(attached + adding, policy)
    return policy.max_total_bytes - used


def read_limit(name: str, declared: int | None, room: int, policy: AttachmentPolicy) -> int:
    """How much of the next file to read: its own limit or the room left, whichever is less.
    A file whose declared size is over it is refused unread; one byte read past it shows
    (over_limit) that a file that declared nothing, or too little, is over."""
    allowed = min(policy.max_file_bytes, room)
    if declared is not None and declared > allowed:
        raise file_too_large(name, policy)
    return allowed


def over_limit(name: str, read: int, allowed: int, policy: AttachmentPolicy) -> None:
    """Refuses a file of which more than `allowed` bytes were read (read_limit's + 1)."""
    if read > allowed:
        raise file_too_large(name, policy)
