"""Production entry point: gunicorn -k gevent -w 1 wsgi:app (one worker per process).

Under gevent, the standard library must be monkey-patched before anything else is imported.
"""

import os

os.environ.setdefault("COMMUNITY_ASYNC_MODE", "gevent")
if os.environ["COMMUNITY_ASYNC_MODE"] == "gevent":
    from gevent import monkey

    monkey.patch_all()

from community import create_app, freeze_startup_objects  # must follow monkey-patching

app = create_app()
freeze_startup_objects()
