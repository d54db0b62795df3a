"""Password hashing (Argon2id at OWASP parameters) and the password policy."""

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

# OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1 (not argon2-cffi's defaults).
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
MIN_LENGTH = 12
MAX_LENGTH = 128

# A hash of a random password, verified against when the e-mail is unknown, so that
# unknown accounts and wrong passwords take the same time.
_DUMMY_HASH = HASHER.hash("not-a-real-password-just-for-timing")

# The 30,000 most common passwords of public breaches, as shipped with zxcvbn.
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password."""
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether the password matches; a missing hash still costs one verification."""
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Return whether the hash was made with other parameters than today's."""
    return HASHER.check_needs_rehash(password_hash)


def password_problem(password: str, email: str = "") -> str | None:
    """Return why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters; a few words make a strong, memorable password."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return "This password is too common or too simple; choose another."
    if email and lowered == email.lower():
        return "Do not use your e-mail address as your password."
    return None
