"""A small demo community, created through the actions so every counter and event is real."""

from __future__ import annotations

from collections.abc import Callable

from .actions import answers as answer_actions
from .actions import kudos as kudos_actions
from .actions import threads as thread_actions
from .actions import users as user_actions
from .actions import votes as vote_actions
from .models import Role, User
from .queries.users import get_user_by_username

DEMO_PASSWORD = "demo-password"

DEMO_USERS = [
    {"username": "priya", "display_name": "Priya Raman", "role": "member",
     "department": "Sales", "job_role": "Account Executive", "skills": ["sales-training", "crm"]},
    {"username": "marcus", "display_name": "Marcus Chen", "role": "member",
     "department": "Finance", "job_role": "Financial Analyst", "skills": ["excel", "reporting"]},
    {"username": "sofia", "display_name": "Sofia Alvarez", "role": "moderator",
     "department": "Learning & Development", "job_role": "Learning Designer",
     "skills": ["onboarding", "simulation"]},
    {"username": "tom", "display_name": "Tom Okafor", "role": "member",
     "department": "Customer Success", "job_role": "Support Lead", "skills": ["simulation"]},
    {"username": "admin", "display_name": "Site Admin", "role": "admin",
     "department": "IT", "job_role": "Administrator", "skills": []},
]

# (asker, title, body, tags, [(answerer, body, [voters], accepted)], [question voters])
DEMO_THREADS = [
    ("tom", "Negotiation simulation: the buyer walks out at round 3 every time",
     "I'm on the **Advanced Negotiation** simulation (module 4). Whatever I offer in round 3, "
     "the virtual buyer ends the meeting.\n\nWhat I tried:\n\n1. Holding my price and adding "
     "free onboarding\n2. A 10% discount\n3. Asking about their budget first\n\nIs there a "
     "trick to this round?",
     ["simulation", "sales-training"],
     [("priya", "Round 3 scores you on *discovery*, not on price. Before making any offer, ask "
       "at least two open questions about their timeline and who else decides. The buyer only "
       "walks out when you make an offer without having uncovered the **decision process**."
       "\n\nThe debrief screen shows this under \"Missed cues\" if you scroll down.",
       ["tom", "marcus", "sofia"], True),
      ("marcus", "Same thing happened to me. Offering a discount early makes it worse: the "
       "simulation reads it as low confidence.", ["tom"], False)],
     ["priya", "sofia"]),
    ("marcus", "VLOOKUP returns #N/A in the pricing sheet even though the SKU is there",
     "In the Q3 pricing workbook, `=VLOOKUP(A2, Prices!A:D, 4, FALSE)` gives `#N/A` for SKUs "
     "I can see in the Prices tab. Copy-pasting the SKU into the cell fixes it for that row.",
     ["excel"],
     [("sofia", "Those SKUs are stored as numbers in one sheet and as text in the other. "
       "Either convert the column (Data → Text to Columns → Finish) or coerce in the formula:"
       "\n\n```\n=VLOOKUP(TEXT(A2,\"0\"), Prices!A:D, 4, FALSE)\n```\n\nOn newer Excel, "
       "[XLOOKUP](https://support.microsoft.com/en-us/office/xlookup-function-b7fd680e-6d10-43e6-84f9-"
       "88eae8bf5929) with the same fix is easier to read.", ["marcus", "priya"], True)],
     ["sofia"]),
    ("priya", "Where do I find the onboarding checklist for new sales hires?",
     "I'm buddying a new colleague next week. The onboarding page mentions a checklist with "
     "system access requests, but the link is broken. Does anyone have the current one?",
     ["onboarding", "sales-training"],
     [("sofia", "It moved to the L&D space: **Learning → New hire → Sales week 1**. It has the "
       "CRM, phone and expense tool requests. I've asked IT to fix the old link.",
       ["priya"], False)],
     []),
    ("tom", "Customer escalation role-play: how is the empathy score calculated?",
     "My empathy score in the escalation role-play stays at 2/5 although I apologise in every "
     "reply. What does the scoring look for?",
     ["simulation", "customer-success"], [], ["marcus"]),
    ("marcus", "Pivot table refresh loses my custom number formats",
     "Every time I refresh the monthly revenue pivot, the currency format on the values "
     "resets. Is there a setting to keep it?",
     ["excel", "reporting"], [], []),
]

