"""A small cluster on this machine, under load, losing a node: two web nodes in network
namespaces (gunicorn, a Celery worker and a beat on each) behind nginx, sharing the
machine's PostgreSQL and Redis and an S3-compatible store (moto). While members send
appeals with attachments, node 1 dies (gunicorn, its worker and its beat, the holder of the
beat lock, all SIGKILLed) and comes back.

Asserted: every appeal a member was told is received is stored exactly once; every
attachment reads back, byte for byte, through each node; the giveaway that fell due during
the run is drawn exactly once; every e-mail of the accepted appeals reaches the SMTP sink
exactly once; a news item published by a process of neither node shows on both at the next
request, though each web worker keeps the pages it served. Test-only settings, said here so
nobody mistakes them for advice: the per-address appeal limit is raised (every simulated
member comes from the test's own address) and the minimum fill time is 0 (the simulated
members are fast); the giveaway jobs run every minute (GIVEAWAYS_DUE_MINUTES=*), the beat
lock lasts 10 s, and an e-mail claim held by a dead worker is taken over after 15 s
(APPEAL_MAIL_LEASE_SECONDS).
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import time
import uuid
from collections import Counter

import boto3
import pytest
import redis
import requests
from botocore.config import Config

from tests.cluster import portal, services
from tests.cluster.load import Members, staff_session
from tests.cluster.netns import Cluster, remove_stale
from tests.cluster.nginx import Nginx, free_port
from tests.cluster.relay import Loop, SmtpSink, body_text, forwarder
from unionportal.cache import NEAR_CONNECTION_NAME

MEMBERS = 60
THREADS = 4
DRAW_IN_SECONDS = 40  # from the seeding: falls after node 1's death
LOCK_SECONDS = 10
S3_KEY, S3_SECRET = "cluster-key", "cluster-secret"

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(services.missing_for_cluster() is not None, reason=services.missing_for_cluster() or ""),
]


def test_a_cluster_losing_a_node_under_load_loses_no_appeal_file_draw_or_email():
    from moto.server import ThreadedMotoServer

    from appeals.models import hash_code

    guard = redis.Redis.from_url(services.redis_url())
    if not guard.set("cluster-test:running", "1", nx=True, ex=600):
        pytest.fail("another cluster test is running on Redis db 11 (key cluster-test:running)")
    cluster = loop = moto = balancer = None
    dbname = None
    # The processes' logs, kept when the test fails (the assertion messages name the folder).
    logs = portal.ARTIFACTS / f"cluster-{uuid.uuid4().hex[:8]}"
    logs.mkdir(parents=True)
    phases = Phases()
    passed = False
    try:
        guard.flushdb()
        guard.set("cluster-test:running", "1", ex=600)
        remove_stale()
        portal.drop_stale_databases()
        prepared = portal.Prepared().start()  # migrate and collectstatic, while the rest is built
        cluster = Cluster(nodes=2)
        svc = cluster.service_address
        loop = Loop()
        for port in (services.PG_PORT, services.REDIS_PORT):
            loop.serve(forwarder("127.0.0.1", port), svc, port)
        sink = SmtpSink()
        smtp_port = loop.serve(sink.handle, svc, 0)
        moto_port = free_port()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server logs every request
        moto = ThreadedMotoServer(ip_address=svc, port=moto_port, verbose=False)
        moto.start()
        bucket, private = f"portal-{cluster.tag}", f"portal-private-{cluster.tag}"
        s3 = boto3.client("s3", endpoint_url=f"http://{svc}:{moto_port}", region_name="us-east-1",
                          aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET,
                          config=Config(s3={"addressing_style": "path"}))
        for name in (bucket, private):
            s3.create_bucket(Bucket=name)

        phases.done("namespaces, forwarders, store, sink")
        prepared.finish()
        phases.done("database template and static files")
        dbname = f"cluster_{cluster.tag}_{uuid.uuid4().hex[:6]}"
        prepared.create_database(dbname)
        env = portal.root_env(
            DATABASE_URL=portal.database_url(dbname, host=svc),
            REDIS_URL=services.redis_url(host=svc),
            BEAT_KEY_PREFIX=f"cluster-{cluster.tag}:beat:",
            BEAT_LOCK_SECONDS=str(LOCK_SECONDS),
            STORAGE_URL=f"s3+http://{S3_KEY}:{S3_SECRET}@{svc}:{moto_port}/{bucket}?private_bucket={private}&region=us-east-1",
            EMAIL_URL=f"smtp://{svc}:{smtp_port}",
            PORTAL_CONTACT_EMAIL=f"staff-{cluster.tag}@cluster.test",
            PORTAL_BASE_URL="http://portal.cluster.test",
            STATIC_ROOT=str(prepared.static_root),
            TRUSTED_PROXIES=cluster.network,
            SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0", SECURE_HSTS_SECONDS="0",
            MFA_REQUIRED_FOR_STAFF="0",
            APPEAL_RATE_LIMIT_PER_HOUR="100000",
            APPEAL_MIN_FILL_SECONDS="0",
            GIVEAWAYS_DUE_MINUTES="*",
            APPEAL_MAIL_LEASE_SECONDS="15",
        )
        seed_env = {**env, "DATABASE_URL": portal.database_url(dbname), "REDIS_URL": services.redis_url()}
        seeded = subprocess.run(
            [str(portal.BIN / "python"), "-m", "tests.cluster.seed", str(DRAW_IN_SECONDS)],
            cwd=portal.ROOT, env=seed_env, capture_output=True, text=True, timeout=60,
        )
        assert seeded.returncode == 0, seeded.stderr
        seed = json.loads(seeded.stdout.strip().splitlines()[-1])

        node1, node2 = cluster.nodes
        portal.start_node(node1, env, logs)
        portal.start_node(node2, env, logs, roles=("web", "worker"))
        assert portal.wait_for(lambda: "Acquired lock" in (logs / "beat1.log").read_text(errors="replace"), 60), \
            (logs / "beat1.log").read_text(errors="replace")
        portal.start_node(node2, env, logs, roles=("beat",))  # it waits for the lock
        for node in cluster.nodes:
            assert portal.wait_for(lambda node=node: _healthy(node), 60), (logs / f"web{node.number}.log").read_text()
        phases.done("nodes up")
        balancer = Nginx(logs / "nginx", [f"{n.address}:{portal.WEB_PORT}" for n in cluster.nodes])
        balancer.start()

        members = Members(balancer.url, cluster.tag, MEMBERS, THREADS)
        started = time.monotonic()
        members.start()
        assert portal.wait_for(lambda: len(members.accepted) >= MEMBERS // 4, 90), "the load never got going"
        for role in ("web", "worker", "beat"):  # node 1's machine dies
            node1.kill(role)
        killed_at = time.monotonic()
        time.sleep(2)
        portal.start_node(node1, env, logs)  # and comes back
        assert members.join(150), "the members never finished"
        load_seconds = time.monotonic() - started
        assert portal.wait_for(lambda: _healthy(node1), 60), ("node 1 did not come back", logs)
        phases.done("load")

        accepted = members.accepted
        refused = [o for o in members.outcomes if not o.code]
        # Under a node's death some members may see an error page, and send again; none
        # may be told "received" for an appeal that is not there.
        assert len(accepted) >= MEMBERS * 0.9, ([o.attempts for o in refused], logs)
        resent = sum(1 for o in members.outcomes if sum(a.startswith("POST") for a in o.attempts) > 1)

        rows = portal.query(dbname, "SELECT id, code_hash, question, attachment, email FROM appeals_appeal")
        by_hash = {row[1]: row for row in rows}
        questions = Counter(row[2] for row in rows)
        assert len(rows) == len(questions), "an appeal was stored twice"
        for outcome in accepted:
            row = by_hash.get(hash_code(outcome.code))
            assert row is not None, f"appeal {outcome.n} was accepted and is not in the database"
            assert row[4] == outcome.email
        assert len(rows) <= MEMBERS

        # Every attachment, through the node that did not take it.
        assert {o.node for o in accepted} == {n.address for n in cluster.nodes}, "one node took every appeal"
        for node in cluster.nodes:
            base = f"http://{node.address}:{portal.WEB_PORT}"
            staff = staff_session(base, seed["staff"], seed["password"])
            for outcome in (o for o in accepted if o.node != node.address):
                pk = by_hash[hash_code(outcome.code)][0]
                got = staff.get(f"{base}/appeal/staff/{pk}/attachment/", timeout=30)
                assert got.status_code == 200 and got.content == outcome.pdf, (node.name, outcome.n, got.status_code)
        assert not [k for k in _keys(s3, bucket) if k.startswith("private/")], "an attachment went to the public bucket"
        phases.done("attachments read through the other node")

        # The giveaway due during the run: drawn once, by whichever beat held the lock then.
        def drawn():
            return portal.query(dbname, "SELECT count(*) FROM giveaways_giveawaydraw WHERE giveaway_id = %s",
                                [seed["giveaway"]])[0][0] > 0

        assert portal.wait_for(drawn, 100, interval=1), ("the due giveaway was not drawn", logs)
        # Node 1's beat held the lock and died with it; another took it over (node 2's, or node
        # 1's own after its restart, whichever asked first once the lock expired).
        def taken_over():
            return sum((logs / f"beat{n}.log").read_text(errors="replace").count("Acquired lock") for n in (1, 2)) >= 2

        assert portal.wait_for(taken_over, LOCK_SECONDS + 20, interval=0.5), logs
        draws = portal.query(dbname, "SELECT count(*) FROM giveaways_giveawaydraw WHERE giveaway_id = %s", [seed["giveaway"]])
        winners = portal.query(dbname, "SELECT count(*), count(DISTINCT handle) FROM giveaways_winner WHERE giveaway_id = %s",
                               [seed["giveaway"]])
        assert draws[0][0] == 1
        assert winners[0] == (seed["winner_count"], seed["winner_count"])
        phases.done("draw")

        # Every web worker keeps the pages it served (unionportal/near_cache.py): a news item
        # published by a process of neither node shows on both at the next request.
        def news_pages(node, times=8):
            return [requests.get(f"http://{node.address}:{portal.WEB_PORT}/news/", timeout=30).text for _ in range(times)]

        for node in cluster.nodes:
            news_pages(node)
        # The copies are in use: their connections to Redis are open (one per worker that served).
        clients = guard.client_list()
        copies = [c for c in clients if c["name"] == NEAR_CONNECTION_NAME and c["db"] == str(services.REDIS_DB)]
        assert len(copies) >= 2, clients
        title = f"Новость кластера {cluster.tag}"
        published = subprocess.run(
            [str(portal.BIN / "python"), "-m", "tests.cluster.publish", title],
            cwd=portal.ROOT, env=seed_env, capture_output=True, text=True, timeout=60,
        )
        assert published.returncode == 0, published.stderr
        for node in cluster.nodes:
            shown = [title in page for page in news_pages(node)]
            assert all(shown), (node.name, f"{shown.count(False)} of {len(shown)} requests served the news page without it")
        phases.done("a news item published elsewhere, on both nodes at once")

        # E-mails: the member's receipt and the staff notice of every stored appeal, once.
        # "Once" is by Message-ID: a worker killed after the mail server took an e-mail and
        # before it could mark it sent sends it again after the lease, under the same
        # Message-ID. Such copies can only come from the one task the killed worker was
        # running (concurrency 1), so there is at most one; there is never a loss.
        stored = {row[0]: row for row in portal.query(dbname, "SELECT id, email FROM appeals_appeal")}

        def all_mailed():
            return not portal.query(dbname, "SELECT 1 FROM appeals_appeal WHERE notified_at IS NULL LIMIT 1") and \
                len({m["Message-ID"] for _, m in sink.received()}) >= 2 * len(stored)

        assert portal.wait_for(all_mailed, 150, interval=1), (len(sink.received()), 2 * len(stored), logs)
        time.sleep(2)  # anything still on its way would be a duplicate
        received = sink.received()
        by_id: dict[str, list[tuple[list[str], object]]] = {}
        for rcpts, message in received:
            by_id.setdefault(message["Message-ID"], []).append((rcpts, message))
        host = "portal.cluster.test"
        for pk, (_, address) in stored.items():
            receipts = [c for mid, copies in by_id.items() if mid.startswith(f"<appeal.{pk}.received.") for c in copies]
            notices = [c for mid, copies in by_id.items() if mid.startswith(f"<appeal.{pk}.new.") for c in copies]
            assert receipts and all(rcpts == [address] for rcpts, _ in receipts), (pk, address, logs)
            assert notices and all(rcpts == [env["PORTAL_CONTACT_EMAIL"]] for rcpts, _ in notices), (pk, logs)
            assert f"/admin/appeals/appeal/{pk}/change/" in body_text(notices[0][1])
            assert all(m["Message-ID"].endswith(f"@{host}>") for _, m in receipts + notices)
        assert len(by_id) == 2 * len(stored), "an e-mail nobody queued, or one sent under two Message-IDs"
        copies_again = len(received) - len(by_id)
        assert copies_again <= 1, (copies_again, logs)
        phases.done("e-mails")
        print(f"\ncluster: {len(accepted)}/{MEMBERS} accepted in {load_seconds:.1f} s ({resent} sent again by the "
              f"member after an error), node 1 killed at {killed_at - started:.1f} s; {len(by_id)} e-mails "
              f"({copies_again} delivered twice under one Message-ID); one draw. {phases}")
        passed = True
    finally:
        if balancer is not None:
            balancer.stop()
        if cluster is not None:
            cluster.destroy()
        if moto is not None:
            moto.stop()
        if loop is not None:
            loop.stop()
        if dbname is not None:
            portal.drop_database(dbname)
        guard.flushdb()
        if passed:
            shutil.rmtree(logs, ignore_errors=True)


class Phases:
    def __init__(self):
        self.start = self.last = time.monotonic()
        self.spent: list[tuple[str, float]] = []

    def done(self, name: str) -> None:
        now = time.monotonic()
        self.spent.append((name, now - self.last))
        self.last = now

    def __str__(self) -> str:
        parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in self.spent)
        return f"{time.monotonic() - self.start:.0f} s in all: {parts}"


def _healthy(node) -> bool:
    try:
        return requests.get(f"http://{node.address}:{portal.WEB_PORT}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _keys(client, bucket: str) -> list[str]:
    listing = client.list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listing.get("Contents", [])]
