"""Lambda HTTP plumbing shared by the HTTP functions (intake, follow-up)."""
