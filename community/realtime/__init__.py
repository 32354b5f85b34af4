"""Channel names, the event log writer, and publishing after commit."""
