"""Case handling free of any UI: the case state of a report and deleting every trace of it."""
