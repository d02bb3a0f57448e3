"""The review queue in the demo, filled from recorded Graph API responses (no token, no
network): `publications/fixtures/demo_instagram_media.json` goes through the same code as
a real run (`intake.offer_media_items`), so the demo shows what staff will review."""

import json
from pathlib import Path

from branches.models import SocialPage
from publications import intake

FIXTURE = Path(__file__).parent / "fixtures" / "demo_instagram_media.json"


def load(*, stdout=None) -> None:
    recorded = json.loads(FIXTURE.read_text(encoding="utf-8"))
    page = SocialPage.objects.filter(platform="instagram", handle=recorded["account"]).first()
    if page is None:
        if stdout:
            stdout.write("  publications.intake_demo: no registry yet, skipped")
        return
    items = [item for response in recorded["pages"] for item in response["data"]]
    offered = intake.offer_media_items(social_page=page, items=items)
    if stdout:
        stdout.write(f"  publications.intake_demo: {offered} posts to review")
