"""Account operations: authenticate, create, update, change passwords."""

from sqlalchemy import func, select

from app.audit import record_event
from app.auth.models import Role, User
from app.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from app.catalogue.models import Country
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.permissions import can_change_account


class AccountError(DomainError):
    """An account operation was refused; the message says why."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    """Return the e-mail address as stored: trimmed and lower-case."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the user with this e-mail address, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user these credentials belong to, or None; upgrades old hashes."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def countries_by_code(codes: list[str]) -> list[Country]:
    """Return the countries for these ISO codes; raises AccountError naming unknown ones."""
    wanted = {code.strip().upper() for code in codes if code.strip()}
    found = list(db.session.scalars(select(Country).where(Country.code.in_(wanted)).order_by(Country.code)))
    unknown = wanted - {country.code for country in found}
    if unknown:
        raise AccountError(f"Unknown country code: {', '.join(sorted(unknown))}.", field="countries")
    return found


def create_user(
    email: str,
    name: str,
    role: Role,
    password: str,
    countries: list[Country] = (),
    actor: User | None = None,
    ip_address: str | None = "",
) -> User:
    """Create an account; raises AccountError for a taken e-mail or a weak password."""
    if find_user_by_email(email):
        raise AccountError("An account with this e-mail address already exists.", field="email")
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem, field="password")
    user = User(
        email=normalise_email(email),
        name=name.strip() or normalise_email(email),
        role=role,
        password_hash=hash_password(password),
        countries=list(countries) if role == Role.OFFICER else [],
    )
    db.session.add(user)
    db.session.flush()
    record_event(
        "user.create",
        actor=actor,
        obj=user,
        ip_address=ip_address,
        role=role.value,
        countries=[c.code for c in user.countries],
    )
    return user


def update_user(
    user: User,
    name: str,
    role: Role,
    countries: list[Country],
    is_active: bool,
    actor: User,
    ip_address: str | None = "",
) -> User:
    """Change an account's name, role, countries or active flag; effective on its next request."""
    if not can_change_account(actor, user, role, is_active):
        raise AccountError("You cannot disable yourself or remove your own administrator role.", field="role")
    was_active = user.is_active
    user.name = name.strip() or user.name
    user.role = role
    user.countries = list(countries) if role == Role.OFFICER else []
    user.is_active = is_active
    if was_active and not is_active:
        user.rotate_session_token()
    record_event(
        "user.update",
        actor=actor,
        obj=user,
        ip_address=ip_address,
        role=role.value,
        countries=[c.code for c in user.countries],
        is_active=is_active,
    )
    return user


def set_password(user: User, new_password: str, actor: User | None = None, ip_address: str | None = "") -> None:
    """Set a new password and sign out every other session; raises AccountError if weak."""
    problem = password_problem(new_password, user.email)
    if problem:
        raise AccountError(problem, field="new_password")
    user.password_hash = hash_password(new_password)
    user.rotate_session_token()
    record_event("user.password", actor=actor or user, obj=user, ip_address=ip_address)


def change_own_password(user: User, current_password: str, new_password: str, ip_address: str | None = "") -> None:
    """Change one's own password after checking the current one."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError("The current password is not right.", field="current_password")
    set_password(user, new_password, actor=user, ip_address=ip_address)
