"""Fuzzing the JSON API from its own OpenAPI document: schemathesis generates valid and invalid
requests for every operation in /api/v1/openapi.json and sends them to the app in-process (WSGI),
as a logged-in member and anonymously. No request may get a 5xx, and every 4xx must be the error
envelope of shared/API.md. Path parameters point at real objects half of the time, so the checks
behind the 404s get exercised too. Derandomized: the same cases run every time."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks
from schemathesis.errors import FailureGroup

from community import create_app
from community.actions.users import create_api_token
from community.extensions import db
from community.models import User
from tests.conftest import BACKENDS, _test_config
from tests.factories import (
    give_kudos,
    make_answer,
    make_help_request,
    make_message,
    make_room,
    make_thread,
    make_user,
    share_resource,
)
from tests.support import truncate_all

CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance]

EXAMPLES = {"sqlite": {"member": 25, "anonymous": 12}, "postgresql": {"member": 12, "anonymous": 6}}
REVOKE_TOKEN = ("DELETE", "/api/v1/auth/tokens/current")


@dataclass
class Seeded:
    """Real objects for path parameters: (the caller's own, someone else's) for each name."""

    values: dict[str, tuple] = field(default_factory=dict)
    member_token: str = ""
    member_id: int = 0


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app and database for the module (the fuzzing is read-mostly and cheap to share)."""
    tmp_path = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    if request.param == "sqlite":
        path = tmp_path / "community.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
    app = create_app(_test_config(url, tmp_path))
    app.config["FUZZ_BACKEND"] = request.param
    yield app
    with app.app_context():
        db.engine.dispose()
    if request.param == "postgresql":
        truncate_all(url)


@pytest.fixture(scope="module")
def seeded(fuzz_app: Flask) -> Seeded:
    """A little community: threads with answers both ways, a public and a private room with
    messages and help requests, resources, kudos and so notifications."""
    member = make_user(fuzz_app, "fuzzer", display_name="Fuzz Member")
    other = make_user(fuzz_app, "colleague", display_name="Cora Colleague")
    mine = make_thread(fuzz_app, member, "How do I fuzz an API from its schema?", tags=["testing"])
    theirs = make_thread(fuzz_app, other, "Where do the schema examples come from?", tags=["openapi"])
    answer_to_mine = make_answer(fuzz_app, other, mine, "With schemathesis.")
    my_answer = make_answer(fuzz_app, member, theirs, "From the marshmallow schemas.")
    room = make_room(fuzz_app, member, "Fuzzing help", topic="Ask here")
    private = make_room(fuzz_app, other, "Private corner", private=True, members=["fuzzer"])
    message = make_message(fuzz_app, other, room, "Hello @fuzzer")
    make_message(fuzz_app, member, private, "Only for us")
    request = make_help_request(fuzz_app, other, room, "I need help with the seed data")
    resource = share_resource(fuzz_app, other, "https://docs.example.com/fuzzing", title="Fuzzing guide")
    own_resource = share_resource(fuzz_app, member, "https://docs.example.com/openapi", title="OpenAPI")
    give_kudos(fuzz_app, other, member, "Thanks for the fuzzing tips!", post=my_answer)
    with fuzz_app.app_context():
        token = create_api_token(db.session.get(User, member.id))
    return Seeded(member_token=token, member_id=member.id, values={
        "thread_id": (mine.id, theirs.id), "post_id": (my_answer.id, answer_to_mine.id),
        "username": ("fuzzer", "colleague"), "room": (room.slug, private.slug),
        "badge": ("first-question", "first-answer"), "message_id": (message.id, message.id),
        "request_id": (request.id, request.id), "resource_id": (own_resource.id, resource.id),
        "flag_id": (1, 1)})


@pytest.fixture(scope="module")
def api_schema(fuzz_app: Flask, seeded: Seeded):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)

    @schema.hook
    def flatmap_path_parameters(context, parameters: dict) -> object:
        """Half of the time, the path names real objects (the caller's own or someone else's)."""
        if not parameters:
            return st.just(parameters)
        choices = []
        for which in (0, 1):
            real = {}
            for name, generated in parameters.items():
                key = name
                if name == "slug":
                    key = "badge" if "/badges/" in context.operation.path else "room"
                real[name] = seeded.values[key][which] if key in seeded.values else generated
            choices.append(real)
        return st.sampled_from([parameters, *choices])

    return schema


