from tests.access import UrlCase

URL_CASES = [
    UrlCase("giveaways:list", public=True),
]
