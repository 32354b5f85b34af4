"""Readers for data dumps from other systems (Stack Exchange); the writing is in actions/imports.py."""
