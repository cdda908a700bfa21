"""`make add-reader EMAIL=... ENV=...`: an account for an API person in the web inbox.

Cognito e-mails the invitation with a temporary password; at the first sign-in the person chooses
a new password and sets up an authenticator app. Runs with the maintainer's AWS credentials.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from infra.config import EMAIL, load
from infra.inbox import READERS_GROUP

POOL_OUTPUT_PREFIX = "InboxUserPoolId"


def user_pool_id(outputs: Sequence[dict[str, str]]) -> str:
    """The pool id among a stack's outputs (CDK adds a hash to the output's name)."""
    for output in outputs:
        if output["OutputKey"].startswith(POOL_OUTPUT_PREFIX):
            return output["OutputValue"]
    raise SystemExit("the stack has no inbox user pool: deploy it first (make deploy)")


def add_reader(cognito: Any, pool_id: str, email: str) -> str:
    """Create the account (Cognito sends the invitation) and put it in `readers`; returns what
    happened, in a sentence. An existing account is only added to the group."""
    try:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
            DesiredDeliveryMediums=["EMAIL"],
        )
        done = f"Invitation sent to {email}."
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "UsernameExistsException":
            raise
        done = f"{email} already has an account."
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=READERS_GROUP)
    return f"{done} They are in the group {READERS_GROUP}."


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--env", required=True)
    parser.add_argument("--email", required=True)
    args = parser.parse_args(argv)
    if not EMAIL.match(args.email):
        print(f"not an e-mail address: {args.email!r}", file=sys.stderr)
        return 2
    config = load(args.env)
    session = boto3.Session(region_name=config.region)
    try:
        stacks = session.client("cloudformation").describe_stacks(StackName=config.stack_name)
        pool_id = user_pool_id(stacks["Stacks"][0].get("Outputs", []))
        print(add_reader(session.client("cognito-idp"), pool_id, args.email))
    except (BotoCoreError, ClientError) as error:
        print(f"could not add the reader: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
