"""nginx in the root namespace as the cluster's load balancer.

Retries: `proxy_next_upstream error timeout` passes a request to the other node when the
first refused the connection or did not answer in time. nginx never retries a POST (or any
non-idempotent method) once it has sent the request to a node, unless `non_idempotent` is
added; we do not add it: a node that died half-way through an appeal may have stored it,
and only the member's own resend (with the same one-time form token, which the portal
recognises) can safely repeat it. A refused connection means nothing was sent, so that
retry is safe for every method. docs/deploy.md "The load balancer" says the same.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

CONF = """\
daemon off;
master_process on;
worker_processes 1;
user root;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream portal {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 12m;
        location / {{
            proxy_pass http://portal;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Real-IP $remote_addr;
            # For the test: which node answered (after a retry, the last one named).
            add_header X-Cluster-Node $upstream_addr always;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Nginx:
    def __init__(self, directory: Path, upstreams: list[str]):
        self.directory = directory
        self.port = free_port()
        directory.mkdir(parents=True, exist_ok=True)
        # max_fails/fail_timeout: a node that refused is left alone for 3 s, then tried again.
        servers = "\n".join(f"        server {address} max_fails=1 fail_timeout=3s;" for address in upstreams)
        self.conf = directory / "nginx.conf"
        self.conf.write_text(CONF.format(dir=directory, servers=servers, port=self.port))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["nginx", "-p", str(self.directory), "-c", str(self.conf)],
            stdout=subprocess.DEVNULL, stderr=(self.directory / "stderr.log").open("wb"),
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError("nginx did not start: " + (self.directory / "error.log").read_text(errors="replace"))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # nginx's master stops its workers on SIGTERM
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
