"""200 submissions at once, many of them the same submission sent again: each stored exactly once.

Each worker process is one "execution environment" handling one request at a time, as Lambda
runs them; all share one moto server, so the conditional writes really race.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from infra.local.events import http_api_event
from infra.local_aws import REGION, Resources, create_resources
from infra.local_server import FAKE_CREDENTIALS
from tests.reliability import intake_worker
from tests.reliability.conftest import Bucket

SUBMISSIONS = 200
COPIES_OF_ONE = 40
WORKERS = 4


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Resources, dict[str, str]]]:
    """A moto server on a loopback port with the environment's resources, and the settings a
    function process needs to reach it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    environment = {
        **FAKE_CREDENTIALS,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    try:
        resources = create_resources(boto3.Session())
        yield resources, {**environment, **resources.environment()}
    finally:
        server.stop()


def test_two_hundred_parallel_submissions_with_duplicates_are_each_stored_once(
    moto_server: tuple[Resources, dict[str, str]],
) -> None:
    resources, environment = moto_server
    rng = random.Random(200)  # noqa: S311 - a reproducible mix, not a secret
    message = "Iemand uit de ploeg stuurt me elke avond berichten die ik niet wil."
    shared = {"submission_id": str(uuid.uuid4()), "message": message}
    others = [
        {"submission_id": str(uuid.uuid4()), "message": f"{message} ({n})"}
        for n in range(SUBMISSIONS - COPIES_OF_ONE - 20)
    ]
    # The one submission many times, 20 more repeats of others, all in a random order.
    bodies = [shared] * COPIES_OF_ONE + others + rng.sample(others, 20)
    rng.shuffle(bodies)
    assert len(bodies) == SUBMISSIONS

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        WORKERS, mp_context=context, initializer=intake_worker.start, initargs=(environment,)
    ) as pool:
        headers = [("content-type", "application/json")]
        events = [
            http_api_event("POST", "/api/reports", headers, json.dumps(body).encode(), "192.0.2.1")
            for body in bodies
        ]
        answers = list(pool.map(intake_worker.submit, events))

    references: defaultdict[str, set[str]] = defaultdict(set)
    for body, (status, text) in zip(bodies, answers, strict=True):
        assert status == 201, text
        references[body["submission_id"]].add(json.loads(text)["reference"])
    assert all(len(refs) == 1 for refs in references.values())

    bucket = Bucket(resources)
    versions = bucket.versions()
    assert len(versions) == len(references) == 1 + len(others)
    messages: dict[str, Any] = {b["submission_id"]: b["message"] for b in bodies}
    for version in versions:
        report = bucket.report(version["Key"])
        assert report.message == messages[report.submission_id]
        assert report.reference in references[report.submission_id]
