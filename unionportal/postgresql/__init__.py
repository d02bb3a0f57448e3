"""The portal's PostgreSQL backend: Django's own, with a health check that costs no round
trip while the connection is idle and sound (`base.DatabaseWrapper`)."""
