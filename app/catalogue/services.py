"""Catalogue operations: create, edit and confirm partners."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app.audit import record_event
from app.catalogue.models import Country, Partner, PartnerType
from app.errors import DomainError
from app.extensions import db

if TYPE_CHECKING:
    # Accounts build on the catalogue (an officer serves countries), never the other way round.
    from app.auth.models import User


class DuplicatePartner(DomainError):
    """Another partner already has this name."""

    field = "name"


def _check_name_is_free(name: str, partner: Partner | None = None) -> None:
    """Raise DuplicatePartner when another partner has this name, whatever its case."""
    query = select(Partner.id).where(func.lower(Partner.name) == name.lower())
    if partner is not None and partner.id is not None:
        query = query.where(Partner.id != partner.id)
    if db.session.scalar(query) is not None:
        raise DuplicatePartner(f"A partner called “{name}” already exists.")


def _details(partner: Partner) -> dict:
    return {
        "name": partner.name,
        "type": partner.type.value,
        "country": partner.country.code if partner.country else None,
        "is_confirmed": partner.is_confirmed,
    }


def create_partner(
    name: str,
    short_name: str,
    partner_type: PartnerType,
    country: Country | None,
    actor: User,
    confirmed: bool = True,
    ip_address: str | None = "",
) -> Partner:
    """Add a partner; unconfirmed when an officer proposes it. Raises DuplicatePartner."""
    name = name.strip()
    _check_name_is_free(name)
    partner = Partner(
        name=name,
        short_name=short_name.strip(),
        type=partner_type,
        country=country,
        is_confirmed=confirmed,
        proposed_by_id=None if confirmed else actor.id,
    )
    db.session.add(partner)
    db.session.flush()
    record_event("partner.create", actor=actor, obj=partner, ip_address=ip_address, **_details(partner))
    return partner


def update_partner(
    partner: Partner,
    name: str,
    short_name: str,
    partner_type: PartnerType,
    country: Country | None,
    actor: User,
    ip_address: str | None = "",
) -> Partner:
    """Change a partner's name, short name, type or country. Raises DuplicatePartner."""
    name = name.strip()
    _check_name_is_free(name, partner)
    partner.name = name
    partner.short_name = short_name.strip()
    partner.type = partner_type
    partner.country = country
    db.session.flush()
    record_event("partner.update", actor=actor, obj=partner, ip_address=ip_address, **_details(partner))
    return partner


def confirm_partner(partner: Partner, actor: User, ip_address: str | None = "") -> Partner:
    """Confirm a partner an officer proposed; confirming a confirmed partner changes nothing."""
    if not partner.is_confirmed:
        partner.is_confirmed = True
        db.session.flush()
        record_event("partner.confirm", actor=actor, obj=partner, ip_address=ip_address, **_details(partner))
    return partner
