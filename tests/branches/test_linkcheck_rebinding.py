"""Issue 11, item 12: the link checker connects to the very address it checked.

Two local servers stand for the outside world (127.0.0.1, "public" for this test) and the
server's own network (127.0.0.2, e.g. the cloud metadata address). A resolver that answers
the public address first and the inner one afterwards is DNS rebinding: checking one
address and then letting requests resolve again would reach the inner server."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from branches import linkcheck
from branches.choices import Platform
from branches.linkcheck import check_link_batch, fetch_link
from branches.models import SocialPage
from tests.branches.factories import SocialPageFactory

pytestmark = pytest.mark.django_db

PUBLIC, INNER = "127.0.0.1", "127.0.0.2"
NAME = "rebind.example"


def _start(address, hits, port=0):
    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self):
            hits.append((self.path, self.headers.get("Host")))
            if self.path == "/hop":
                self.send_response(302)
                self.send_header("Location", f"http://{NAME}:{self.server.server_address[1]}/ok")
            else:
                self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_HEAD

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer((address, port), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture
def world(settings, monkeypatch):
    settings.LINK_CHECK_TIMEOUT_SECONDS = 2
    settings.LINK_CHECK_ALLOW_PRIVATE_ADDRESSES = False
    public_hits, inner_hits = [], []
    public = _start(PUBLIC, public_hits)
    port = public.server_address[1]
    # The inner server listens on the same port number, so a second resolution lands there.
    inner = _start(INNER, inner_hits, port=port)

    real_getaddrinfo = socket.getaddrinfo
    answers = {"count": 0}

    def rebinding_getaddrinfo(host, *args, **kwargs):
        if host != NAME:
            return real_getaddrinfo(host, *args, **kwargs)
        answers["count"] += 1
        address = PUBLIC if answers["count"] == 1 else INNER
        return real_getaddrinfo(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)
    # For this test 127.0.0.1 is "the internet" and 127.0.0.2 the inside.
    real_ip = linkcheck.ipaddress.ip_address

    class _Address:
        def __init__(self, value):
            self.value = real_ip(value)
            self.is_global = str(self.value) == PUBLIC

        def __str__(self):
            return str(self.value)

    monkeypatch.setattr(linkcheck.ipaddress, "ip_address", _Address)
    yield {"port": port, "public": public_hits, "inner": inner_hits, "answers": answers}
    for httpd in (public, inner):
        httpd.shutdown()
        httpd.server_close()


def test_a_name_that_rebinds_after_the_check_is_still_fetched_from_the_checked_address(world):
    result = fetch_link(f"http://{NAME}:{world['port']}/ok")
    assert result.status_code == 200
    assert world["inner"] == []
    assert world["public"] == [("/ok", f"{NAME}:{world['port']}")]


def test_a_redirect_is_checked_again_and_its_rebinding_refused(world):
    result = fetch_link(f"http://{NAME}:{world['port']}/hop")
    # The second hop resolves the name again, now to the inside: refused, not fetched.
    assert "not a public address" in result.error
    assert world["inner"] == []
    assert world["public"] == [("/hop", f"{NAME}:{world['port']}")]


def test_the_batch_records_the_answer_of_the_checked_address(world, branch_a):
    page = SocialPageFactory(organisation=branch_a, platform=Platform.WEBSITE, url=f"http://{NAME}:{world['port']}/ok", handle="")
    check_link_batch(model=SocialPage, ids=[page.pk])
    page.refresh_from_db()
    assert page.link_status_code == 200
    assert world["inner"] == []


def _certificate_for(name, tmp_path):
    """A test CA and a server certificate for `name` signed by it (files in tmp_path)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(1).not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return ca_file, cert_file, key_file


def test_https_goes_to_the_checked_address_with_the_name_in_sni_and_the_certificate_check(world, tmp_path):
    import ssl

    ca_file, cert_file, key_file = _certificate_for(NAME, tmp_path)
    hits, names = [], []
    httpd = _start(PUBLIC, hits)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    context.sni_callback = lambda sock, server_name, ctx: names.append(server_name)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    try:
        session = linkcheck._session()
        session.verify = str(ca_file)
        # The name resolves to the public address at the check, to the inside afterwards.
        world["answers"]["count"] = 0
        result = fetch_link(f"https://{NAME}:{httpd.server_address[1]}/ok", session=session)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.error == "" and result.status_code == 200
    assert names == [NAME]
    assert hits == [("/ok", f"{NAME}:{httpd.server_address[1]}")]
    assert world["inner"] == []
