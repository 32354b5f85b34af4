"""Learning contracts: a member's written commitment (objectives, the resources they will use,
dates), private unless shared with a manager or mentor, who may comment and co-sign.

The status is derived, never stored: done when completed, late when an open item's (or the
contract's) date has passed, otherwise on track. Every change, comment and co-signature is kept
as an entry, so the history stays readable.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .users import User


class ShareRole(enum.StrEnum):
    MANAGER = "manager"
    MENTOR = "mentor"


class LearningContract(db.Model):
    __tablename__ = "learning_contracts"
    __table_args__ = (Index("ix_learning_contracts_owner_id", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[str] = mapped_column(Text, default="")  # Markdown
    objectives_html: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    owner: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    items: Mapped[list[ContractItem]] = relationship(lazy="selectin", order_by="ContractItem.position",
                                                     cascade="all, delete-orphan")
    shares: Mapped[list[ContractShare]] = relationship(lazy="selectin", cascade="all, delete-orphan")


class ContractItem(db.Model):
    """One thing the member commits to do, optionally with a resource and a date."""

    __tablename__ = "contract_items"
    __table_args__ = (Index("ix_contract_items_contract_id", "contract_id"),
                      Index("ix_contract_items_due_on", "due_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("learning_contracts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(String(200))
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id", ondelete="SET NULL"),
                                                    nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ContractShare(db.Model):
    __tablename__ = "contract_shares"
    __table_args__ = (Index("ix_contract_shares_user_id", "user_id"),)

    contract_id: Mapped[int] = mapped_column(ForeignKey("learning_contracts.id", ondelete="CASCADE"),
                                             primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(10), default=ShareRole.MENTOR.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cosigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class ContractEntry(db.Model):
    """The contract's history: created, edited, item done, comment, co-signed, completed, …"""

    __tablename__ = "contract_entries"
    __table_args__ = (Index("ix_contract_entries_contract_id_id", "contract_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("learning_contracts.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")  # a comment's Markdown, or what changed
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
