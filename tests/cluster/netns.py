"""Network namespaces for the cluster test: one per node, each joined to the root namespace
by a veth pair on its own /30 (10.231.B.0/30 for node 1, 10.231.B.4/30 for node 2, …).

The root side of node 1's pair (the "service address") is where the node reaches the
machine's PostgreSQL and Redis (through the forwarder), the object store and the SMTP sink;
every node has a default route through its own root-side address, and the root namespace
answers for any of its addresses on any link, so node 2 reaches it too. Names carry a
per-run tag, so two runs never clash; `Cluster.destroy` removes everything it made.
"""

from __future__ import annotations

import ipaddress
import os
import random
import re
import signal
import subprocess
from dataclasses import dataclass, field


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True, timeout=20)


def _used_blocks() -> set[int]:
    out = ip("-o", "-4", "addr", "show").stdout + ip("-o", "-4", "route", "show").stdout
    return {int(part.split(".")[2]) for part in out.split() if part.startswith("10.231.") and part.count(".") == 3}


@dataclass
class Node:
    name: str  # the namespace
    number: int
    address: str  # inside the namespace
    gateway: str  # the root side of its veth pair
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def command(self, argv: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.name, *argv]

    def start(self, role: str, argv: list[str], *, env: dict, cwd, log_path) -> subprocess.Popen:
        """Start a process in the node, in a process group of its own (killing the group
        kills gunicorn's or Celery's children with it, as a dying machine would)."""
        log = open(log_path, "ab")  # noqa: SIM115 - kept open for the process's life
        process = subprocess.Popen(
            self.command(argv), env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[role] = process
        return process

    def kill(self, role: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.get(role)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def kill_all(self) -> None:
        for role in list(self.processes):
            self.kill(role)


STALE = re.compile(r"^up([0-9a-f]{4})n(\d+)$")


def remove_stale() -> list[str]:
    """Remove what a run killed without its cleanup (SIGKILL, a lost session) left: the
    namespaces named like ours, after killing the processes still in them. Only called by a
    run that holds the cluster test's lock, so no other run's namespaces are live."""
    removed = []
    for line in ip("netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        found = STALE.match(name)
        if not found:
            continue
        for pid in ip("netns", "pids", name, check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        ip("netns", "del", name, check=False)
        ip("link", "del", f"vr{found.group(1)}{found.group(2)}", check=False)
        removed.append(name)
    return removed


class Cluster:
    """The namespaces and veth pairs of one run."""

    def __init__(self, nodes: int = 2):
        self.tag = f"{random.randrange(16**4):04x}"  # noqa: S311 - a name, not a secret
        free = sorted(set(range(1, 255)) - _used_blocks())
        if not free:
            raise RuntimeError("no free 10.231.B.0/24 block for the cluster")
        self.block = random.choice(free)  # noqa: S311
        self.nodes: list[Node] = []
        try:
            for number in range(1, nodes + 1):
                self.nodes.append(self._make(number))
        except Exception:
            self.destroy()
            raise

    @property
    def service_address(self) -> str:
        return self.nodes[0].gateway

    @property
    def network(self) -> str:
        return f"10.231.{self.block}.0/24"

    def _make(self, number: int) -> Node:
        net = ipaddress.ip_network(f"10.231.{self.block}.{(number - 1) * 4}/30")
        gateway, address = (str(host) for host in net.hosts())
        name = f"up{self.tag}n{number}"
        root_if, node_if = f"vr{self.tag}{number}", f"vn{self.tag}{number}"
        ip("netns", "add", name)
        node = Node(name=name, number=number, address=address, gateway=gateway)
        self.nodes.append(node)  # so that destroy() finds it even if the rest fails
        ip("link", "add", root_if, "type", "veth", "peer", "name", node_if)
        ip("link", "set", node_if, "netns", name)
        ip("addr", "add", f"{gateway}/30", "dev", root_if)
        ip("link", "set", root_if, "up")
        ip("-n", name, "addr", "add", f"{address}/30", "dev", node_if)
        ip("-n", name, "link", "set", node_if, "up")
        ip("-n", name, "link", "set", "lo", "up")
        ip("-n", name, "route", "add", "default", "via", gateway)
        self.nodes.pop()
        return node

    def destroy(self) -> None:
        """Kill every process the nodes started, then remove the namespaces (which takes
        their veth pairs with them). Safe to call twice, and after a half-made cluster."""
        for node in self.nodes:
            node.kill_all()
        for node in self.nodes:
            ip("netns", "del", node.name, check=False)
            ip("link", "del", f"vr{self.tag}{node.number}", check=False)
        self.nodes = []
