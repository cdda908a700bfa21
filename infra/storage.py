"""Reports storage: the envelope key, the bucket with its lifecycle, and the readers role.

Two KMS keys, on purpose. The *reports key* wraps the AWS Encryption SDK data keys; its key policy
names every principal and always requires an encryption context `purpose`, so who may decrypt
what is read in one place. The *storage key* is the bucket's SSE-KMS default (context
`aws:s3:arn`, no `purpose`); one key for both would need an exception for S3 in every statement.
The storage key only ever protects ciphertext: reading a report still needs the reports key.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from reportdesk.core import layout

from infra import nag
from infra.config import Config

# The reminders' "sent today" and "sent this week" markers outlive their week.
REMINDED_DAYS = 8

# Root may manage the reports key (and change its policy, which CloudTrail records) but not use it.
KEY_ADMIN_ACTIONS = (
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
)


class ReportsStorage(Construct):
    """The reports bucket and keys; `allow_*` methods write each role's exact permissions."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: Config, access_logs: s3.IBucket
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.reports_key = kms.Key(
            self,
            "ReportsKey",
            description=f"ReportDesk {config.env}: wraps report data keys (Encryption SDK)",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
            policy=iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        sid="RootManagesButCannotUse",
                        principals=[iam.AccountRootPrincipal()],
                        actions=list(KEY_ADMIN_ACTIONS),
                        resources=["*"],
                    )
                ]
            ),
        )
        self.storage_key = kms.Key(
            self,
            "StorageKey",
            description=f"ReportDesk {config.env}: reports bucket default encryption (SSE-KMS)",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # A fixed name, so the queue policy can name the bucket before the bucket exists (S3
        # checks the notification target on creation) without a custom resource.
        self.bucket_name = f"reportdesk-{config.env}-reports-{stack.account}-{stack.region}"
        self.bucket_arn = stack.format_arn(
            service="s3", region="", account="", resource=self.bucket_name
        )
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=self.bucket_name,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.storage_key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="reports-bucket/",
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                # No current version expires by age: a report is deleted from its closing day
                # by the reminders function (reportdesk.reminders), never while its case is
                # open. What is deleted (a noncurrent version) goes after deleted_retention_days.
                s3.LifecycleRule(
                    id="deleted-versions",
                    noncurrent_version_expiration=Duration.days(config.deleted_retention_days),
                    expired_object_delete_marker=True,
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                ),
                *(
                    s3.LifecycleRule(
                        id=prefix.rstrip("/"),
                        prefix=prefix,
                        expiration=Duration.days(config.retention_days),
                    )
                    for prefix in layout.BOOKKEEPING_PREFIXES
                ),
                s3.LifecycleRule(
                    id="reminded",
                    prefix=layout.REMINDED_PREFIX,
                    expiration=Duration.days(REMINDED_DAYS),
                ),
                *(
                    s3.LifecycleRule(
                        id=prefix.rstrip("/"),
                        prefix=prefix,
                        expiration=Duration.days(1),
                        noncurrent_version_expiration=Duration.days(1),
                    )
                    for prefix in layout.SHORT_LIVED_PREFIXES
                ),
            ],
        )
        self.readers_role = iam.Role(
            self,
            "ReadersRole",
            description="The API persons: api-inbox list, read, mark handled, delete",
            assumed_by=_readers(config.readers),
            max_session_duration=Duration.hours(1),
        )
        self.readers_role.add_to_policy(
            iam.PolicyStatement(
                sid="ListKeys",
                actions=["s3:ListBucket", "s3:ListBucketVersions"],
                resources=[self.bucket_arn],
            )
        )
        self.allow(
            self.readers_role,
            [
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:GetObjectTagging",
                "s3:PutObjectTagging",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
            ],
            [layout.REPORTS_PREFIX],
        )
        self.allow_reports_key(self.readers_role, ["kms:Decrypt"], purpose="report")
        self.allow_storage_key(self.readers_role, ["kms:Decrypt"])

    def objects(self, prefix: str) -> str:
        """The ARN pattern of every object under `prefix`."""
        return f"{self.bucket_arn}/{prefix}*"

    def allow_reports_key(self, role: iam.IRole, actions: Sequence[str], *, purpose: str) -> None:
        """Key policy: `role` may use the reports key only for data of this `purpose`."""
        self.reports_key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ArnPrincipal(role.role_arn)],
                actions=list(actions),
                resources=["*"],
                conditions={"StringEquals": {"kms:EncryptionContext:purpose": purpose}},
            )
        )

    def allow_storage_key(self, role: iam.IRole, actions: Sequence[str]) -> None:
        """`role` may use the storage key only through S3, for this bucket."""
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=list(actions),
                resources=[self.storage_key.key_arn],
                conditions={
                    "StringEquals": {
                        "kms:ViaService": f"s3.{Stack.of(self).region}.amazonaws.com",
                        "kms:EncryptionContext:aws:s3:arn": self.bucket_arn,
                    }
                },
            )
        )

    def allow(self, role: iam.IRole, actions: Sequence[str], prefixes: Sequence[str]) -> None:
        """`role` may do `actions` on the objects under `prefixes`, nothing else."""
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=list(actions), resources=[self.objects(p) for p in prefixes]
            )
        )
        for prefix in prefixes:
            nag.acknowledge(
                role,
                f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::{self.bucket_name}/{prefix}*]",
                f"Object keys under {prefix} are made at run time (report ids, hours): the "
                "prefix is the narrowest fixed scope (README, Storage layout).",
            )

    def allow_list(self, role: iam.IRole) -> None:
        """ListBucket: also what makes S3 answer 404 instead of 403 to a HEAD of a missing key."""
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[self.bucket_arn])
        )

    def allow_list_keys(self, role: iam.IRole, prefix: str) -> None:
        """ListBucket limited to keys under `prefix`: names only, never an object's content."""
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[self.bucket_arn],
                conditions={"StringLike": {"s3:prefix": f"{prefix}*"}},
            )
        )

    def send_created_events(self, prefixes: Sequence[str], queue: sqs.Queue) -> None:
        """ObjectCreated under each of `prefixes` → `queue` (call once: it sets the bucket's whole
        notification configuration). Declared on the bucket itself, no custom resource; the queue
        policy comes first because S3 tests the target on creation."""
        stack = Stack.of(self)
        added = queue.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ReportsBucketEvents",
                principals=[iam.ServicePrincipal("s3.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[queue.queue_arn],
                conditions={
                    "ArnEquals": {"aws:SourceArn": self.bucket_arn},
                    "StringEquals": {"aws:SourceAccount": stack.account},
                },
            )
        )
        cfn_bucket = self.bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event="s3:ObjectCreated:*",
                    queue=queue.queue_arn,
                    filter=s3.CfnBucket.NotificationFilterProperty(
                        s3_key=s3.CfnBucket.S3KeyFilterProperty(
                            rules=[s3.CfnBucket.FilterRuleProperty(name="prefix", value=prefix)]
                        )
                    ),
                )
                for prefix in prefixes
            ]
        )
        assert added.policy_dependable is not None
        cfn_bucket.node.add_dependency(added.policy_dependable)


def _readers(arns: Sequence[str]) -> iam.IPrincipal:
    """The named principals; without names, whoever an account administrator allows."""
    if not arns:
        return iam.AccountRootPrincipal()
    return iam.CompositePrincipal(*(iam.ArnPrincipal(arn) for arn in arns))
