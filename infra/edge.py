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
from reportdesk.runtime import rate_limited
from reportdesk.runtime.http_io import FORM_TYPE

from infra.alarms import ROLE_EVENTS, api_calls, role_names
from infra.config import WAF_WINDOW_SECONDS, Config

EDGE_REGION = "us-east-1"
# Past a per-IP limit a rate rule only labels the request (a rate-based rule labels only while it
# limits); the two rules after them block it with an answer its sender can read (429, texts from
# reportdesk/runtime/rate_limited.py): a page for a form posted without JavaScript, JSON else.
RATE_LIMITED_LABEL = "reportdesk:rate-limited"
PAGE_BODY = "too-many-page"
JSON_BODY = "too-many-json"
RESPONSE_BODIES = {
    PAGE_BODY: wafv2.CfnWebACL.CustomResponseBodyProperty(
        content_type="TEXT_HTML", content=rate_limited.html_body()
    ),
    JSON_BODY: wafv2.CfnWebACL.CustomResponseBodyProperty(
        content_type="APPLICATION_JSON", content=rate_limited.json_body()
    ),
}


def _too_many(body: str) -> wafv2.CfnWebACL.RuleActionProperty:
    return wafv2.CfnWebACL.RuleActionProperty(
        block=wafv2.CfnWebACL.BlockActionProperty(
            custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                response_code=429,
                custom_response_body_key=body,
                response_headers=[
                    wafv2.CfnWebACL.CustomHTTPHeaderProperty(
                        name="Retry-After", value=str(WAF_WINDOW_SECONDS)
                    )
                ],
            )
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


RATE_LIMITED = {"labelMatchStatement": {"scope": "LABEL", "key": RATE_LIMITED_LABEL}}
# A form posted without JavaScript, told apart as the API does (runtime/http_io.is_form).
FORM_POST = {
    "byteMatchStatement": {
        # SingleHeader is JSON to CloudFormation: CDK passes its keys as written.
        "fieldToMatch": {"singleHeader": {"Name": "content-type"}},
        "positionalConstraint": "STARTS_WITH",
        "searchString": FORM_TYPE,
        "textTransformations": [{"priority": 0, "type": "LOWERCASE"}],
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


def _rate_rule(
    acl: str, name: str, priority: int, statement: dict[str, Any]
) -> wafv2.CfnWebACL.RuleProperty:
    """Counts, and labels the requests of an address over its limit (blocked further down)."""
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        statement=statement,
        action=wafv2.CfnWebACL.RuleActionProperty(count={}),
        rule_labels=[wafv2.CfnWebACL.LabelProperty(name=RATE_LIMITED_LABEL)],
        visibility_config=_visibility(f"{acl}-{name}"),
    )


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
            custom_response_bodies=RESPONSE_BODIES,
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
                _rate_rule(name, "WritesPerIp", 1, _per_ip(config.waf_write_limit, WRITES)),
                _rate_rule(
                    name,
                    "ApiPerIp",
                    2,
                    _per_ip(config.waf_api_limit, _path("STARTS_WITH", "/api/")),
                ),
                wafv2.CfnWebACL.RuleProperty(
                    name="TooManyFormPosts",
                    priority=3,
                    statement={"andStatement": {"statements": [RATE_LIMITED, FORM_POST]}},
                    action=_too_many(PAGE_BODY),
                    visibility_config=_visibility(f"{name}-TooManyFormPosts"),
                ),
                wafv2.CfnWebACL.RuleProperty(
                    name="TooManyRequests",
                    priority=4,
                    statement=RATE_LIMITED,
                    action=_too_many(JSON_BODY),
                    visibility_config=_visibility(f"{name}-TooManyRequests"),
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
