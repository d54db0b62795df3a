"""Accounts: users, their role and the countries an officer serves."""

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalogue.models import Country
from app.db import UTCDateTime, created_at, enum_column, int_pk
from app.extensions import db

user_countries = Table(
    "user_countries",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("country_id", ForeignKey("countries.id", ondelete="CASCADE"), primary_key=True),
)


class Role(enum.StrEnum):
    """What a user does in the product."""

    OFFICER = "officer"
    HQ = "hq"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"officer": "National project officer", "hq": "HQ reviewer", "admin": "Administrator"}[self.value]


def new_session_token() -> str:
    """Return a fresh random token that identifies a user's sessions."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """A person who signs in: an officer, an HQ reviewer or an administrator."""

    __tablename__ = "users"

    id: Mapped[int_pk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Sessions carry this token, not the id: rotating it signs every copy of a cookie out.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[created_at]
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    countries: Mapped[list[Country]] = relationship(secondary=user_countries, order_by=Country.code)

    def get_id(self) -> str:
        return self.session_token

    def rotate_session_token(self) -> None:
        """Invalidate every existing session and remember cookie of this user."""
        self.session_token = new_session_token()

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_hq(self) -> bool:
        return self.role == Role.HQ

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def sees_all_countries(self) -> bool:
        return self.role in (Role.HQ, Role.ADMIN)

    @property
    def country_ids(self) -> set[int]:
        return {country.id for country in self.countries}

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
