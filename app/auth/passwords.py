"""Password hashing (Argon2id at the app's PASSWORD_ARGON2 parameters) and the password policy."""

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 128

# The 30,000 most common passwords of public breaches, as shipped with zxcvbn.
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])


def init_app(app: Flask) -> None:
    """Check the app's Argon2 parameters and make its timing hash now, not at the first unknown e-mail."""
    _dummy_hash(**app.config["PASSWORD_ARGON2"])


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, hash_len=32, salt_len=16, type=Type.ID
    )


@cache
def _dummy_hash(**parameters) -> str:
    # A hash of a random password, verified against when the e-mail is unknown, so that unknown
    # accounts and wrong passwords take the same time. One per set of parameters: same cost.
    return _hasher(**parameters).hash("not-a-real-password-just-for-timing")


def _parameters() -> dict:
    return current_app.config["PASSWORD_ARGON2"]


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password at the app's parameters."""
    return _hasher(**_parameters()).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether the password matches; a missing hash still costs one verification."""
    parameters = _parameters()
    try:
        matches = _hasher(**parameters).verify(password_hash or _dummy_hash(**parameters), password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    """Return whether the hash was made with other parameters than the app's."""
    return _hasher(**_parameters()).check_needs_rehash(password_hash)


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
