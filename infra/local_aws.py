"""Creates the AWS resources of one environment inside moto, the way the CDK stack creates them.

Used by the local server (`make serve`) and by the tests, so both exercise the same layout.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from reportdesk.core import layout

REGION = "eu-west-1"
SENDER = "meldingen@example.org"
RECIPIENTS = ("api-lien@example.org", "api-ellen@example.org")
# The maintainers: the weekly overview goes to them (alarm_emails in a deployment).
MAINTAINERS = ("beheer@example.org",)
# Objects the mailer announces: reports, and the children's follow-up messages.
REPORTS_PREFIXES = layout.ANNOUNCED_PREFIXES


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
            "OVERVIEW_RECIPIENTS": ",".join(MAINTAINERS),
            "NOTIFY_QUEUE_URL": self.queue_url,
            "NOTIFY_DLQ_URL": self.dlq_url,
        }


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
    )
