"""The one HTTP client: usage headers, paging links and tokens in logs."""

import json

import pytest

from unionportal import outside


def test_the_highest_usage_figure_of_any_header_is_taken():
    headers = {
        "X-App-Usage": json.dumps({"call_count": 12, "total_time": 8, "total_cputime": 3}),
        "X-Business-Use-Case-Usage": json.dumps(
            {"1784": [{"type": "instagram", "call_count": 81, "total_cputime": 5, "total_time": 9,
                       "estimated_time_to_regain_access": 0}]}
        ),
    }
    assert outside.usage_percent(headers) == 81
    assert outside.usage_percent({"X-App-Usage": "{not json"}) == 0


def test_a_paging_link_to_another_host_is_refused(settings):
    client = outside.Client(base_url="http://127.0.0.1:1/v21.0", token="secret")
    with pytest.raises(outside.OutsideError):
        client._url("https://evil.example/v21.0/1/media?after=x&access_token=secret")
    assert "access_token" not in client._url("http://127.0.0.1:1/v21.0/1/media?after=x&access_token=secret")


@pytest.mark.django_db
def test_a_failing_call_logs_the_path_never_the_token(fake_graph, caplog):
    client = outside.graph_client("revoked-token-value")
    with pytest.raises(outside.OutsideError) as raised:
        client.get_json("17841400000000001/media")
    assert raised.value.is_auth and raised.value.code == 190
    assert "revoked-token-value" not in caplog.text and "190" in caplog.text
