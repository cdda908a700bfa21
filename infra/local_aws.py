"""Creates the AWS resources of one environment inside moto, the way the CDK stack creates them.

Used by the local server (`make serve`) and by the tests, so both exercise the same layout.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP
from reportdesk.core import layout

REGION = "eu-west-1"
SENDER = "meldingen@example.org"
RECIPIENTS = ("api-lien@example.org", "api-ellen@example.org")
# The maintainers: the weekly overview goes to them (alarm_emails in a deployment).
MAINTAINERS = ("beheer@example.org",)
# Objects the mailer announces: reports, and the children's follow-up messages.
REPORTS_PREFIXES = layout.ANNOUNCED_PREFIXES
# The web inbox: its readers' group, the one local API person, and how long access records stay.
READERS_GROUP = "readers"
INBOX_USER = "api-lien@example.org"
AUDIT_RETENTION_DAYS = 1
RETENTION_DAYS = 365
POSTPONE_DAYS = 90


_S3_WRITE_LOCK = threading.Lock()


def make_conditional_writes_atomic() -> None:
    """Make moto's S3 PutObject check If-None-Match / If-Match and write as one step.

    moto checks the condition and then writes without a lock, so two concurrent conditional writes
    can both succeed; real S3 lets only one of them win, and exactly-once storage relies on that.
    """
    from moto.s3.responses import S3Response

    put_object = S3Response.put_object
    if getattr(put_object, "atomic", False):
        return

    def atomic_put_object(self: S3Response) -> Any:
        with _S3_WRITE_LOCK:
            return put_object(self)

    atomic_put_object.atomic = True  # type: ignore[attr-defined]
    S3Response.put_object = atomic_put_object  # type: ignore[method-assign]


@dataclass(frozen=True)
class Resources:
    """Names and ids of the emulated resources, as the functions get them in their environment."""

    region: str
    reports_bucket: str
    kms_key_arn: str
    queue_url: str
    dlq_url: str
    challenge_secret_id: str
    followup_secret_id: str
    sender: str
    recipients: tuple[str, ...]
    audit_bucket: str

    def environment(self, hourly_cap: int = 10) -> dict[str, str]:
        """The function environment variables (guides/reference.md, "Storage layout")."""
        return {
            "AWS_DEFAULT_REGION": self.region,
            "REPORTS_BUCKET": self.reports_bucket,
            "KMS_KEY_ARN": self.kms_key_arn,
            "CHALLENGE_SECRET_ID": self.challenge_secret_id,
            "FOLLOWUP_SECRET_ID": self.followup_secret_id,
            "MAIL_SENDER": self.sender,
            "MAIL_RECIPIENTS": ",".join(self.recipients),
            "MAIL_HOURLY_CAP": str(hourly_cap),
            "SES_CONFIGURATION_SET": "reports",
            "AUDIT_BUCKET": self.audit_bucket,
            "RETENTION_DAYS": str(RETENTION_DAYS),
            "POSTPONE_DAYS": str(POSTPONE_DAYS),
            "OVERVIEW_RECIPIENTS": ",".join(MAINTAINERS),
            "NOTIFY_QUEUE_URL": self.queue_url,
            "NOTIFY_DLQ_URL": self.dlq_url,
        }


def totp_code(secret: str, at: float | None = None) -> str:
    """The RFC 6238 code of a base32 secret (what an authenticator app shows). Not pyotp: it
    refuses moto's 60-bit secret; `cryptography` is what moto checks the codes with."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    # SHA-1 is what RFC 6238 authenticator apps and Cognito use.
    totp = TOTP(key, 6, SHA1(), 30, enforce_key_length=False)  # noqa: S303
    return totp.generate(time.time() if at is None else at).decode()


def fresh_totp_code(secret: str) -> str:
    """A code that stays valid for a few seconds more (moto accepts the current step only)."""
    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.1)
    return totp_code(secret)


@dataclass(frozen=True)
class UserPool:
    pool_id: str
    client_id: str


@dataclass(frozen=True)
class InboxSignIn:
    """The local web inbox's user pool and its one API person, ready to sign in."""

    pool: UserPool
    user: str
    password: str
    totp_secret: str


def create_inbox_sign_in(session: Any, name: str = "local") -> InboxSignIn:
    """The pool and the local API person (only the local server needs them: enrolling the
    authenticator may wait for a fresh TOTP step, which every test would pay otherwise)."""
    cognito = session.client("cognito-idp", region_name=REGION)
    pool = create_user_pool(cognito, name)
    password, secret = create_person(cognito, pool, INBOX_USER)
    return InboxSignIn(pool, INBOX_USER, password, secret)


