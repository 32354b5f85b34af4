"""'Mark as done' on resources: a member records finishing a resource from the library.

Finishing a resource is what resource steps of certification tracks (and milestones) count, so
marking one done runs ``after_activity`` before it returns: the click that finishes a track's last
step also completes the track. Marking again keeps the first time; un-marking removes the row
but never takes back a track already completed (completion stays).
"""

from __future__ import annotations

from sqlalchemy import delete, select

from ..db import atomic, insert_ignoring_conflicts
from ..errors import Forbidden
from ..extensions import db
from ..models import ResourceCompletion, User
from ..models.base import utcnow
from ..permissions import require_active_account
from ..queries.resources import access_resource
from .progress import Activity, after_activity


def _require_member(actor: User) -> None:
    require_active_account(actor)
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Forbidden("Log in to keep track of the resources you finished.")


def complete_resource(actor: User, resource_id: object) -> ResourceCompletion:
    """Mark a resource done (idempotent: the first completion time stays)."""
    _require_member(actor)
    with atomic():
        resource = access_resource(actor, resource_id)
        if resource.is_deleted:
            raise Forbidden("This resource was deleted from the library.")
        insert_ignoring_conflicts(ResourceCompletion.__table__, [
            {"user_id": actor.id, "resource_id": resource.id, "completed_at": utcnow()}])
        completion = db.session.scalar(
            select(ResourceCompletion).where(ResourceCompletion.user_id == actor.id,
                                             ResourceCompletion.resource_id == resource.id)
            .execution_options(populate_existing=True))
        after_activity(actor.id, Activity.RESOURCE_FINISHED)
    return completion


def uncomplete_resource(actor: User, resource_id: object) -> None:
    """Take back "done" (nothing happens when it was not marked)."""
    _require_member(actor)
    with atomic():
        resource = access_resource(actor, resource_id)
        db.session.execute(delete(ResourceCompletion).where(ResourceCompletion.user_id == actor.id,
                                                            ResourceCompletion.resource_id == resource.id))
