"""URL rules that compile their URL builders on first use instead of when the app is built."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """Werkzeug compiles two Python functions per rule (the URL builders) as the rule is added;
    with about 150 rules that is most of the time create_app takes, paid by every process start
    and by every test. Here each builder is compiled the first time url_for needs it. Matching
    requests is unchanged, and so is every URL built."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: Callable[..., tuple[str, str]] | None = None

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            nonlocal compiled
            if compiled is None:  # two threads may both compile once: the results are equal
                compiled = Rule._compile_builder(rule, append_unknown)
            return compiled(rule, **values)

        return build
