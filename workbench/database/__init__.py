"""Talking to PostgreSQL: URLs as libpq parses them (passwords masked), the embedded server,
scratch databases and live schema snapshots."""
