from tests.access import UrlCase

URL_CASES = [
    UrlCase("reports:dashboard", public=True),
]
