"""The catalogue officers draft from: countries, objectives, lessons, partners."""

import enum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import code, enum_column, int_pk, name
from app.extensions import db


class Phase(enum.StrEnum):
    """The GLO.ACT phase a country belongs to."""

    PHASE_1 = "phase1"
    ASIA_MIDDLE_EAST = "asia_middle_east"

    @property
    def label(self) -> str:
        return {"phase1": "GLO.ACT phase 1 (2015–2019)", "asia_middle_east": "GLO.ACT Asia and the Middle East"}[
            self.value
        ]


class PartnerType(enum.StrEnum):
    """What kind of organisation a partner is."""

    UN_AGENCY = "un_agency"
    INTERNATIONAL = "international"
    GOVERNMENT = "government"
    CIVIL_SOCIETY = "civil_society"
    ACADEMIA = "academia"
    DONOR = "donor"

    @property
    def label(self) -> str:
        return PARTNER_TYPE_LABELS[self]


PARTNER_TYPE_LABELS = {
    PartnerType.UN_AGENCY: "UN agency",
    PartnerType.INTERNATIONAL: "International organisation",
    PartnerType.GOVERNMENT: "National authority",
    PartnerType.CIVIL_SOCIETY: "Civil society",
    PartnerType.ACADEMIA: "Academia",
    PartnerType.DONOR: "Donor",
}


class Country(db.Model):
    """A GLO.ACT partner country, by ISO 3166-1 alpha-2 code."""

    __tablename__ = "countries"

    id: Mapped[int_pk]
    code: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[name]
    phase: Mapped[Phase] = mapped_column(enum_column(Phase))

    def __repr__(self) -> str:
        return f"<Country {self.code}>"


class Objective(db.Model):
    """One of the six GLO.ACT objectives (pillars)."""

    __tablename__ = "objectives"

    id: Mapped[int_pk]
    code: Mapped[code]
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[name]
    description: Mapped[str] = mapped_column(Text, default="")
    lead_agencies: Mapped[str] = mapped_column(String(100), default="")


class Theme(db.Model):
    """A theme of the 2019 Community of Practice conclusions."""

    __tablename__ = "themes"

    id: Mapped[int_pk]
    code: Mapped[code]
    position: Mapped[int]
    title: Mapped[name]

    recommendations: Mapped[list["Recommendation"]] = relationship(
        back_populates="theme", order_by="Recommendation.position"
    )


class Recommendation(db.Model):
    """One bullet of the workshop conclusions: a lesson officers can apply."""

    __tablename__ = "recommendations"

    id: Mapped[int_pk]
    code: Mapped[code]
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    # Wizard step keys where this lesson is shown as guidance.
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)

    theme: Mapped[Theme] = relationship(back_populates="recommendations")


class Partner(db.Model):
    """An organisation that leads or takes part in activities."""

    __tablename__ = "partners"

    id: Mapped[int_pk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), default="")
    type: Mapped[PartnerType] = mapped_column(enum_column(PartnerType))
    # National bodies and NGOs belong to one country; international partners to none.
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"))
    # Partners an officer proposes inline wait for an administrator's confirmation.
    is_confirmed: Mapped[bool] = mapped_column(default=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    country: Mapped[Country | None] = relationship()

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name
