"""Fixtures of the social intake: the fake Graph API and a connected Instagram account."""

import io

import pytest
from PIL import Image

from branches.choices import Platform
from branches.models import SocialConnection
from branches.services import social_connection_set_token
from tests.branches.factories import SocialPageFactory
from tests.fake_graph import fake_graph  # noqa: F401 - the fixture

IG_ID = "17841400000000001"


def jpeg(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def media(n: int, *, caption="Пост", image="") -> dict:
    return {
        "id": f"1790000000000{n:04d}",
        "caption": caption,
        "media_type": "IMAGE",
        "media_url": image,
        "permalink": f"https://www.instagram.com/p/POST{n}/?igsh=abc",
        "timestamp": f"2024-03-{n:02d}T09:00:00+0000",
    }


@pytest.fixture
def regional_ig_page(regional_org):
    return SocialPageFactory(
        organisation=regional_org,
        platform=Platform.INSTAGRAM,
        handle="profsoyuz310krg",
        url="https://www.instagram.com/profsoyuz310krg/",
    )


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def connection(fake_graph, regional_ig_page, media_root):  # noqa: F811
    fake_graph.state.accounts[IG_ID] = {"followers_count": 5120, "username": "profsoyuz310krg"}
    fake_graph.state.media[IG_ID] = []
    conn = SocialConnection.objects.create(social_page=regional_ig_page, external_id=IG_ID)
    return social_connection_set_token(connection=conn, token="good-token")
