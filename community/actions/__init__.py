"""THE write path: the only code that commits, appends events and changes reputation.

Each public function is one complete state change inside one atomic() transaction. Pages, the
JSON API, Socket.IO handlers, the CLI and the test factories all call these.
"""
