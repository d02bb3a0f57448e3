"""The simulated members: each opens the appeal form through the load balancer and sends
it with a PDF attachment, as a browser would (CSRF cookie, the form's one-time token)."""

from __future__ import annotations

import io
import re
import threading
import time
from dataclasses import dataclass, field

import requests

INPUT = re.compile(r"<input[^>]*>")
NAME_VALUE = re.compile(r'name="([^"]+)"|value="([^"]*)"')


def hidden_value(html: str, name: str) -> str | None:
    for tag in INPUT.findall(html):
        if f'name="{name}"' in tag:
            found = re.search(r'value="([^"]*)"', tag)
            return found.group(1) if found else None
    return None


def pdf_for(n: int, tag: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": f"cluster {tag} appeal {n}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class Outcome:
    n: int
    email: str
    pdf: bytes
    code: str | None = None  # the tracking code of the status page the member was sent to
    node: str = ""  # the address of the node that answered the accepted POST
    attempts: list[str] = field(default_factory=list)


class Members:
    """`count` members sending one appeal each, from `threads` threads."""

    def __init__(self, base_url: str, tag: str, count: int, threads: int):
        self.base_url, self.tag, self.count, self.threads = base_url, tag, count, threads
        self.outcomes = [Outcome(n=n, email=f"member-{n}-{tag}@cluster.test", pdf=pdf_for(n, tag)) for n in range(count)]
        self._next = 0
        self._lock = threading.Lock()
        self._workers = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    @property
    def accepted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.code]

    def start(self) -> None:
        for worker in self._workers:
            worker.start()

    def join(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        for worker in self._workers:
            worker.join(max(0.1, deadline - time.monotonic()))
        return not any(worker.is_alive() for worker in self._workers)

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._next >= self.count:
                    return
                outcome = self.outcomes[self._next]
                self._next += 1
            self._send(outcome)

    def _send(self, outcome: Outcome) -> None:
        session = requests.Session()
        form = None
        for _ in range(5):  # the member reloads the form until it shows
            try:
                page = session.get(f"{self.base_url}/appeal/", timeout=30)
            except requests.RequestException as exc:
                outcome.attempts.append(f"GET {type(exc).__name__}")
                time.sleep(0.5)
                continue
            outcome.attempts.append(f"GET {page.status_code}")
            if page.status_code == 200:
                form = page.text
                break
            time.sleep(0.5)
        if form is None:
            return
        data = {
            "csrfmiddlewaretoken": hidden_value(form, "csrfmiddlewaretoken"),
            "form_token": hidden_value(form, "form_token"),
            "name": f"Участник {outcome.n}",
            "email": outcome.email,
            "topic": "wages",
            "question": f"cluster {self.tag} appeal {outcome.n}: вопрос о зарплате",
            "consent": "on",
            "website": "",
        }
        # A failed send is sent again as a member would (the same page, the same token): the
        # portal recognises a token it has stored and shows that appeal instead of a second.
        for _ in range(4):
            try:
                answer = session.post(
                    f"{self.base_url}/appeal/", data=data, allow_redirects=False, timeout=30,
                    files={"attachment": (f"appeal-{outcome.n}.pdf", outcome.pdf, "application/pdf")},
                )
            except requests.RequestException as exc:
                outcome.attempts.append(f"POST {type(exc).__name__}")
                time.sleep(1)
                continue
            outcome.attempts.append(f"POST {answer.status_code}")
            location = answer.headers.get("Location", "")
            if answer.status_code == 302 and "/appeal/status/" in location:
                outcome.code = location.rstrip("/").rsplit("/", 1)[-1]
                outcome.node = answer.headers.get("X-Cluster-Node", "").split(",")[-1].strip().rsplit(":", 1)[0]
                return
            if answer.status_code not in (502, 503, 504):
                outcome.attempts.append(answer.text[:300])
                return
            time.sleep(1)


def staff_session(base_url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base_url}/accounts/login/", timeout=30)
    answer = session.post(
        f"{base_url}/accounts/login/",
        data={"login": username, "password": password, "csrfmiddlewaretoken": hidden_value(page.text, "csrfmiddlewaretoken")},
        allow_redirects=False, timeout=30,
    )
    if answer.status_code != 302:
        raise AssertionError(f"staff login refused ({answer.status_code}): {answer.text[:500]}")
    return session
