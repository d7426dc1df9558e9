"""The HTTP clients: each sends new reports until the end, every one until acknowledged, the
retriers giving up early now and then; and the ledger of what they sent and were told.
"""

import random
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests

from _feedback.samples import Sample, report_body

SHORT_SHARE = 0.3  # of a retrier's attempts, sent with a short client timeout
SHORT_TIMEOUT = (0.02, 0.2)  # seconds
LONG_TIMEOUT = 30.0  # every other attempt
REPLAY_SHARE = 0.1  # of a retrier's acknowledged reports, sent once more to check the replay
BACKOFF = (0.05, 2.0)  # first and longest wait after a connection error, 5xx or 429

OUTCOMES = ("created", "replayed", "short-timeout", "timeout", "connection", "5xx", "429", "4xx")


@dataclass
class Attempt:
    """One request: when (seconds since the run's start), how long, and what came back."""

    at: float
    seconds: float
    outcome: str  # one of OUTCOMES
    short: bool

    @property
    def done(self) -> float:
        """When the answer came (or the client gave up), since the run's start."""
        return self.at + self.seconds


@dataclass
class Ledger:
    """What the clients sent and were told, shared by their threads."""

    sent: dict[str, Sample] = field(default_factory=dict)
    acked: dict[str, tuple[str, float]] = field(default_factory=dict)  # key -> (code, at)
    first_sent: dict[str, float] = field(default_factory=dict)
    never: set[str] = field(default_factory=set)
    attempts: list[Attempt] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # answers that contradict the contract
    refusals: list[str] = field(default_factory=list)  # 4xx: the report given up
    server_errors: list[tuple[Attempt, str]] = field(default_factory=list)
    replays_checked: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acknowledge(self, key: str, status: int, headers, body: dict, at: float) -> str:
        """Record an acknowledgement; note anything that contradicts an earlier one."""
        code = body.get("tracking_code")
        ward = (body.get("ward") or {}).get("code")
        with self.lock:
            earlier = self.acked.get(key)
            if status == 200 and headers.get("Idempotent-Replayed") != "true":
                self.problems.append(f"{key}: 200 without Idempotent-Replayed: true")
            if earlier is not None:
                self.replays_checked += 1
                if status == 201:
                    self.problems.append(f"{key}: 201 again after {earlier[0]} (now {code})")
                if code != earlier[0]:
                    self.problems.append(f"{key}: acknowledged as {earlier[0]}, then as {code}")
            else:
                self.acked[key] = (code, at)
            if ward != self.sent[key].ward:
                self.problems.append(
                    f"{key} ({code}): the answer's ward is {ward}, SQL says {self.sent[key].ward}"
                )
        return code


def gist(answer: requests.Response) -> str:
    """The status and the reason of an error answer, in one short line."""
    text = answer.text
    if "<title>" in text:  # Django's own HTML error page
        text = text.split("<title>", 1)[1].split("</title>", 1)[0]
    return f"{answer.status_code} {' '.join(text.split())[:200]}"


def post(http: requests.Session, url: str, key: str, body: bytes, timeout: float, t0: float):
    """One attempt: (Attempt, response or None)."""
    began = time.monotonic()
    try:
        answer = http.post(url, data=body, headers={"Idempotency-Key": key}, timeout=timeout)
    except requests.Timeout:
        return Attempt(began - t0, time.monotonic() - began, "timeout", False), None
    except requests.ConnectionError:
        return Attempt(began - t0, time.monotonic() - began, "connection", False), None
    seconds = time.monotonic() - began
    status = answer.status_code
    if status in (200, 201):
        outcome = "created" if status == 201 else "replayed"
    elif status >= 500 or status == 429:
        outcome = "5xx" if status >= 500 else "429"
    else:
        outcome = "4xx"
    return Attempt(began - t0, seconds, outcome, False), answer


def client(
    number: int,
    url: str,
    raw_key: str,
    samples: list[Sample],
    ledger: Ledger,
    t0: float,
    end: float,
    hard_end: float,
    retrier: bool,
    seed: int,
) -> None:
    """Send new reports until ``end``; each one until acknowledged (or ``hard_end``)."""
    rng = random.Random(seed * 1000 + 500 + number)
    attempts: list[Attempt] = []
    with requests.Session() as http:
        http.headers.update({"X-Api-Key": raw_key, "Content-Type": "application/json"})
        while time.monotonic() < end:
            sample, key = rng.choice(samples), str(uuid.uuid4())
            body = report_body(key, sample)
            with ledger.lock:
                ledger.sent[key] = sample
                ledger.first_sent[key] = time.monotonic() - t0
            acked = False
            backoff = BACKOFF[0]
            while time.monotonic() < hard_end:
                short = retrier and rng.random() < SHORT_SHARE
                timeout = rng.uniform(*SHORT_TIMEOUT) if short else LONG_TIMEOUT
                attempt, answer = post(http, url, key, body, timeout, t0)
                attempt.short = short
                if attempt.outcome == "timeout" and short:
                    attempt.outcome = "short-timeout"
                attempts.append(attempt)
                if attempt.outcome in ("created", "replayed"):
                    ledger.acknowledge(
                        key, answer.status_code, answer.headers, answer.json(), attempt.done
                    )
                    acked = True
                    break
                if attempt.outcome == "short-timeout":
                    continue  # the impatient client sends it again at once
                if attempt.outcome == "4xx":
                    with ledger.lock:
                        ledger.refusals.append(f"{key}: {gist(answer)}")
                    break
                if attempt.outcome == "5xx":
                    with ledger.lock:
                        ledger.server_errors.append((attempt, gist(answer)))
                time.sleep(backoff * rng.uniform(0.5, 1.0))
                backoff = min(backoff * 2, BACKOFF[1])
            if not acked:
                with ledger.lock:
                    ledger.never.add(key)
                continue
            if retrier and rng.random() < REPLAY_SHARE:
                attempt, answer = post(http, url, key, body, LONG_TIMEOUT, t0)
                attempts.append(attempt)
                if attempt.outcome in ("created", "replayed"):
                    ledger.acknowledge(
                        key, answer.status_code, answer.headers, answer.json(), attempt.done
                    )
    with ledger.lock:
        ledger.attempts.extend(attempts)
