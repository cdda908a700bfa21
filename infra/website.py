"""The public site: private bucket behind CloudFront (OAC), `/api/*` to the report API, one origin.

The response headers come from `build/security-headers.json` (written by `make build` from the built
site), so CloudFront sends exactly the policy the local server and the tests use.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra import nag
from infra.config import Config
from infra.security_headers import load_headers

_HSTS = re.compile(r"max-age=(?P<age>\d+)(?P<sub>; includeSubDomains)?(?P<preload>; preload)?")
# MkDocs writes /fr/page/index.html and links to /fr/page/; S3 has no index documents.
_INDEX_FUNCTION = """\
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.split('/').pop().indexOf('.') === -1) {
    return {statusCode: 301, statusDescription: 'Moved Permanently',
            headers: {location: {value: uri + '/'}}};
  }
  return request;
}
"""


DISTRIBUTION_ACKNOWLEDGEMENTS = (
    (
        "AwsSolutions-CFR1",
        "No geo restriction: a child may need to report from abroad or through a VPN.",
    ),
    (
        "AwsSolutions-CFR3",
        "No CloudFront access logs on purpose: they would record the IP address and user agent "
        "of every child who visits (privacy promise: no personal data in logs).",
    ),
)


class HeaderError(ValueError):
    """A header from security-headers.json cannot be expressed exactly in CloudFront."""


def _member(enum: Any, value: str) -> Any:
    """CDK's enum member for a header value: `no-referrer` is HeadersReferrerPolicy.NO_REFERRER."""
    try:
        return enum[value.upper().replace("-", "_")]
    except KeyError:
        raise HeaderError(f"{enum.__name__} has no value {value!r}") from None


def response_headers(
    headers: dict[str, str],
) -> tuple[cloudfront.ResponseSecurityHeadersBehavior, cloudfront.ResponseCustomHeadersBehavior]:
    """CloudFront's security headers plus custom headers that send exactly `headers`."""
    rest = dict(headers)
    hsts = None
    if "Strict-Transport-Security" in rest:
        value = rest.pop("Strict-Transport-Security")
        match = _HSTS.fullmatch(value)
        if not match:
            raise HeaderError(f"Strict-Transport-Security not expressible in CloudFront: {value}")
        hsts = cloudfront.ResponseHeadersStrictTransportSecurity(
            access_control_max_age=Duration.seconds(int(match["age"])),
            include_subdomains=bool(match["sub"]),
            preload=bool(match["preload"]),
            override=True,
        )
    csp = rest.pop("Content-Security-Policy", None)
    nosniff = rest.pop("X-Content-Type-Options", None)
    if nosniff not in (None, "nosniff"):
        raise HeaderError(f"X-Content-Type-Options must be nosniff, got {nosniff}")
    referrer = rest.pop("Referrer-Policy", None)
    frame = rest.pop("X-Frame-Options", None)
    security = cloudfront.ResponseSecurityHeadersBehavior(
        content_security_policy=(
            cloudfront.ResponseHeadersContentSecurityPolicy(
                content_security_policy=csp, override=True
            )
            if csp is not None
            else None
        ),
        content_type_options=(
            cloudfront.ResponseHeadersContentTypeOptions(override=True) if nosniff else None
        ),
        referrer_policy=(
            cloudfront.ResponseHeadersReferrerPolicy(
                referrer_policy=_member(cloudfront.HeadersReferrerPolicy, referrer),
                override=True,
            )
            if referrer is not None
            else None
        ),
        frame_options=(
            cloudfront.ResponseHeadersFrameOptions(
                frame_option=_member(cloudfront.HeadersFrameOption, frame), override=True
            )
            if frame is not None
            else None
        ),
        strict_transport_security=hsts,
    )
    custom = cloudfront.ResponseCustomHeadersBehavior(
        custom_headers=[
            cloudfront.ResponseCustomHeader(header=name, value=value, override=True)
            for name, value in sorted(rest.items())
        ]
    )
    return security, custom


