"""What the pages give the live script, and the notifications page."""

from __future__ import annotations

import re

from community.web.forum.live import PLACEHOLDER_ID
from tests.browsing import source_of, submit, text_of
from tests.factories import accept, make_answer, make_thread, make_user


def test_the_thread_page_starts_live_updates_at_its_last_event(app, client, auth, api):
    asker, helper = make_user(app, "asker"), make_user(app, "helper")
    thread = make_thread(app, asker)
    make_answer(app, helper, thread)
    auth.login("asker")
    page = source_of(client.get(f"/questions/{thread.id}"))
    last = api.get(f"threads/{thread.id}/events?after=0").json["last_id"]
    assert f'data-last-event-id="{last}"' in page
    assert 'src="/static/js/live.js"' in page
    assert 'data-presence' in page and 'data-typing' in page


def test_the_answer_template_matches_real_answers_and_only_exists_for_members(app, client, auth):
    asker = make_user(app, "asker")
    thread = make_thread(app, asker)
    assert "answer-template" not in source_of(client.get(f"/questions/{thread.id}"))
    assert "live.js" not in source_of(client.get(f"/questions/{thread.id}"))
    auth.login("asker")
    page = source_of(client.get(f"/questions/{thread.id}"))
    template = re.search(r'<template id="answer-template"[^>]*>(.*?)</template>', page, re.S).group(1)
    assert f'id="answer-{PLACEHOLDER_ID}"' in template
    assert f'action="/posts/{PLACEHOLDER_ID}/vote"' in template
    assert "Accept this answer" in template  # the asker may accept answers that arrive live
    other = make_user(app, "onlooker")  # not "other": that is a flag reason in the template's flag form
    auth.logout()
    auth.login("onlooker")
    template = re.search(r'<template id="answer-template"[^>]*>(.*?)</template>',
                         source_of(client.get(f"/questions/{thread.id}")), re.S).group(1)
    assert "Accept this answer" not in template
    assert other.username not in template


def test_the_bell_shows_the_unread_count(app, client, auth, no_badges):
    asker, helper = make_user(app, "asker"), make_user(app, "helper")
    make_answer(app, helper, make_thread(app, asker))
    make_answer(app, helper, make_thread(app, asker))
    auth.login("asker")
    page = source_of(client.get("/"))
    assert re.search(r'data-unread-count\s*>2<', page)
    auth.logout()
    auth.login("helper")
    assert re.search(r'data-unread-count\s+hidden\s*>0<', source_of(client.get("/")))


def test_the_notifications_page_lists_and_marks_read(app, client, auth, no_badges):
    asker, helper = make_user(app, "asker"), make_user(app, "helper", display_name="Hal Helper")
    thread = make_thread(app, asker, title="Where is the expenses simulation?")
    answer = make_answer(app, helper, thread)
    accept(app, asker, thread, answer)
    assert client.get("/notifications").status_code == 302  # log in first
    auth.login("asker")
    page = text_of(client.get("/notifications"))
    assert "1 unread notification" in page
    assert "Hal Helper answered your question Where is the expenses simulation?" in page
    assert f'href="/questions/{thread.id}#answer-{answer.id}"' in source_of(client.get("/notifications"))
    response = submit(client, "/notifications/read", {})
    assert response.status_code == 302
    assert "0 unread notifications" in text_of(client.get("/notifications"))
    assert "All caught up" in text_of(client.get("/notifications?unread=1"))
    auth.logout()
    auth.login("helper")
    assert "Mark read" in text_of(client.get("/notifications"))
    note_id = re.search(r'name="id" value="(\d+)"', source_of(client.get("/notifications"))).group(1)
    submit(client, "/notifications/read", {"id": note_id})
    assert "0 unread notifications" in text_of(client.get("/notifications"))


def test_marking_a_notification_with_a_bad_id_is_a_clear_error(app, client, auth):
    make_user(app, "asker")
    auth.login("asker")
    response = submit(client, "/notifications/read", {"id": "lots"})
    assert response.status_code == 422
    assert "must be a whole number" in text_of(response)
    response = submit(client, "/notifications/read", {"id": str(2**64)})  # past SQLite's integers
    assert response.status_code == 422
    assert "notification ids" in text_of(response)


def test_the_question_list_offers_new_questions_live(app, client, auth, api):
    make_user(app, "asker")
    auth.login("asker")
    page = source_of(client.get("/"))
    assert "data-new-questions" in page
    assert re.search(r'data-threads-channel data-last-event-id="\d+"', page)
