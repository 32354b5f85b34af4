"""User text: Markdown rendering, sanitizing and validation of plain strings."""
