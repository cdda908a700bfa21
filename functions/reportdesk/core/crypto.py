"""Envelope encryption of report documents: AWS Encryption SDK, the organisation's KMS key.

The encryption context binds each ciphertext to its purpose (report, reply, message) and report id,
so a stored object cannot be passed off as another one; `decrypt` checks that binding.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError
from cryptography.exceptions import InvalidSignature, InvalidTag

PURPOSE: Final = "report"


class EncryptionUnavailable(Exception):
    """KMS could not be used (down, key disabled, no permission): nothing was encrypted."""


class DecryptionFailed(Exception):
    """The message could not be decrypted with the configured key."""


class WrongEncryptionContext(DecryptionFailed):
    """The message decrypts, but it was not encrypted as the report it is claimed to be."""


def encryption_context(report_id: str, purpose: str = PURPOSE) -> dict[str, str]:
    """The encryption context of a report, reply or message (reference guide, "Storage layout")."""
    return {"purpose": purpose, "report_id": report_id}


@functools.cache
def client() -> Any:
    """The Encryption SDK's client. The SDK is imported here, on first use, not with this module:
    it is a fifth of the intake's import time, and the challenge never needs it. (With SnapStart,
    `runtime.snapstart` calls this before the snapshot, so a restored copy has it already.)"""
    import aws_encryption_sdk

    # One KMS key wraps each data key, so a decrypt never needs to try more than one.
    return aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=aws_encryption_sdk.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
        max_encrypted_data_keys=1,
    )


def _sdk_errors(*more: type[Exception]) -> tuple[type[Exception], ...]:
    from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError

    return (AWSEncryptionSDKClientError, BotoCoreError, ClientError, *more)


@functools.cache
def key_provider(key_arn: str, botocore_session: Any) -> Any:
    """A provider that only uses `key_arn`; cached, so a warm function reuses its KMS client."""
    from aws_encryption_sdk import StrictAwsKmsMasterKeyProvider

    return StrictAwsKmsMasterKeyProvider(key_ids=[key_arn], botocore_session=botocore_session)


def encrypt(
    plaintext: bytes,
    report_id: str,
    *,
    key_arn: str,
    botocore_session: Any,
    purpose: str = PURPOSE,
) -> bytes:
    """An AWS Encryption SDK message holding `plaintext`, bound to `report_id` and `purpose`."""
    try:
        ciphertext, _header = client().encrypt(
            source=plaintext,
            key_provider=key_provider(key_arn, botocore_session),
            encryption_context=encryption_context(report_id, purpose),
        )
    except _sdk_errors() as error:
        raise EncryptionUnavailable(type(error).__name__) from error
    return bytes(ciphertext)


def decrypt(
    ciphertext: bytes,
    report_id: str,
    *,
    key_arn: str,
    botocore_session: Any,
    purpose: str = PURPOSE,
) -> bytes:
    """The plaintext of a message, after checking it was encrypted for `purpose` and `report_id`."""
    try:
        plaintext, header = client().decrypt(
            source=ciphertext, key_provider=key_provider(key_arn, botocore_session)
        )
    # A changed body or signature fails inside `cryptography`, which the SDK does not wrap.
    except _sdk_errors(InvalidSignature, InvalidTag) as error:
        raise DecryptionFailed(type(error).__name__) from error
    context = header.encryption_context
    if context.get("purpose") != purpose or context.get("report_id") != report_id:
        raise WrongEncryptionContext(f"message is not a {purpose} of report {report_id}")
    return bytes(plaintext)