# (sharer, url, title, description, kind, tags, minutes, [(rater, stars, review)])
DEMO_RESOURCES = [
    ("sofia", "https://support.microsoft.com/en-us/office/vlookup-function-0bbc8083-26fe-4963-8ab8-"
     "93a18ad188a1", "VLOOKUP function (Microsoft Support)",
     "The reference page with examples, including the exact-match argument everyone forgets.",
     "article", ["excel"], 8, [("marcus", 5, "The troubleshooting section explains #N/A."),
                               ("priya", 4, "")]),
    ("marcus", "https://support.microsoft.com/en-us/office/xlookup-function-b7fd680e-6d10-43e6-84f9-"
     "88eae8bf5929", "XLOOKUP function", "The modern replacement for VLOOKUP and HLOOKUP.",
     "article", ["excel"], 10, [("sofia", 5, "Clearer than VLOOKUP; use it when you can.")]),
    ("marcus", "https://support.microsoft.com/en-us/office/create-a-pivottable-to-analyze-worksheet-"
     "data-a9a84538-bfe9-40a9-a8e9-f99134456576", "Create a PivotTable to analyze worksheet data",
     "Step-by-step, with screenshots.", "tutorial", ["excel", "reporting"], 12,
     [("sofia", 4, ""), ("tom", 4, "Helped me with the monthly report.")]),
    ("priya", "https://en.wikipedia.org/wiki/Best_alternative_to_a_negotiated_agreement",
     "BATNA: best alternative to a negotiated agreement",
     "Two-minute read on the concept the negotiation simulation's round 4 is built around.",
     "tip-sheet", ["sales-training", "simulation"], 3, [("tom", 5, "Round 4 finally made sense.")]),
    ("sofia", "https://en.wikipedia.org/wiki/Active_listening", "Active listening",
     "The techniques behind the empathy score in the escalation role-play.", "article",
     ["customer-success", "simulation"], 6, [("tom", 4, ""), ("priya", 5, "")]),
]

# (giver, recipient, message)
DEMO_KUDOS = [
    ("tom", "priya", "Your tip about discovery questions got me through round 3. Thank you!"),
    ("marcus", "sofia", "The Text to Columns trick fixed the whole pricing sheet."),
    ("priya", "sofia", "Thanks for chasing IT about the onboarding link!"),
]

# (author, body): the demo live help room's conversation
DEMO_ROOM_MESSAGES = [
    ("sofia", "Welcome! Ask here while you work through the onboarding simulations."),
    ("tom", "Where do I find the **compliance quiz**? It's not under My Learning."),
    ("sofia", "It moved: Learning → Required → `Compliance 2026`. @tom it unlocks after module 2."),
]


def _ensure_user(spec: dict) -> User:
    user = get_user_by_username(spec["username"])
    if user is not None:
        return user
    user = user_actions.do_create_user(user_actions.Registration(
        username=spec["username"], email=f"{spec['username']}@demo.example.com",
        password=DEMO_PASSWORD, display_name=spec["display_name"]), Role(spec["role"]))
    return user_actions.update_profile(user, user_actions.ProfileChanges(
        department=spec["department"], job_role=spec["job_role"], skills=spec["skills"]))


def seed_demo(progress: Callable[[str], None] = lambda _msg: None) -> bool:
    """Create the demo users and threads once; returns False when they already exist."""
    if get_user_by_username(DEMO_USERS[0]["username"]) is not None:
        return False
    people = {spec["username"]: _ensure_user(spec) for spec in DEMO_USERS}
    progress(f"{len(people)} users")
    _seed_resources(people)
    progress(f"{len(DEMO_RESOURCES)} shared resources with ratings")
    for asker, title, body, tags, answers, question_voters in DEMO_THREADS:
        thread = thread_actions.ask_question(
            people[asker], thread_actions.QuestionDraft(title=title, body=body, tags=tags))
        for voter in question_voters:
            vote_actions.cast_vote(people[voter], thread.id, 1)
        for answerer, answer_body, voters, accepted in answers:
            answer = answer_actions.post_answer(people[answerer], thread.id, answer_body)
            for voter in voters:
                if voter != answerer:
                    vote_actions.cast_vote(people[voter], answer.id, 1)
            if accepted:
                answer_actions.accept_answer(people[asker], thread.id, answer.id)
    progress(f"{len(DEMO_THREADS)} questions with answers, votes and accepted answers")
    for giver, recipient, message in DEMO_KUDOS:
        kudos_actions.give_kudos(people[giver], kudos_actions.KudosDraft(to=recipient, message=message))
    progress(f"{len(DEMO_KUDOS)} kudos (badges were earned along the way)")
    _seed_room(people)
    progress("a live help room with a conversation and an open help request")
    _seed_live_session(people)
    progress("an upcoming live training session with RSVPs")
    _seed_polls(people)
    progress("polls on a question and in the room, with votes")
    _seed_survey(people)
    progress("an open anonymous survey with two responses")
    _seed_track(people)
    progress("a published learning track with Tom enrolled and one step done")
    return True


def _seed_resources(people: dict[str, User]) -> None:
    from .actions import resources as resource_actions

    for sharer, url, title, description, kind, tags, minutes, ratings in DEMO_RESOURCES:
        resource = resource_actions.share_resource(people[sharer], resource_actions.ResourceDraft(
            url=url, title=title, description=description, kind=kind, tags=tags,
            duration_minutes=minutes))
        for rater, stars, review in ratings:
            resource_actions.rate_resource(people[rater], resource.id, stars, review)


