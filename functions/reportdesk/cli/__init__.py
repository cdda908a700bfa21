"""`api-inbox`, the API persons' command line (not in the Lambda bundle)."""
