"""Suspensions, roles, site settings, the audit log and site activity, through the JSON API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from community.extensions import db
from community.models import AuditEntry, Notification, Role, SiteSetting
from tests.factories import make_answer, make_room, make_thread, make_user, reload_user
from tests.support import ApiClient, AuthActions, assert_error


@pytest.fixture
def people(app):
    return {
        "admin": make_user(app, "admin", role=Role.ADMIN),
        "mod": make_user(app, "mod", role=Role.MODERATOR),
        "alice": make_user(app, "alice"),
        "bob": make_user(app, "bob"),
    }


@pytest.fixture
def as_(app, people):
    clients = {name: ApiClient(app).as_user(user) for name, user in people.items()}
    return clients.__getitem__


def audit_rows(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = db.select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        rows = list(db.session.scalars(query))
        for row in rows:
            _ = row.actor
        db.session.expunge_all()
    return rows


def suspend(client, username="alice", **body):
    return client.post(f"users/{username}/suspension", {"days": 3, "reason": "Spamming links", **body})


# --- suspensions ------------------------------------------------------------------------------


def test_moderator_suspends_a_member_who_is_told_why_and_until_when(app, people, as_, captured_events):
    response = suspend(as_("mod"))
    assert response.status_code == 200
    body = response.json
    assert body["username"] == "alice" and body["suspension_reason"] == "Spamming links"
    until = datetime.fromisoformat(body["suspended_until"].replace("Z", "+00:00"))
    assert timedelta(days=3) - timedelta(minutes=1) < until - datetime.now(UTC) <= timedelta(days=3)
    assert reload_user(app, people["alice"].id).is_suspended

    with app.app_context():
        note = db.session.scalar(db.select(Notification).where(Notification.user_id == people["alice"].id))
        assert note.type == "account_suspended" and "Spamming links" in note.subject
        assert f"{until:%Y-%m-%d %H:%M} UTC" in note.subject
    live = [e for e in captured_events if e["type"] == "account_updated"]
    assert [e["channel"] for e in live] == [f"user:{people['alice'].id}"]
    assert live[0]["data"]["suspended_until"] == body["suspended_until"]
    assert live[0]["data"]["reason"] == "Spamming links"
    [row] = audit_rows(app, "user.suspend")
    assert (row.actor.username, row.target_type, row.target_id, row.target_label, row.reason) == (
        "mod", "user", str(people["alice"].id), "alice", "Spamming links")


def test_suspension_rules_answer_403_with_clear_messages(app, people, as_):
    other_mod = make_user(app, "mod2", role=Role.MODERATOR)
    cases = [
        (as_("bob"), "alice", "Only moderators and administrators can suspend members."),
        (as_("mod"), "mod", "You can't suspend yourself or lift your own suspension."),
        (as_("mod"), "mod2", "Only an administrator can suspend a moderator."),
        (as_("mod"), "admin", "Administrators can't be suspended."),
        (as_("admin"), "admin", "You can't suspend yourself or lift your own suspension."),
    ]
    for client, target, message in cases:
        error = assert_error(suspend(client, target), 403, "forbidden")
        assert error["message"] == message
    assert suspend(as_("admin"), "mod2").status_code == 200  # admins may suspend moderators
    assert reload_user(app, other_mod.id).is_suspended
    assert_error(suspend(ApiClient(app), "alice"), 401, "unauthorized")
    assert_error(suspend(as_("mod"), "nobody"), 404, "not_found")
    assert audit_rows(app, "user.suspend")[0].target_label == "mod2"


@pytest.mark.parametrize("body, field", [
    ({"reason": ""}, "reason"),
    ({"reason": "   "}, "reason"),
    ({"reason": "x" * 501}, "reason"),
    ({"days": 0}, "days"),
    ({"days": 366}, "days"),
    ({"days": None, "hours": 0.5}, "hours"),
    ({"days": None, "hours": 2}, None),
    ({"days": None, "until": "2020-01-01T00:00:00Z"}, "until"),
    ({"days": None, "until": "tomorrow"}, "until"),
    ({"days": None}, "days"),
    ({"days": 1, "hours": 5}, "days"),
])
def test_suspension_needs_a_reason_and_a_duration_of_1_hour_to_365_days(app, people, as_, body, field):
    response = suspend(as_("mod"), **body)
    if field is None:
        assert response.status_code == 200
        return
    assert field in assert_error(response, 422, "validation_error")["fields"]
    assert not reload_user(app, people["alice"].id).is_suspended


def test_suspension_until_a_given_time(app, people, as_):
    until = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    body = suspend(as_("mod"), days=None, until=until.isoformat().replace("+00:00", "Z")).json
    assert body["suspended_until"] == until.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_lifting_a_suspension_lets_the_member_post_again(app, people, as_, captured_events):
    suspend(as_("mod"))
    assert_error(as_("alice").post("threads", {"title": "How do I pass step three?", "body": "Help"}),
                 403, "forbidden")
    assert_error(as_("bob").delete("users/alice/suspension"), 403, "forbidden")
    assert as_("mod").delete("users/alice/suspension").status_code == 204
    assert as_("mod").delete("users/alice/suspension").status_code == 204  # nothing to lift: no-op
    assert not reload_user(app, people["alice"].id).is_suspended
    assert as_("alice").post("threads", {"title": "How do I pass step three?", "body": "Help"}
                             ).status_code == 201
    assert [r.action for r in audit_rows(app)] == ["user.suspend", "user.unsuspend"]
    updates = [e["data"] for e in captured_events if e["type"] == "account_updated"]
    assert updates[-1]["suspended_until"] is None


def test_a_suspended_member_can_log_in_and_read_but_every_write_is_refused(app, people, as_):
    thread = make_thread(app, people["bob"])
    answer = make_answer(app, people["bob"], thread)
    room = make_room(app, people["bob"], "Open room")
    suspend(as_("mod"))

    # Still logs in (token and form) and reads.
    token = ApiClient(app).post("auth/tokens", {"login": "alice", "password": "correct horse"})
    assert token.status_code == 201
    client = app.test_client()
    assert AuthActions(client).login("alice").status_code == 302
    assert client.get(f"/questions/{thread.id}").status_code == 200
    me = ApiClient(app, token.json["token"])
    assert me.get(f"threads/{thread.id}").status_code == 200
    assert me.get("me").json["suspension_reason"] == "Spamming links"

    writes = [
        ("post", "threads", {"title": "How do I pass step three?", "body": "Help"}),
        ("post", f"threads/{thread.id}/answers", {"body": "Me too"}),
        ("post", f"posts/{answer.id}/vote", {"value": 1}),
        ("post", f"rooms/{room.slug}/messages", {"body": "hello"}),
        ("post", "resources", {"url": "https://example.com/tips"}),
        ("post", "kudos", {"to": "bob", "message": "Thanks!"}),
        ("patch", "me", {"display_name": "Alice"}),
    ]
    for method, path, body in writes:
        error = assert_error(getattr(me, method)(path, body), 403, "forbidden")
        assert error["message"].startswith("Your account is suspended until "), path
        assert "you can read but not post" in error["message"] and "Spamming links" in error["message"]


def test_moderators_see_suspensions_on_profiles_and_members_do_not(app, people, as_):
    suspend(as_("mod"))
    assert as_("mod").get("users/alice").json["suspension_reason"] == "Spamming links"
    assert "suspended_until" not in as_("bob").get("users/alice").json
    assert "suspended_until" not in ApiClient(app).get("users/alice").json
    listed = as_("mod").get("admin/users?status=suspended").json
    assert [(u["username"], u["suspension_reason"]) for u in listed["items"]] == [("alice", "Spamming links")]
    assert as_("mod").get("admin/users?q=BO").json["items"][0]["suspended_until"] is None
    assert_error(as_("bob").get("admin/users"), 403, "forbidden")
    assert_error(as_("mod").get("admin/users?role=owner"), 422, "validation_error")


# --- roles -----------------------------------------------------------------------------------


def test_admins_change_roles_and_it_is_audited(app, people, as_, captured_events):
    response = as_("admin").put("users/alice/role", {"role": "moderator"})
    assert response.status_code == 200 and response.json["role"] == "moderator"
    assert reload_user(app, people["alice"].id).role == "moderator"
    [row] = audit_rows(app, "user.role")
    assert row.actor.username == "admin" and row.target_label == "alice"
    assert '"after": "moderator"' in row.details and '"before": "member"' in row.details
    assert [e["data"]["role"] for e in captured_events if e["type"] == "account_updated"] == ["moderator"]


def test_only_admins_change_roles(app, people, as_):
    for name in ("mod", "bob"):
        error = assert_error(as_(name).put("users/alice/role", {"role": "admin"}), 403, "forbidden")
        assert error["message"] == "Only administrators can change roles."
    assert_error(as_("admin").put("users/alice/role", {"role": "owner"}), 422, "validation_error")
    assert_error(as_("admin").put("users/nobody/role", {"role": "member"}), 404, "not_found")
    assert reload_user(app, people["alice"].id).role == "member"


def test_the_last_admin_cannot_be_demoted(app, people, as_):
    error = assert_error(as_("admin").put("users/admin/role", {"role": "member"}), 409, "conflict")
    assert "last administrator" in error["message"]
    assert as_("admin").put("users/bob/role", {"role": "admin"}).status_code == 200
    assert as_("admin").put("users/admin/role", {"role": "member"}).status_code == 200  # bob remains
    assert_error(as_("bob").put("users/bob/role", {"role": "moderator"}), 409, "conflict")


def test_the_cli_role_change_uses_the_same_rules(app, people):
    from tests.test_cli import invoke

    result = invoke(app, ["set-role", "alice", "moderator"])
    assert result.exit_code == 0 and "alice is now moderator" in result.output
    assert reload_user(app, people["alice"].id).role == "moderator"
    result = invoke(app, ["set-role", "admin", "member"])
    assert result.exit_code != 0 and "last administrator" in result.output
    [row] = audit_rows(app, "user.role")
    assert row.actor_id is None and row.target_label == "alice"


# --- site settings ---------------------------------------------------------------------------


def test_settings_list_values_defaults_and_overrides(app, people, as_):
    body = as_("admin").get("admin/settings").json["settings"]
    assert body["PRIVILEGE_DOWNVOTE"] == {
        "value": 50, "default": 50, "type": "integer", "overridden": False,
        "description": "Reputation needed to downvote."}
    assert body["OPEN_REGISTRATION"]["type"] == "boolean"
    assert body["ROOM_MESSAGE_LIMIT"]["value"] == "10 per 10 seconds"
    for name in ("mod", "bob"):
        assert_error(as_(name).get("admin/settings"), 403, "forbidden")
        assert_error(as_(name).patch("admin/settings", {"PRIVILEGE_DOWNVOTE": 1}), 403, "forbidden")
    assert_error(ApiClient(app).get("admin/settings"), 401, "unauthorized")


def test_lowering_the_downvote_privilege_takes_effect_at_once(app, people, as_):
    thread = make_thread(app, people["bob"])
    error = assert_error(as_("alice").post(f"posts/{thread.id}/vote", {"value": -1}), 403, "forbidden")
    assert "50 reputation" in error["message"]

    response = as_("admin").patch("admin/settings", {"PRIVILEGE_DOWNVOTE": 1})
    assert response.status_code == 200
    assert response.json["settings"]["PRIVILEGE_DOWNVOTE"] == {
        "value": 1, "default": 50, "type": "integer", "overridden": True,
        "description": "Reputation needed to downvote."}
    assert as_("alice").post(f"posts/{thread.id}/vote", {"value": -1}).json["score"] == -1

    [row] = audit_rows(app, "setting.update")
    assert (row.actor.username, row.target_type, row.target_id) == ("admin", "setting", "PRIVILEGE_DOWNVOTE")
    assert '"before": 50' in row.details and '"after": 1' in row.details

    assert as_("admin").patch("admin/settings", {}).status_code == 200  # nothing to change
    reset = as_("admin").patch("admin/settings", {"PRIVILEGE_DOWNVOTE": None}).json["settings"]
    assert reset["PRIVILEGE_DOWNVOTE"]["value"] == 50 and not reset["PRIVILEGE_DOWNVOTE"]["overridden"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SiteSetting.name))) == 0


def test_closing_registration_and_restricting_domains(app, people, as_):
    def register(name, domain="example.com"):
        return ApiClient(app).post("auth/register", {"username": name, "email": f"{name}@{domain}",
                                                     "password": "long enough"})

    as_("admin").patch("admin/settings", {"OPEN_REGISTRATION": False})
    error = assert_error(register("carol"), 403, "forbidden")
    assert "Registration is closed" in error["message"]
    assert app.test_client().get("/register").status_code == 403

    body = as_("admin").patch("admin/settings", {"OPEN_REGISTRATION": True,
                                                 "ALLOWED_EMAIL_DOMAINS": "Corp.Example, @team.example"})
    assert body.json["settings"]["ALLOWED_EMAIL_DOMAINS"]["value"] == "corp.example,team.example"
    assert "email" in assert_error(register("dave"), 422, "validation_error")["fields"]
    assert register("erin", "team.example").status_code == 201


def test_config_values_apply_without_an_override_row(make_app):
    closed = make_app(OPEN_REGISTRATION=False, PRIVILEGE_DOWNVOTE=7)
    admin = make_user(closed, "root", role=Role.ADMIN)
    settings = ApiClient(closed).as_user(admin).get("admin/settings").json["settings"]
    assert settings["OPEN_REGISTRATION"]["value"] is False and settings["PRIVILEGE_DOWNVOTE"]["default"] == 7
    assert_error(ApiClient(closed).post("auth/register", {"username": "zed", "email": "zed@example.com",
                                                          "password": "long enough"}), 403, "forbidden")


@pytest.mark.parametrize("changes, field", [
    ({"PRIVILEGE_DOWNVOTE": -1}, "PRIVILEGE_DOWNVOTE"),
    ({"PRIVILEGE_DOWNVOTE": 10**9}, "PRIVILEGE_DOWNVOTE"),
    ({"PRIVILEGE_DOWNVOTE": "many"}, "PRIVILEGE_DOWNVOTE"),
    ({"KUDOS_DAILY_LIMIT": 1.5}, "KUDOS_DAILY_LIMIT"),
    ({"FLAG_HIDE_THRESHOLD": 0}, "FLAG_HIDE_THRESHOLD"),
    ({"OPEN_REGISTRATION": "perhaps"}, "OPEN_REGISTRATION"),
    ({"ALLOWED_EMAIL_DOMAINS": "not a domain!"}, "ALLOWED_EMAIL_DOMAINS"),
    ({"ROOM_MESSAGE_LIMIT": "lots"}, "ROOM_MESSAGE_LIMIT"),
    ({"NEW_MEMBER_POST_LIMIT": "0 per hour"}, "NEW_MEMBER_POST_LIMIT"),
    ({"MEMBER_POST_LIMIT": 60}, "MEMBER_POST_LIMIT"),
    ({"SECRET_KEY": "x"}, "SECRET_KEY"),
])
def test_bad_setting_values_are_422_per_field_and_change_nothing(app, people, as_, changes, field):
    response = as_("admin").patch("admin/settings", {"KUDOS_DAILY_LIMIT": 9, **changes})
    assert field in assert_error(response, 422, "validation_error")["fields"]
    assert as_("admin").get("admin/settings").json["settings"]["KUDOS_DAILY_LIMIT"]["value"] == 5
    assert audit_rows(app, "setting.update") == []


def test_room_message_and_kudos_limits_follow_the_settings(app, people, as_):
    app.config["RATELIMIT_ENABLED"] = True
    room = make_room(app, people["bob"], "Busy room")
    as_("admin").patch("admin/settings", {"ROOM_MESSAGE_LIMIT": "1 per minute", "KUDOS_DAILY_LIMIT": 1})
    assert as_("alice").post(f"rooms/{room.slug}/messages", {"body": "one"}).status_code == 201
    assert_error(as_("alice").post(f"rooms/{room.slug}/messages", {"body": "two"}), 429, "rate_limited")
    assert as_("alice").post("kudos", {"to": "bob", "message": "Thanks!"}).status_code == 201
    error = assert_error(as_("alice").post("kudos", {"to": "bob", "message": "Again"}), 429, "rate_limited")
    assert "1 kudos a day" in error["message"]


def test_the_daily_vote_cap_follows_the_setting(app, people, as_):
    as_("admin").patch("admin/settings", {"REPUTATION_DAILY_VOTE_CAP": 10})
    first, second = make_thread(app, people["bob"]), make_thread(app, people["bob"])
    for thread in (first, second):
        assert as_("alice").post(f"posts/{thread.id}/vote", {"value": 1}).status_code == 200
    assert reload_user(app, people["bob"].id).reputation == 11


def test_another_process_sees_a_change_after_the_cache_ttl(app, make_app, people, as_):
    other = make_app(SITE_SETTINGS_TTL_SECONDS=0)  # a second worker on the same database
    with other.app_context():
        from community.settings import setting

        assert setting("PRIVILEGE_RETAG") == 500
    as_("admin").patch("admin/settings", {"PRIVILEGE_RETAG": 20})
    with other.app_context():
        assert setting("PRIVILEGE_RETAG") == 20


# --- audit log and stats ---------------------------------------------------------------------


def test_audit_log_lists_entries_with_filters_for_moderators_only(app, people, as_):
    suspend(as_("mod"))
    as_("mod").delete("users/alice/suspension")
    as_("admin").put("users/bob/role", {"role": "moderator"})
    log = as_("mod").get("audit-log").json
    assert log["total"] == 3 and log["page"] == 1 and log["per_page"] == 20
    assert [e["action"] for e in log["items"]] == ["user.role", "user.unsuspend", "user.suspend"]
    entry = log["items"][-1]
    assert entry["actor"]["username"] == "mod" and entry["target_label"] == "alice"
    assert entry["reason"] == "Spamming links" and "until" in entry["details"]
    assert set(entry) == {"id", "actor", "action", "target_type", "target_id", "target_label", "reason",
                          "details", "created_at"}
    assert as_("admin").get("audit-log?actor=admin").json["total"] == 1
    assert as_("admin").get("audit-log?action=user.suspend").json["total"] == 1
    assert as_("admin").get("audit-log?action=user").json["total"] == 3
    assert as_("admin").get("audit-log?target_type=setting").json["total"] == 0
    assert as_("admin").get("audit-log?actor=ghost").json["total"] == 0
    assert as_("admin").get("audit-log?per_page=1&page=2").json["items"][0]["action"] == "user.unsuspend"
    assert_error(as_("alice").get("audit-log"), 403, "forbidden")
    assert_error(ApiClient(app).get("audit-log"), 401, "unauthorized")
    assert_error(as_("admin").get("audit-log?page=0"), 422, "validation_error")


def test_stats_count_activity_for_moderators(app, people, as_):
    thread = make_thread(app, people["alice"])
    make_answer(app, people["bob"], thread)
    stats = as_("mod").get("admin/stats").json
    assert stats["totals"]["members"] == 4 and stats["totals"]["questions"] == 1
    assert stats["last_7_days"]["answers"] == 1 and stats["last_30_days"]["active_users"] == 2
    assert stats["totals"]["open_flags"] == 0
    days = stats["posts_per_day"]
    assert len(days) == 30 and days[-1] == {"date": datetime.now(UTC).date().isoformat(),
                                            "questions": 1, "answers": 1}
    assert_error(as_("alice").get("admin/stats"), 403, "forbidden")
