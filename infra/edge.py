"""The edge: the AWS WAF web ACL of the CloudFront distribution, in its own us-east-1 stack.

CloudFront only accepts a web ACL of scope CLOUDFRONT, and those exist in us-east-1 only. The
main stack stays in the EU; it gets the web ACL's ARN through CDK's cross-region references (an
SSM parameter written here, read there by a small CDK custom resource).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.alarms import ROLE_EVENTS, api_calls, role_names
from infra.config import WAF_WINDOW_SECONDS, Config

EDGE_REGION = "us-east-1"
# AWS WAF's answer past a rate limit: the form shows "try again later" for 429.
RATE_LIMITED = wafv2.CfnWebACL.BlockActionProperty(
    custom_response=wafv2.CfnWebACL.CustomResponseProperty(
        response_code=429,
        response_headers=[
            wafv2.CfnWebACL.CustomHTTPHeaderProperty(
                name="Retry-After", value=str(WAF_WINDOW_SECONDS)
            )
        ],
    )
)


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    # Metrics only: sampled requests would keep children's IP addresses and headers for hours.
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=False
    )


def _path(match: str, value: str) -> dict[str, Any]:
    """A statement on the request path: `match` is STARTS_WITH or EXACTLY."""
    return {
        "byteMatchStatement": {
            "fieldToMatch": {"uriPath": {}},
            "positionalConstraint": match,
            "searchString": value,
            "textTransformations": [{"priority": 0, "type": "NONE"}],
        }
    }


POST = {
    "byteMatchStatement": {
        "fieldToMatch": {"method": {}},
        "positionalConstraint": "EXACTLY",
        "searchString": "POST",
        "textTransformations": [{"priority": 0, "type": "NONE"}],
    }
}
# The requests that store something: new reports and the follow-up routes.
WRITES = {
    "andStatement": {
        "statements": [
            POST,
            {
                "orStatement": {
                    "statements": [
                        _path("EXACTLY", "/api/reports"),
                        _path("STARTS_WITH", "/api/followup/"),
                    ]
                }
            },
        ]
    }
}


def _per_ip(limit: int, scope: dict[str, Any]) -> dict[str, Any]:
    return {
        "rateBasedStatement": {
            "limit": limit,
            "aggregateKeyType": "IP",
            "evaluationWindowSec": WAF_WINDOW_SECONDS,
            "scopeDownStatement": scope,
        }
    }


class EdgeStack(Stack):
    """`web_acl_arn` is what the distribution is associated with."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: Config, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        name = f"ReportDesk-{config.env}"
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=name,
            description=f"ReportDesk {config.env}: per-IP limits on the report API",
            scope="CLOUDFRONT",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(name),
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name="IpReputation",
                    priority=0,
                    statement={
                        "managedRuleGroupStatement": {
                            "vendorName": "AWS",
                            "name": "AWSManagedRulesAmazonIpReputationList",
                        }
                    },
                    override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                    visibility_config=_visibility(f"{name}-IpReputation"),
                ),
                wafv2.CfnWebACL.RuleProperty(
                    name="WritesPerIp",
                    priority=1,
                    statement=_per_ip(config.waf_write_limit, WRITES),
                    action=wafv2.CfnWebACL.RuleActionProperty(block=RATE_LIMITED),
                    visibility_config=_visibility(f"{name}-WritesPerIp"),
                ),
                wafv2.CfnWebACL.RuleProperty(
                    name="ApiPerIp",
                    priority=2,
                    statement=_per_ip(config.waf_api_limit, _path("STARTS_WITH", "/api/")),
                    action=wafv2.CfnWebACL.RuleActionProperty(block=RATE_LIMITED),
                    visibility_config=_visibility(f"{name}-ApiPerIp"),
                ),
            ],
        )
        self.web_acl_arn = self.web_acl.attr_arn
        # IAM records its calls in us-east-1 only: changes to the main stack's roles go on to the
        # main region's event bus, where the alarm rule mails the maintainers (infra/alarms.py).
        main_bus = events.EventBus.from_event_bus_arn(
            self,
            "MainBus",
            self.format_arn(
                service="events",
                region=config.region,
                resource="event-bus",
                resource_name="default",
            ),
        )
        events.Rule(
            self,
            "RoleChanges",
            description=f"Changes to the roles of {config.stack_name}, to its region's bus",
            event_pattern=api_calls(
                "iam",
                ROLE_EVENTS,
                {"requestParameters": {"roleName": [role_names(config.stack_name)]}},
            ),
            targets=[targets.EventBus(main_bus)],
        )
