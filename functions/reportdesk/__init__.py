"""Reportdesk: the Lambda functions and the API persons' tools, one subpackage per capability."""
