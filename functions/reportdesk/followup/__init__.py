"""The follow-up: the child reads replies and writes messages with a private code."""
