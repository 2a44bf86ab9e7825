"""What a list row says of an interaction's last message: its first line, briefly."""

PREVIEW_CHARS = 200


def preview_line(body: str, attachments: int = 0) -> str:
    """The first non-empty line of `body`, shortened with an ellipsis; a message with only
    attachments says how many."""
    line = next((part.strip() for part in body.splitlines() if part.strip()), "")
    if not line:
        if attachments <= 0:
            return ""
        return "1 attachment" if attachments == 1 else f"{attachments} attachments"
    if len(line) > PREVIEW_CHARS:
        return line[: PREVIEW_CHARS - 1].rstrip() + "…"
    return line