class Website(Construct):
    """Site bucket, CloudFront distribution and the deployment of the built site."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: Config,
        site_dir: Path,
        headers_file: Path,
        api_domain: str,
        api_headers: dict[str, str],
        web_acl_arn: str,
        access_logs: s3.IBucket,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="site-bucket/",
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=False,
            lifecycle_rules=[
                s3.LifecycleRule(noncurrent_version_expiration=Duration.days(30)),
            ],
        )
        security, custom = response_headers(load_headers(headers_file))
        self.headers_policy = cloudfront.ResponseHeadersPolicy(
            self,
            "Headers",
            comment="Security headers computed from the built site (make build)",
            security_headers_behavior=security,
            custom_headers_behavior=custom,
        )
        index = cloudfront.Function(
            self,
            "Index",
            code=cloudfront.FunctionCode.from_inline(_INDEX_FUNCTION),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="Serve index.html for directory URLs",
        )
        certificate = (
            acm.Certificate.from_certificate_arn(self, "Certificate", config.certificate_arn)
            if config.certificate_arn
            else None
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            # The rotation count is here so that raising it changes the distribution, and the
            # deploy then reads the origin-verify secret again (guides/deploying.md, "The edge").
            comment=f"ReportDesk {config.env} (origin key {config.origin_verify_rotation})",
            web_acl_id=web_acl_arn,
            default_root_object="index.html",
            domain_names=[config.domain] if config.domain else None,
            certificate=certificate,
            # Only with a certificate: the default *.cloudfront.net one has a fixed policy.
            minimum_protocol_version=(
                cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if certificate else None
            ),
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self.headers_policy,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=index, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            additional_behaviors={
                "/api/*": cloudfront.BehaviorOptions(
                    origin=origins.HttpOrigin(
                        api_domain,
                        protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                        # The functions answer 403 without it: the execute-api address is public.
                        custom_headers=api_headers,
                    ),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    origin_request_policy=(
                        cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER
                    ),
                    response_headers_policy=self.headers_policy,
                )
            },
            # S3 answers 403 for a missing page: OAC may read objects, not list them. Only 403 is
            # mapped, because error pages apply to every path: the API's own 404 answers (unknown
            # follow-up code, unknown route) must reach the client unchanged.
            error_responses=[
                cloudfront.ErrorResponse(
                    http_status=403,
                    response_http_status=404,
                    response_page_path="/404.html",
                    ttl=Duration.minutes(5),
                )
            ],
        )
        self.deployment_logs = logs.LogGroup(
            self, "DeploymentLogs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY
        )
        deployment = s3deploy.BucketDeployment(
            self,
            "Deploy",
            sources=[s3deploy.Source.asset(str(site_dir))],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            memory_limit=512,
            log_group=self.deployment_logs,
        )
        self._acknowledge_deployment_function(deployment)
        if certificate is None:
            nag.acknowledge(
                self.distribution,
                "AwsSolutions-CFR4",
                "No custom domain configured: the default *.cloudfront.net certificate does not "
                "allow choosing the TLS policy. With a domain, TLSv1.2_2021 is used.",
            )
        for rule, reason in DISTRIBUTION_ACKNOWLEDGEMENTS:
            nag.acknowledge(self.distribution, rule, reason)

    def _acknowledge_deployment_function(self, deployment: s3deploy.BucketDeployment) -> None:
        """CDK's own site deployment function (a singleton at stack level) is CDK's design."""
        stack = Stack.of(self)
        bucket = stack.get_logical_id(self.bucket.node.default_child)  # type: ignore[arg-type]
        assets = f"cdk-hnb659fds-assets-{stack.account}-{stack.region}"
        findings = [
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]",
            *(
                f"AwsSolutions-IAM5[Action::{action}]"
                for action in ("s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*")
            ),
            "AwsSolutions-IAM5[Action::s3:Abort*]",
            f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::{assets}/*]",
            f"AwsSolutions-IAM5[Resource::<{bucket}.Arn>/*]",
            "AwsSolutions-IAM5[Resource::*]",
        ]
        for finding in findings:
            nag.acknowledge(
                deployment.handler_role,
                finding,
                "CDK's site deployment function copies the built site from the CDK asset "
                "bucket into the site bucket and invalidates the distribution.",
            )
        for child in stack.node.children:
            if child.node.id.startswith("Custom::CDKBucketDeployment"):
                nag.acknowledge(
                    child, "AwsSolutions-L1", "CDK chooses the runtime of its deployment function."
                )
