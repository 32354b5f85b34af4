"""Input schemas: types and presence (and, for the OpenAPI document, the accepted values). Ranges
and rules are checked by the actions themselves. At the end, the error envelope as documented."""

from __future__ import annotations

from collections.abc import Iterable

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, fields

from ...actions.flags import DECISIONS as FLAG_DECISIONS
from ...actions.flags import REASONS as FLAG_REASONS
from ...models import Role
from ...queries.audit import TARGET_TYPES
from ...queries.flags import STATUSES as FLAG_STATUSES
from ...queries.flags import TARGET_TYPES as FLAG_TARGET_TYPES
from ...queries.leaderboard import PERIODS
from ...queries.resources import KINDS, RESOURCE_SORTS
from ...queries.threads import THREAD_SORTS, THREAD_STATUSES
from ...settings import EDITABLE, EditableSetting


def one_of(values: Iterable[object]) -> dict:
    """Field metadata that puts the accepted values in the OpenAPI document; the actions still
    check them (and say so in their own words)."""
    return {"enum": list(values)}


class Input(Schema):
    class Meta:
        unknown = EXCLUDE


class RegisterIn(Input):
    username = fields.String(required=True)
    email = fields.String(required=True)
    password = fields.String(required=True)
    display_name = fields.String(load_default="")


class TokenIn(Input):
    login = fields.String(required=True)
    password = fields.String(required=True)


class PasswordResetIn(Input):
    login = fields.String(required=True)


class PasswordResetConfirmIn(Input):
    token = fields.String(required=True)
    password = fields.String(required=True)


class ProfileIn(Input):
    display_name = fields.String()
    department = fields.String()
    job_role = fields.String()
    bio = fields.String()
    skills = fields.List(fields.String())


class ThreadIn(Input):
    title = fields.String(required=True)
    body = fields.String(required=True)
    tags = fields.List(fields.String(), load_default=list)


class ThreadPatch(Input):
    title = fields.String()
    body = fields.String()
    tags = fields.List(fields.String())


class ThreadListArgs(Input):
    tag = fields.String()
    status = fields.String(metadata=one_of(THREAD_STATUSES))
    sort = fields.String(metadata=one_of(THREAD_SORTS))
    author = fields.String()
    page = fields.Integer()
    per_page = fields.Integer()


class PageArgs(Input):
    page = fields.Integer()
    per_page = fields.Integer()


class AnswerIn(Input):
    body = fields.String(required=True)


class BodyPatch(Input):
    body = fields.String(required=True)


class VoteIn(Input):
    value = fields.Integer(required=True, strict=True, metadata=one_of((1, -1, 0)))


class AcceptIn(Input):
    answer_id = fields.Integer(required=True, allow_none=True, strict=True)


class ReasonIn(Input):
    reason = fields.String(required=True, metadata={"description": "shown on the thread, 1-500 characters"})


class MergeIn(Input):
    into = fields.Integer(required=True, strict=True, metadata={"description": "the target thread's id"})
    reason = fields.String(required=True, metadata={"description": "shown on the thread, 1-500 characters"})


class EventsArgs(Input):
    after = fields.Integer(load_default=0)


class TagArgs(Input):
    q = fields.String(load_default="")


class PreviewIn(Input):
    body = fields.String(required=True)


class NotificationListArgs(Input):
    unread = fields.Boolean(load_default=False)
    page = fields.Integer()
    per_page = fields.Integer()


class NotificationsReadIn(Input):
    ids = fields.List(fields.Integer(strict=True))
    all = fields.Boolean(load_default=False)


class KudosIn(Input):
    to = fields.String(required=True)
    message = fields.String(required=True)
    post_id = fields.Integer(load_default=None, allow_none=True, strict=True)


class KudosListArgs(Input):
    to = fields.String()
    page = fields.Integer()
    per_page = fields.Integer()


class LeaderboardArgs(Input):
    period = fields.String(metadata=one_of(PERIODS))
    department = fields.String()
    tag = fields.String()
    page = fields.Integer()
    per_page = fields.Integer()


class VoteFlagArgs(Input):
    resolved = fields.Boolean(load_default=False)
    page = fields.Integer()
    per_page = fields.Integer()


class ResourceIn(Input):
    url = fields.String(required=True)
    title = fields.String(load_default=None, allow_none=True)
    description = fields.String(load_default=None, allow_none=True)
    kind = fields.String(load_default=None, allow_none=True, metadata=one_of(KINDS))
    tags = fields.List(fields.String(), load_default=None, allow_none=True)
    duration_minutes = fields.Integer(load_default=None, allow_none=True, strict=True)


