from tests.access import UrlCase

URL_CASES = [
    UrlCase("media_reports:list", public=True),
]
