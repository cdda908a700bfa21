"""The shared domain: report model, storage layout, S3 helpers, crypto, clock, texts.

Imports no other part of reportdesk.
"""