def _seed_room(people: dict[str, User]) -> None:
    from .actions import help_requests as help_actions
    from .actions import messages as message_actions
    from .actions import rooms as room_actions

    room = room_actions.create_room(people["sofia"], room_actions.RoomDraft(
        title="Onboarding week: ask anything", topic="New starters and their buddies, weekdays 9-17"))
    for author, body in DEMO_ROOM_MESSAGES:
        message_actions.post_message(people[author], room.slug, body)
    help_actions.raise_hand(people["tom"], room.slug, "I need help with the expenses tool login")


def _seed_live_session(people: dict[str, User]) -> None:
    """Next week's session (15:00 Berlin time), scheduled by Sofia and hosted by Marcus, with two
    RSVPs and a resource."""
    from datetime import timedelta

    from .actions import live_session_rsvps as rsvp_actions
    from .actions import live_sessions as session_actions
    from .models.base import utcnow

    day = (utcnow() + timedelta(days=7)).date()
    xlookup = [r.id for r in _demo_resources() if r.title == "XLOOKUP function"]
    session = session_actions.schedule_session(people["sofia"], session_actions.SessionDraft(
        title="Spreadsheet clinic: lookups and pivots", host="marcus", timezone="Europe/Berlin",
        starts_at_local=f"{day.isoformat()}T15:00", duration_minutes=60, capacity=12, resources=xlookup,
        description="Bring a sheet you're stuck on. Marcus walks through **XLOOKUP**, pivot tables "
                    "and the pricing-sheet clean-up, then answers questions live."))
    for username in ("priya", "tom"):
        rsvp_actions.rsvp(people[username], session.id)


def _seed_polls(people: dict[str, User]) -> None:
    from sqlalchemy import select

    from .actions import polls as poll_actions
    from .extensions import db
    from .models import Post, Room

    thread_id = db.session.scalar(select(Post.id).where(Post.title.like("Negotiation simulation%")))
    poll = poll_actions.create_poll(people["tom"], poll_actions.PollDraft(
        question="Which part of the negotiation simulation trips you up most?",
        options=["Discovery questions", "Anchoring the price", "Handling the walk-out"],
        thread_id=thread_id))
    for username, position in (("priya", 0), ("marcus", 2)):
        poll_actions.vote(people[username], poll.id, [poll.options[position].id])
    room_slug = db.session.scalar(select(Room.slug).order_by(Room.id).limit(1))
    poll = poll_actions.create_poll(people["sofia"], poll_actions.PollDraft(
        question="Which onboarding topics should the next drop-in cover?", multiple=True,
        options=["Expenses tool", "Holiday requests", "Laptop setup", "Who to ask for what"],
        room=room_slug))
    poll_actions.vote(people["tom"], poll.id, [poll.options[0].id, poll.options[2].id])


def _seed_survey(people: dict[str, User]) -> None:
    from .actions import survey_responses as response_actions
    from .actions import surveys as survey_actions

    survey = survey_actions.create_survey(people["sofia"], {
        "title": "How is the community working for you?",
        "description": "Four quick questions; your answers are anonymous.",
        "anonymous": True, "audience": "everyone",
        "questions": [
            {"kind": "rating", "prompt": "How useful are the answers you get here?"},
            {"kind": "single", "prompt": "How fast do you usually get a useful answer?",
             "options": ["Within an hour", "The same day", "Within a week", "Not yet"]},
            {"kind": "multiple", "prompt": "What do you use most?",
             "options": ["Questions", "Live help rooms", "Resources", "Sessions"]},
            {"kind": "text", "prompt": "What should we improve?", "required": False},
        ]})
    survey_actions.open_survey(people["sofia"], survey.id)
    prompts = [question.id for question in survey.questions]
    for username, rating, speed, uses in (("priya", 5, 0, [0, 2]), ("marcus", 4, 1, [1])):
        response_actions.submit_response(people[username], survey.id, [
            {"question_id": prompts[0], "rating": rating},
            {"question_id": prompts[1], "choices": [speed]},
            {"question_id": prompts[2], "choices": uses},
        ])


def _seed_track(people: dict[str, User]) -> None:
    from .actions import resource_completions, tracks

    by_title = {r.title: r.id for r in _demo_resources()}
    track = tracks.create_track(people["sofia"], {
        "title": "Spreadsheet foundations",
        "description": "Lookups, pivots and helping colleagues with them. Finish the two guides, "
                       "then answer two questions tagged **excel**.",
        "perk": "A seat in the Q1 advanced analytics cohort",
        "departments": ["Finance", "Customer Success"],
        "steps": [
            {"kind": "resource", "resource_id": by_title["XLOOKUP function"]},
            {"kind": "resource", "resource_id": by_title["Create a PivotTable to analyze worksheet data"]},
            {"kind": "answer_in_tag", "tag": "excel", "count": 2},
        ]})
    tracks.publish_track(people["sofia"], track.id)
    tracks.enroll(people["tom"], track.id)
    resource_completions.complete_resource(people["tom"], by_title["XLOOKUP function"])


def _demo_resources() -> list:
    from sqlalchemy import select

    from .extensions import db
    from .models import Resource

    return list(db.session.scalars(select(Resource).where(Resource.deleted_at.is_(None))))
