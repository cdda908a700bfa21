"""Envelope encryption with the AWS Encryption SDK and the configured KMS key only."""

from __future__ import annotations

import json
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import EndpointConnectionError
from reportdesk.core import crypto

from infra.local_aws import Resources

REPORT_ID = "0123456789abcdef0123456789abcdef"
OTHER_ID = "fedcba9876543210fedcba9876543210"
TEXT = "Ze zei: «niet vertellen» 😶‍🌫️ — لا تخبر أحداً — n\u0303o\u0308"


@pytest.fixture
def session(resources: Resources) -> Any:
    return botocore.session.get_session()


def test_encrypted_report_decrypts_to_the_same_bytes(resources: Resources, session: Any) -> None:
    plaintext = TEXT.encode("utf-8")
    ciphertext = crypto.encrypt(
        plaintext, REPORT_ID, key_arn=resources.kms_key_arn, botocore_session=session
    )
    assert plaintext not in ciphertext
    decrypted = crypto.decrypt(
        ciphertext, REPORT_ID, key_arn=resources.kms_key_arn, botocore_session=session
    )
    assert decrypted == plaintext


def test_decrypting_as_another_report_fails(resources: Resources, session: Any) -> None:
    ciphertext = crypto.encrypt(
        b"report", REPORT_ID, key_arn=resources.kms_key_arn, botocore_session=session
    )
    with pytest.raises(crypto.WrongEncryptionContext):
        crypto.decrypt(
            ciphertext, OTHER_ID, key_arn=resources.kms_key_arn, botocore_session=session
        )


def test_decrypting_for_another_purpose_fails(resources: Resources, session: Any) -> None:
    ciphertext = crypto.encrypt(
        b"report", REPORT_ID, key_arn=resources.kms_key_arn, botocore_session=session
    )
    with pytest.raises(crypto.WrongEncryptionContext):
        crypto.decrypt(
            ciphertext,
            REPORT_ID,
            key_arn=resources.kms_key_arn,
            botocore_session=session,
            purpose="reply",
        )


def test_message_of_another_key_is_not_decrypted(resources: Resources, session: Any) -> None:
    other_key = boto3.client("kms").create_key(Description="other")["KeyMetadata"]["Arn"]
    ciphertext = crypto.encrypt(b"report", REPORT_ID, key_arn=other_key, botocore_session=session)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(
            ciphertext, REPORT_ID, key_arn=resources.kms_key_arn, botocore_session=session
        )


def test_encryption_context_is_purpose_and_report_id() -> None:
    assert crypto.encryption_context(REPORT_ID) == {"purpose": "report", "report_id": REPORT_ID}


def test_kms_key_provider_is_made_once_per_key_and_session(
    resources: Resources, session: Any
) -> None:
    first = crypto.key_provider(resources.kms_key_arn, session)
    assert crypto.key_provider(resources.kms_key_arn, session) is first


def test_unreachable_kms_is_encryption_unavailable(resources: Resources) -> None:
    session = botocore.session.get_session()

    def unreachable(**kwargs: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://kms.invalid")

    session.get_component("event_emitter").register_first("before-send.kms", unreachable)
    with pytest.raises(crypto.EncryptionUnavailable):
        crypto.encrypt(b"x", REPORT_ID, key_arn=resources.kms_key_arn, botocore_session=session)


def test_unknown_key_is_encryption_unavailable(resources: Resources, session: Any) -> None:
    missing = resources.kms_key_arn.rsplit("/", 1)[0] + "/00000000-0000-4000-8000-000000000000"
    with pytest.raises(crypto.EncryptionUnavailable):
        crypto.encrypt(b"x", REPORT_ID, key_arn=missing, botocore_session=session)


def test_uses_only_the_configured_key(resources: Resources, session: Any) -> None:
    ciphertext = crypto.encrypt(
        json.dumps({"a": 1}).encode(),
        REPORT_ID,
        key_arn=resources.kms_key_arn,
        botocore_session=session,
    )
    # The key id of the one encrypted data key is in the message header, in clear.
    assert resources.kms_key_arn.encode() in ciphertext


def test_kms_failing_twice_then_recovering_encrypts_again(resources: Resources) -> None:
    session = botocore.session.get_session()
    down = True

    def unreachable(**kwargs: Any) -> None:
        if down:
            raise EndpointConnectionError(endpoint_url="https://kms.invalid")

    session.get_component("event_emitter").register_first("before-send.kms", unreachable)
    for _ in range(2):
        with pytest.raises(crypto.EncryptionUnavailable):
            crypto.encrypt(b"x", REPORT_ID, key_arn=resources.kms_key_arn, botocore_session=session)
    down = False
    ciphertext = crypto.encrypt(
        b"x", REPORT_ID, key_arn=resources.kms_key_arn, botocore_session=session
    )
    assert (
        crypto.decrypt(
            ciphertext, REPORT_ID, key_arn=resources.kms_key_arn, botocore_session=session
        )
        == b"x"
    )