def envelope_problem(response) -> str | None:
    """Why an error body is not ``{"error": {"code": str, "message": str, ...}}`` (None if it is)."""
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/json"):
        return f"not JSON ({content_type})"
    try:
        body = response.json()
    except ValueError:
        return "invalid JSON"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "no error object"
    if not isinstance(error.get("code"), str) or not error["code"]:
        return "no error code"
    if not isinstance(error.get("message"), str) or not error["message"]:
        return "no error message"
    return None


def fuzz_operation(fuzz_app: Flask, seeded: Seeded, operation, identity: str, examples: int,
                   failures: dict, cases: Counter) -> None:
    """Run ``examples`` positive and negative cases of one operation; record what went wrong."""
    key = (operation.method.upper(), operation.path)
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                         operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case) -> None:
        headers = {}
        if identity == "member":
            token = seeded.member_token
            if key == REVOKE_TOKEN:  # revoke a throwaway token, not the one the fuzzing uses
                with fuzz_app.app_context():
                    token = create_api_token(db.session.get(User, seeded.member_id))
            headers["Authorization"] = f"Bearer {token}"
        response = case.call(headers=headers)
        cases[key] += 1
        problems = []
        if response.status_code >= 400 and (why := envelope_problem(response)):
            problems.append(f"{response.status_code} {why}")
        try:  # no 5xx; the status, content type and body are the ones the document gives
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            problems += [f"{response.status_code} {failure.title}" for failure in group.exceptions]
        for problem in problems:
            if len(failures.setdefault((*key, problem), [])) < 3:
                failures[(*key, problem)].append(
                    f"path={case.path_parameters} query={case.query} body={_short(case.body)} "
                    f"-> {response.text[:200]}")

    run()


def _short(body: object) -> str:
    if type(body).__name__ == "NotSet":  # schemathesis' "no body"
        return "-"
    text = repr(body)
    return text if len(text) < 300 else text[:300] + "…"


@pytest.mark.parametrize("identity", ["member", "anonymous"])
def test_fuzzed_requests_never_get_a_500_and_every_error_is_the_envelope(
        fuzz_app, seeded, api_schema, identity, request):
    examples = EXAMPLES[fuzz_app.config["FUZZ_BACKEND"]][identity]
    failures: dict = {}
    cases: Counter = Counter()
    operations = [result.ok() for result in api_schema.get_all_operations()]  # all load: see below
    for operation in operations:
        fuzz_operation(fuzz_app, seeded, operation, identity, examples, failures, cases)
    request.node.user_properties += [("operations", len(operations)), ("cases", sum(cases.values()))]
    assert len(cases) == len(operations)
    report = [f"{method} {path}: {problem}\n    " + "\n    ".join(examples)
              for (method, path, problem), examples in sorted(failures.items())]
    assert not failures, f"{len(failures)} kinds of failure:\n" + "\n".join(report)


def test_the_openapi_document_is_served_and_describes_every_api_route(fuzz_app, api_schema):
    """/api/v1/openapi.json is generated from the code and valid: every route under /api/v1 is in
    it, every operation loads, each has its success, and errors are the envelope of shared/API.md."""
    document = fuzz_app.test_client().get("/api/v1/openapi.json")
    assert document.status_code == 200
    spec = document.json
    assert spec["openapi"].startswith("3.")
    documented = {(method.upper(), path) for path, item in spec["paths"].items()
                  for method in item if method != "parameters"}
    routes = set()
    for rule in fuzz_app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api-docs.openapi_json":
            path = rule.rule
            for name in rule.arguments:
                path = path.replace(f"<{name}>", f"{{{name}}}").replace(f"<int:{name}>", f"{{{name}}}")
            routes |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - documented == set()
    api_schema.validate()  # against the OpenAPI 3.0 meta-schema
    assert [result.err() for result in api_schema.get_all_operations() if hasattr(result, "err")] == []
    for item in spec["paths"].values():
        for responses in (operation["responses"] for method, operation in item.items()
                          if method != "parameters"):
            assert any(str(code).startswith("2") for code in responses)
            assert responses["4XX"] == responses["5XX"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}
    error = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert spec["components"]["schemas"]["ErrorEnvelope"]["required"] == ["error"]
    assert spec["components"]["schemas"]["ErrorDetail"]["required"] == ["code", "message"]
