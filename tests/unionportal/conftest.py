from tests.unionportal.s3_server import moto_endpoint, s3_store  # noqa: F401 - fixtures
