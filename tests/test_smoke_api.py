from tests.factories import make_answer, make_thread, make_user


def test_thread_round_trip_through_api(app, api):
    alice, bob = make_user(app, "alice"), make_user(app, "bob")
    thread = make_thread(app, alice, tags=["excel"])
    answer = make_answer(app, bob, thread)
    response = api.as_user(alice).post(f"threads/{thread.id}/accept", {"answer_id": answer.id})
    assert response.status_code == 200
    assert response.json["accepted_answer_id"] == answer.id
    assert api.get(f"users/{bob.username}").json["reputation"] == 16
