"""The portal's PostgreSQL backend (`base.DatabaseWrapper`)."""
