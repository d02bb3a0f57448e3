from tests.access import UrlCase

URL_CASES = [
    UrlCase("appeals:submit", public=True),
    UrlCase("appeals:status", public=True),
]
