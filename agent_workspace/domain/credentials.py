"""What a username and a password must be, whoever creates the account (CLI or admin screen).

Each check returns the reason in words, or None: the caller decides how to refuse. A password
must be long enough, short enough for bcrypt (which reads no further than 72 bytes), free of
what a copy-paste or a terminal adds by accident (edge spaces, control characters), and hard
to guess: zxcvbn (Dropbox's estimator, maintained in Python as `zxcvbn`) matches it against
its bundled lists of common passwords, words and names, keyboard patterns, repeats, sequences,
dates and the account's own username, and estimates the guesses an attacker needs. Length
alone accepted `aaaaaaaaaaaa` and `password1234`.
"""

import re
import threading
import unicodedata

import zxcvbn

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_BYTES = 72  # bcrypt's input limit
MAX_USERNAME_LENGTH = 64
# zxcvbn's score 3: about 10^8 guesses or more ("safely unguessable"), what it recommends for a
# password behind a slow hash; sign-in throttling slows online guessing further.
MIN_GUESSABILITY_SCORE = 3
# zxcvbn keeps the caller's user inputs in a module-level dictionary while it scores, so two
# threads scoring at once could read each other's: one at a time (a few ms each).
_ZXCVBN_LOCK = threading.Lock()
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]*")


def normalise_username(raw: str) -> str:
    """Usernames are compared trimmed and in lower case, at sign-in and at creation alike."""
    return raw.strip().lower()


def username_problem(username: str) -> str | None:
    """Why a (normalised) username cannot be used, or None."""
    if not 1 <= len(username) <= MAX_USERNAME_LENGTH:
        return f"A username of 1 to {MAX_USERNAME_LENGTH} characters is required."
    if not _USERNAME.fullmatch(username):
        return (
            f"The username {username!r} may hold only letters, digits and . _ @ - "
            "and must start with a letter or digit."
        )
    return None


def too_long_for_bcrypt(password: str) -> bool:
    """bcrypt reads 72 bytes at most (and the library refuses more): no such password exists."""
    return len(password.encode()) > MAX_PASSWORD_BYTES


def password_problem(password: str, *, username: str) -> str | None:
    """Why a password cannot be used for `username`, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must be at least {MIN_PASSWORD_LENGTH} characters."
    if too_long_for_bcrypt(password):
        return f"The password must be at most {MAX_PASSWORD_BYTES} bytes (UTF-8)."
    if normalise_username(password) == username:
        return "The password must not be the username."
    if password != password.strip():
        return "The password must not start or end with a space."
    if any(unicodedata.category(c) == "Cc" for c in password):
        return "The password must not contain control characters (tabs, line breaks)."
    return guessability_problem(password, username=username)


def guessability_problem(password: str, *, username: str) -> str | None:
    """Why the password is too easy to guess, in zxcvbn's words and advice, or None."""
    with _ZXCVBN_LOCK:
        found = zxcvbn.zxcvbn(password, user_inputs=[username], max_length=MAX_PASSWORD_BYTES)
    if found["score"] >= MIN_GUESSABILITY_SCORE:
        return None
    feedback = found["feedback"]
    advice = feedback["suggestions"] or ["Add another word or two. Uncommon words are better."]
    return " ".join(
        ["The password is too easy to guess.", *filter(None, [feedback["warning"]]), *advice]
    )


SESSION_TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 URL-safe characters
_SESSION_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def is_session_token(value: object) -> bool:
    """Whether `value` can be a sign-in token at all (the browser stores it and sends it back:
    anything else, of any type or size, is nobody's session and is never looked up)."""
    return isinstance(value, str) and _SESSION_TOKEN.fullmatch(value) is not None
