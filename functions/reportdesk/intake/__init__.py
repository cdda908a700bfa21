"""The report intake: `POST /api/reports`, `GET /api/challenge` and the no-JavaScript answer."""
