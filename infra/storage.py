"""Reports storage: the envelope key, the bucket with its lifecycle, and the readers role.

Two KMS keys, on purpose. The *reports key* wraps the AWS Encryption SDK data keys; its key policy
names every principal and always requires an encryption context `purpose`, so who may decrypt
what is read in one place. The *storage key* is the bucket's SSE-KMS default (context
`aws:s3:arn`, no `purpose`); one key for both would need an exception for S3 in every statement.
The storage key only ever protects ciphertext: reading a report still needs the reports key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import DefaultStackSynthesizer, Duration, Fn, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from reportdesk.core import layout

from infra import nag
from infra.config import Config

# What the account (root, and through it every IAM policy that allows it) may do with the reports
# key: keep it alive and tidy, never use it or give anyone use of it. `kms:CreateGrant` and
# `kms:PutKeyPolicy` are left out: either would let an administrator give themselves Decrypt.
# The key stays manageable on purpose: without the account, a deleted role could leave a key
# nobody can administer (AWS Support would be the only way back). So the account keeps every
# harmless action; the two dangerous ones go to named roles only (`_key_admin`).
KEY_ADMIN_ACTIONS = (
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
    "kms:Describe*",
    "kms:List*",
    "kms:Get*",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:RotateKeyOnDemand",
    "kms:RevokeGrant",
    "kms:RetireGrant",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
)
# The actions that change who may use the key: the CDK deployment role (CloudFormation must write
# the key policy at each deploy, and KMS refuses a new key whose policy would lock its creator
# out) and the configured break-glass role only. Both are alarmed (infra/alarms.py).
KEY_POLICY_ACTIONS = ("kms:PutKeyPolicy",)
BREAK_GLASS_ACTIONS = ("kms:PutKeyPolicy", "kms:CreateGrant")
# Object contents only the allow-listed roles may get (bucket policy, `ContentReaders`).
CONTENT = (layout.REPORTS_PREFIX, layout.REPLIES_PREFIX, layout.MESSAGES_PREFIX)
# The reminders' "sent today" and "sent this week" markers outlive their week.
REMINDED_DAYS = 8
# Identity Center (SSO) permission-set roles live under this path, which IAM reserves for it.
SSO_ROLE_PATH = "role/aws-reserved/sso.amazonaws.com/*"
WITH_MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


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
            policy=iam.PolicyDocument(statements=_key_admin(stack, config.key_break_glass)),
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
        self.readers_role = self._person_role(
            "ReadersRole",
            "The API persons: api-inbox list, read, reply, mark handled",
            config.readers,
        )
        self.allow(
            self.readers_role, ["s3:GetObject", "s3:GetObjectVersion"], [layout.REPORTS_PREFIX]
        )
        # `api-inbox list` shows and `mark` changes the case state, as the web inbox does.
        self.allow(self.readers_role, ["s3:GetObject", "s3:PutObject"], [layout.CASES_PREFIX])
        self.allow_reports_key(self.readers_role, ["kms:Decrypt"], purpose="report")
        self.allow_storage_key(self.readers_role, ["kms:Decrypt"])
        # Deleting for good is a second, deliberate step: its own role, its own profile
        # (`api-inbox --profile api-inbox-delete delete ...`). It finds reports by their metadata
        # (HEAD needs s3:GetObject) and their status in the case state, but has no key: it can
        # never read a report.
        self.delete_role = self._person_role(
            "ReadersDeleteRole",
            "The API persons: api-inbox delete and purge (no decryption)",
            config.deleters,
        )
        self.allow(self.delete_role, ["s3:GetObject"], [layout.REPORTS_PREFIX, layout.CASES_PREFIX])
        # The report, and the intake's marker and the case state named after it (issue 16.7).
        self.allow(
            self.delete_role,
            ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            [layout.REPORTS_PREFIX, layout.SUBMISSIONS_PREFIX, layout.CASES_PREFIX],
        )

    def _person_role(self, construct_id: str, description: str, people: Sequence[str]) -> iam.Role:
        """A role `people` assume with MFA (or from Identity Center) for an hour at most, which may
        list every key and version of the bucket (names only); its other rights are added to it."""
        principal = _people(people)
        role = iam.Role(
            self,
            construct_id,
            description=description,
            assumed_by=principal.with_conditions(WITH_MFA),
            max_session_duration=Duration.hours(1),
        )
        _also_from_identity_center(role, principal)
        role.add_to_policy(
            iam.PolicyStatement(
                sid="ListKeys",
                actions=["s3:ListBucket", "s3:ListBucketVersions"],
                resources=[self.bucket_arn],
            )
        )
        return role

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

    def allow(
        self,
        role: iam.IRole,
        actions: Sequence[str],
        prefixes: Sequence[str],
        conditions: Mapping[str, Any] | None = None,
    ) -> None:
        """`role` may do `actions` on the objects under `prefixes` (under `conditions`), nothing
        else."""
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=list(actions),
                resources=[self.objects(p) for p in prefixes],
                conditions=dict(conditions) if conditions else None,
            )
        )
        for prefix in prefixes:
            nag.acknowledge(
                role,
                f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::{self.bucket_name}/{prefix}*]",
                f"Object keys under {prefix} are made at run time (report ids, hours): the "
                "prefix is the narrowest fixed scope (guides/reference.md, Storage layout).",
            )

    def allow_list_keys(self, role: iam.IRole, prefixes: Sequence[str]) -> None:
        """ListBucket limited to keys under `prefixes`: names only, never an object's content.
        Without an unlimited ListBucket, S3 answers a GET or HEAD of a missing key with 403, not
        404: such a role checks a key's existence by listing it."""
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[self.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{p}*" for p in prefixes]}},
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


class ContentReaders(Construct):
    """The bucket policy's answer to "who may get a report, reply or message object": nobody but
    `roles`. It holds even against an IAM policy that allows `s3:*` (an administrator's), so a
    copy of the ciphertext needs a bucket policy change, which alarms. A new role that must read
    content is one more entry in `roles` (infra/stack.py)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        storage: ReportsStorage,
        roles: Sequence[iam.IRole],
    ) -> None:
        super().__init__(scope, construct_id)
        self.roles = tuple(roles)
        storage.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="OnlyNamedRolesGetContent",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["s3:GetObject", "s3:GetObjectVersion"],
                resources=[storage.objects(prefix) for prefix in CONTENT],
                conditions={"ArnNotEquals": {"aws:PrincipalArn": [r.role_arn for r in roles]}},
            )
        )


def _key_admin(stack: Stack, break_glass: str | None) -> list[iam.PolicyStatement]:
    """The reports key policy's administration statements (use is granted per role and purpose)."""
    deployer = stack.synthesizer
    assert isinstance(deployer, DefaultStackSynthesizer)
    statements = [
        iam.PolicyStatement(
            sid="AccountManagesButCannotUseOrShare",
            principals=[iam.AccountRootPrincipal()],
            actions=list(KEY_ADMIN_ACTIONS),
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DeploymentWritesKeyPolicy",
            principals=[iam.AccountRootPrincipal()],
            actions=list(KEY_POLICY_ACTIONS),
            resources=["*"],
            conditions={
                "ArnEquals": {
                    "aws:PrincipalArn": Fn.sub(deployer.cloud_formation_execution_role_arn)
                }
            },
        ),
    ]
    if break_glass:
        statements.append(
            iam.PolicyStatement(
                sid="BreakGlass",
                principals=[iam.AccountRootPrincipal()],
                actions=list(BREAK_GLASS_ACTIONS),
                resources=["*"],
                conditions={"ArnEquals": {"aws:PrincipalArn": break_glass}},
            )
        )
    return statements


def _people(arns: Sequence[str]) -> iam.PrincipalBase:
    """The named principals; without names, whoever an account administrator allows."""
    if not arns:
        return iam.AccountRootPrincipal()
    return iam.CompositePrincipal(*(iam.ArnPrincipal(arn) for arn in arns))


def _also_from_identity_center(role: iam.Role, people: iam.IPrincipal) -> None:
    """Trust policy: `people` may assume `role` from a session started with MFA (`WITH_MFA`, given
    when the role is made) or from an Identity Center (SSO) session, whose sign-in has its own MFA
    and whose roles only Identity Center can create. A bare access key is never enough."""
    assert role.assume_role_policy is not None
    partition = Stack.of(role).partition
    role.assume_role_policy.add_statements(
        iam.PolicyStatement(
            principals=[people],
            actions=["sts:AssumeRole"],
            conditions={"ArnLike": {"aws:PrincipalArn": f"arn:{partition}:iam::*:{SSO_ROLE_PATH}"}},
        )
    )