class ResourcePatch(Input):
    title = fields.String()
    description = fields.String()
    kind = fields.String(metadata=one_of(KINDS))
    tags = fields.List(fields.String())
    duration_minutes = fields.Integer(allow_none=True, strict=True)


class ResourceListArgs(Input):
    tag = fields.String()
    kind = fields.String(metadata=one_of(KINDS))
    max_minutes = fields.Integer()
    sort = fields.String(metadata=one_of(RESOURCE_SORTS))
    shared_by = fields.String()
    page = fields.Integer()
    per_page = fields.Integer()


class UrlCheckArgs(Input):
    url = fields.String(required=True)


class RatingIn(Input):
    stars = fields.Integer(required=True, strict=True, metadata={"minimum": 1, "maximum": 5})
    review = fields.String(load_default=None, allow_none=True)


# --- suspensions, roles, site settings and the audit log -------------------------------------------


class RoleIn(Input):
    role = fields.String(required=True, metadata=one_of(r.value for r in Role))


class SuspensionIn(Input):
    reason = fields.String(required=True, metadata={"description": "1-500 characters"})
    days = fields.Float(load_default=None, allow_none=True,
                        metadata={"description": "one of days, hours or until: 1 hour to 365 days"})
    hours = fields.Float(load_default=None, allow_none=True)
    until = fields.String(load_default=None, allow_none=True,
                          metadata={"description": "ISO 8601 end time, e.g. 2026-12-01T09:00:00Z"})


def _setting_field(spec: EditableSetting) -> fields.Field:
    """A PATCH /admin/settings field: its JSON type, or null to reset it to the default."""
    meta = {"description": f"{spec.description} null resets it to the configured default."}
    if spec.type == "bool":
        return fields.Boolean(allow_none=True, metadata=meta)
    if spec.type == "int":
        return fields.Integer(allow_none=True, strict=True,
                              metadata={**meta, "minimum": spec.minimum, "maximum": spec.maximum})
    return fields.String(allow_none=True, metadata=meta)


class StrictInput(Schema):
    class Meta:
        unknown = RAISE  # an unknown name is a 422: a typo must not look saved


SettingsPatch = StrictInput.from_dict({name: _setting_field(spec) for name, spec in EDITABLE.items()},
                                      name="SettingsPatch")


class AuditLogArgs(Input):
    action = fields.String(metadata={"description": "user.suspend, or a noun: user"})
    actor = fields.String(metadata={"description": "username"})
    target_type = fields.String(metadata=one_of(TARGET_TYPES))
    page = fields.Integer()
    per_page = fields.Integer()


class UserListArgs(Input):
    q = fields.String()
    role = fields.String(metadata=one_of(r.value for r in Role))
    status = fields.String(metadata=one_of(("suspended",)))
    page = fields.Integer()
    per_page = fields.Integer()


# --- member flags -------------------------------------------------------------------------------


class FlagIn(Input):
    target_type = fields.String(required=True, metadata=one_of(FLAG_TARGET_TYPES))
    target_id = fields.Integer(required=True, strict=True)
    reason = fields.String(required=True, metadata=one_of(FLAG_REASONS))
    note = fields.String(load_default=None, allow_none=True,
                         metadata={"description": "at most 500 characters; required for reason other"})


class FlagListArgs(Input):
    status = fields.String(metadata=one_of(FLAG_STATUSES))
    target_type = fields.String(metadata=one_of(FLAG_TARGET_TYPES))
    page = fields.Integer()
    per_page = fields.Integer()


class FlagResolveIn(Input):
    decision = fields.String(required=True, metadata=one_of(FLAG_DECISIONS))
    note = fields.String(load_default=None, allow_none=True)


# --- output: the error envelope of shared/API.md, as the OpenAPI document describes it ---------


class Output(Schema):
    class Meta:
        unknown = INCLUDE  # an error may carry more than these


class ErrorDetail(Output):
    code = fields.String(required=True, metadata={"description": "validation_error, not_found, ..."})
    message = fields.String(required=True)
    field_reasons = fields.Dict(keys=fields.String(), values=fields.String(), data_key="fields",
                                metadata={"description": "field -> reason (validation errors)"})
    retry_after = fields.Integer(metadata={"description": "seconds to wait (rate_limited)"})
    request_id = fields.String(metadata={"description": "the logged request (internal)"})


class ErrorEnvelope(Output):
    error = fields.Nested(ErrorDetail, required=True)
    existing = fields.Dict(metadata={"description": "the resource already shared (duplicate)"})
