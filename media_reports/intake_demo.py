"""Videos to review in the demo, from a recorded YouTube feed (no network): the ФПРК
channel is given a demo channel id and its recorded feed goes through `intake`."""

from pathlib import Path

from media_reports import intake
from media_reports.models import Outlet

FIXTURE = Path(__file__).parent / "fixtures" / "demo_youtube_feed.xml"
CHANNEL_ID = "UCdemoFPRK000000000000"


def load(*, stdout=None) -> None:
    outlet = Outlet.objects.filter(name="YouTube-канал ФПРК").first()
    if outlet is None:
        return
    if not outlet.youtube_channel_id:
        Outlet.objects.filter(pk=outlet.pk).update(youtube_channel_id=CHANNEL_ID)
    offered = 0
    for video in intake.parse_feed(FIXTURE.read_text(encoding="utf-8")):
        if intake.mentions_union(video):
            offered += intake.incoming_video_offer(outlet=outlet, video=video) is not None
    if stdout:
        stdout.write(f"  media_reports.intake_demo: {offered} videos to review")