def create_user_pool(cognito: Any, name: str) -> UserPool:
    """As the CDK stack's pool: no self sign-up, TOTP required, 12 characters, group `readers`,
    an app client without secret for USER_PASSWORD_AUTH and refresh."""
    pool_id = cognito.create_user_pool(
        PoolName=f"{name}-inbox",
        UsernameAttributes=["email"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        Policies={"PasswordPolicy": {"MinimumLength": 12}},
    )["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{name}-inbox",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=15,
        IdTokenValidity=15,
        RefreshTokenValidity=8,
        TokenValidityUnits={
            "AccessToken": "minutes",
            "IdToken": "minutes",
            "RefreshToken": "hours",
        },
        EnableTokenRevocation=True,
    )["UserPoolClient"]["ClientId"]
    cognito.create_group(UserPoolId=pool_id, GroupName=READERS_GROUP)
    return UserPool(pool_id, client_id)


def create_person(
    cognito: Any, pool: UserPool, email: str, *, reader: bool = True
) -> tuple[str, str]:
    """An API person with a permanent password and an enrolled authenticator: (password, secret).

    moto never asks for MFA_SETUP, so the person is enrolled here, as they would be at their first
    sign-in: AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference.
    """
    password = f"Local-{secrets.token_urlsafe(12)}-1a"
    cognito.admin_create_user(
        UserPoolId=pool.pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool.pool_id, Username=email, Password=password, Permanent=True
    )
    if reader:
        cognito.admin_add_user_to_group(
            UserPoolId=pool.pool_id, Username=email, GroupName=READERS_GROUP
        )
    signed_in = cognito.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    access = signed_in["AuthenticationResult"]["AccessToken"]
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    for attempt in range(3):
        try:
            cognito.verify_software_token(AccessToken=access, UserCode=fresh_totp_code(secret))
            break
        except cognito.exceptions.CodeMismatchException:
            # A loaded machine can take the code past its 30-second step: take the next one.
            if attempt == 2:
                raise
            time.sleep(30 - time.time() % 30 + 0.1)
    cognito.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    return password, secret


def create_audit_bucket(s3: Any, bucket: str) -> None:
    """The access record: Object Lock in compliance mode, so no entry can be rewritten or deleted
    before its retention ends (a short one locally)."""
    s3.create_bucket(
        Bucket=bucket,
        CreateBucketConfiguration={"LocationConstraint": REGION},
        ObjectLockEnabledForBucket=True,
    )
    s3.put_object_lock_configuration(
        Bucket=bucket,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": AUDIT_RETENTION_DAYS}},
        },
    )


def create_resources(session: Any, name: str = "local") -> Resources:
    """Create key, buckets, queues, secrets and the SES identity; `session` is a boto3 Session."""
    kms = session.client("kms", region_name=REGION)
    s3 = session.client("s3", region_name=REGION)
    sqs = session.client("sqs", region_name=REGION)
    sm = session.client("secretsmanager", region_name=REGION)
    ses = session.client("sesv2", region_name=REGION)

    key = kms.create_key(Description=f"{name} reports key", KeyUsage="ENCRYPT_DECRYPT")
    key_arn = key["KeyMetadata"]["Arn"]

    dlq_url = sqs.create_queue(QueueName=f"{name}-notify-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue_url = sqs.create_queue(
        QueueName=f"{name}-notify",
        Attributes={
            "VisibilityTimeout": "60",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}),
        },
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]

    bucket = f"{name}-reports"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_arn,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}},
                }
                for prefix in REPORTS_PREFIXES
            ]
        },
    )

    challenge = sm.create_secret(Name=f"{name}/challenge", SecretString=secrets.token_hex(32))
    followup = sm.create_secret(Name=f"{name}/followup", SecretString=secrets.token_hex(32))

    ses.create_email_identity(EmailIdentity=SENDER)
    ses.create_configuration_set(ConfigurationSetName="reports")

    audit_bucket = f"{name}-audit"
    create_audit_bucket(s3, audit_bucket)

    return Resources(
        region=REGION,
        reports_bucket=bucket,
        kms_key_arn=key_arn,
        queue_url=queue_url,
        dlq_url=dlq_url,
        challenge_secret_id=challenge["ARN"],
        followup_secret_id=followup["ARN"],
        sender=SENDER,
        recipients=RECIPIENTS,
        audit_bucket=audit_bucket,
    )


def main(argv: list[str]) -> int:
    """`python -m infra.local_aws totp`: the local API person's current authenticator code."""
    import shlex
    import sys
    from pathlib import Path

    if argv != ["totp"]:
        print("usage: python -m infra.local_aws totp", file=sys.stderr)
        return 2
    env = Path(".local") / "inbox.env"
    for line in env.read_text(encoding="utf-8").splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["export"] and words[1].startswith("INBOX_TOTP_SECRET="):
            print(fresh_totp_code(words[1].partition("=")[2]))
            return 0
    print(f"no INBOX_TOTP_SECRET in {env}: start `make serve` first", file=sys.stderr)
    return 1


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
