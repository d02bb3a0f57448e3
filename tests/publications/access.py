from tests.access import UrlCase

URL_CASES = [
    UrlCase("publications:list", public=True),
]
