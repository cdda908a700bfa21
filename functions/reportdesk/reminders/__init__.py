"""Scheduled work on cases: the daily reminder, retention from closing, the weekly overview."""
