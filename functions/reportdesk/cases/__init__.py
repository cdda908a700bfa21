"""Case handling free of any UI: list, read, thread, status, delete.

Used by the CLI and the web inbox.
"""
