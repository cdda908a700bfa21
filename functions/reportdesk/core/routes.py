"""Every HTTP route path of the report API, once: the functions, the OpenAPI document, the local
server, the CDK stack and the site's pages (form actions) all read them here.
"""

from __future__ import annotations

from typing import Final

API_PREFIX: Final = "/api/"
REPORTS_PATH: Final = "/api/reports"
CHALLENGE_PATH: Final = "/api/challenge"
FOLLOWUP_PREFIX: Final = "/api/followup/"
FOLLOWUP_READ_PATH: Final = "/api/followup/read"
FOLLOWUP_MESSAGES_PATH: Final = "/api/followup/messages"

# The methods each function answers, by path (anything else is a 405 or a 404).
INTAKE_ROUTES: Final = {REPORTS_PATH: "POST", CHALLENGE_PATH: "GET"}
FOLLOWUP_ROUTES: Final = {FOLLOWUP_READ_PATH: "POST", FOLLOWUP_MESSAGES_PATH: "POST"}
