"""The mailer: tells the API persons a report or message arrived (never what it says)."""
