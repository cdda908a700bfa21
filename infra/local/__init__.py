"""The local stack, by job: events, outbox, pollers, the web server. `python -m infra.local_server`
starts it (`make serve`)."""
