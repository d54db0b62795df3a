"""Review records: immutable revision snapshots, threaded comments, read marks and notices."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.db import UTCDateTime, created_at, int_pk
from app.extensions import db


class Revision(db.Model):
    """An immutable snapshot of a whole workplan, taken at each submission."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("workplan_id", "number"),)

    id: Mapped[int_pk]
    workplan_id: Mapped[int] = mapped_column(ForeignKey("workplans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    plan_version: Mapped[int]
    schema_version: Mapped[int] = mapped_column(default=1)
    snapshot: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[created_at]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()


@event.listens_for(Revision, "before_update")
def _refuse_revision_update(mapper, connection, target):
    raise ValueError("revisions are immutable")


class Comment(db.Model):
    """A comment on a section or an item of a workplan, possibly a reply in a thread."""

    __tablename__ = "comments"

    id: Mapped[int_pk]
    workplan_id: Mapped[int] = mapped_column(ForeignKey("workplans.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # What it is about: a section key ("context") or an item ("activity", its id).
    anchor_type: Mapped[str] = mapped_column(String(32))
    anchor_id: Mapped[int | None]
    section: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    is_blocking: Mapped[bool] = mapped_column(default=False)
    revision_number: Mapped[int | None]
    created_at: Mapped[created_at]
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    replies: Mapped[list["Comment"]] = relationship(order_by="Comment.created_at")

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ReviewRead(db.Model):
    """The last revision of a plan an HQ reviewer has read, for "changes since I last reviewed"."""

    __tablename__ = "review_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    workplan_id: Mapped[int] = mapped_column(ForeignKey("workplans.id", ondelete="CASCADE"), primary_key=True)
    revision_number: Mapped[int]
    read_at: Mapped[created_at]


class Notification(db.Model):
    """An in-app notice to one user about a plan: submitted, sent back, approved, commented on."""

    __tablename__ = "notifications"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workplan_id: Mapped[int | None] = mapped_column(ForeignKey("workplans.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
