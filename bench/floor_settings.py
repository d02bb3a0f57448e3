"""The portal's settings with the floor views of bench/floor_urls.py added, for
bench/appeals_post_load.py only: never deployed, never imported by the portal."""

from unionportal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
