"""Case handling free of any UI: the case state (status, expiry from closing, postponing),
deleting every trace of a report. Used by the web inbox, the CLI, the follow-up and the reminders.
"""
