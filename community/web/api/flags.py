"""Member flags and the moderators' decisions in the API (/api/v1/flags)."""

from __future__ import annotations

from flask_login import current_user, login_required

from ...actions import flags as flag_actions
from ...models import Flag
from ...payloads import flag_payload, page_payload
from ...queries import flags as flag_queries
from ...queries.paging import parse_page
from .blueprint import ApiBlueprint
from .schemas import FlagIn, FlagListArgs, FlagResolveIn

bp = ApiBlueprint("flags", __name__, url_prefix="/api/v1",
                  description="Flags on posts, messages and resources; the review queue")


def _with_target(flag: Flag) -> dict:
    return flag_payload(flag, flag_queries.load_target(flag.target_type, flag.target_id))


@bp.post("/flags")
@login_required
@bp.arguments(FlagIn)
def create_flag(data: dict):
    flag = flag_actions.flag_content(current_user, flag_actions.FlagDraft(**data))
    return _with_target(flag), 201


@bp.get("/flags")
@login_required
@bp.arguments(FlagListArgs, location="query")
def list_flags(args: dict):
    page = parse_page(args.pop("page", None), args.pop("per_page", None))
    flt = flag_queries.check_flag_filter(**args)
    flags, total = flag_queries.list_flags(current_user, flt, page)
    targets = flag_queries.load_targets((f.target_type, f.target_id) for f in flags)
    items = [flag_payload(f, targets.get((f.target_type, f.target_id))) for f in flags]
    return page_payload(items, total, page.page, page.per_page)


@bp.get("/flags/<int:flag_id>")
@login_required
def get_flag(flag_id: int):
    return _with_target(flag_queries.access_flag(current_user, flag_id))


@bp.post("/flags/<int:flag_id>/resolve")
@login_required
@bp.arguments(FlagResolveIn)
def resolve_flag(data: dict, flag_id: int):
    flag = flag_actions.resolve_flags(current_user, flag_id, data["decision"], data["note"])
    return _with_target(flag)
