"""Input schemas: types and presence. Ranges and rules are checked by the actions themselves."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields


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
    status = fields.String()
    sort = fields.String()
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
    value = fields.Integer(required=True, strict=True)


class AcceptIn(Input):
    answer_id = fields.Integer(required=True, allow_none=True, strict=True)


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
    period = fields.String()
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
    kind = fields.String(load_default=None, allow_none=True)
    tags = fields.List(fields.String(), load_default=None, allow_none=True)
    duration_minutes = fields.Integer(load_default=None, allow_none=True, strict=True)


class ResourcePatch(Input):
    title = fields.String()
    description = fields.String()
    kind = fields.String()
    tags = fields.List(fields.String())
    duration_minutes = fields.Integer(allow_none=True, strict=True)


class ResourceListArgs(Input):
    tag = fields.String()
    kind = fields.String()
    max_minutes = fields.Integer()
    sort = fields.String()
    shared_by = fields.String()
    page = fields.Integer()
    per_page = fields.Integer()


class UrlCheckArgs(Input):
    url = fields.String(required=True)


class RatingIn(Input):
    stars = fields.Integer(required=True, strict=True)
    review = fields.String(load_default=None, allow_none=True)
