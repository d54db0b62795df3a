"""What a step needs to know besides the plan: the user, where they work from, and the catalogue choices."""

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import or_, select

from app.auth.models import User
from app.catalogue.models import Objective, Partner, Recommendation, Theme
from app.extensions import db
from app.workplans.models import Workplan


@dataclass
class StepContext:
    """The plan being edited, who edits it and from which client address (for the audit log), and
    catalogue lists loaded once per request."""

    workplan: Workplan
    user: User
    ip_address: str | None = ""

    @cached_property
    def objectives(self) -> list[Objective]:
        return list(db.session.scalars(select(Objective).order_by(Objective.number)))

    @cached_property
    def themes(self) -> list[Theme]:
        return list(db.session.scalars(select(Theme).order_by(Theme.position)))

    @cached_property
    def recommendations(self) -> list[Recommendation]:
        return [rec for theme in self.themes for rec in theme.recommendations]

    @cached_property
    def partners(self) -> list[Partner]:
        """Partners an activity of this plan may name: international ones and the country's own."""
        query = (
            select(Partner)
            .where(
                or_(Partner.country_id.is_(None), Partner.country_id == self.workplan.country_id),
                or_(Partner.is_confirmed.is_(True), Partner.country_id == self.workplan.country_id),
            )
            .order_by(Partner.type, Partner.name)
        )
        return list(db.session.scalars(query))

    @cached_property
    def partner_ids(self) -> set[int]:
        return {partner.id for partner in self.partners}
