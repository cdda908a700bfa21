"""The site's public address for the build of a deployment: `python -m infra.site_url <env>`.

`make deploy` puts it in MKDOCS_SITE_URL, which mkdocs.yml reads for `site_url` (the sitemap, its
hreflang alternates, robots.txt, canonical links). The address is the environment's `domain`;
without one, the CloudFront address of the deployed stack (output DistributionDomain), known from
the second deploy on. Before that, the local placeholder stays and a warning says so.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from infra.config import Config, load

# The same placeholder mkdocs.yml uses when MKDOCS_SITE_URL is unset (.invalid never resolves).
PLACEHOLDER = "https://site-url-not-set.invalid/"

# Reads one output of a deployed stack: (stack name, region, output key) -> value or None.
OutputReader = Callable[[str, str, str], "str | None"]


def stack_output(stack_name: str, region: str, key: str) -> str | None:
    """One output of a deployed CloudFormation stack; None when the stack does not exist yet."""
    import boto3
    from botocore.exceptions import ClientError

    client = boto3.client("cloudformation", region_name=region)
    try:
        stacks = client.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ValidationError":
            return None
        raise
    for output in stacks[0].get("Outputs", []):
        if output.get("OutputKey") == key:
            return str(output["OutputValue"])
    return None


def site_url(config: Config, read_output: OutputReader = stack_output) -> str | None:
    """`https://<domain>/` of the environment, or None when it is not known yet."""
    domain = config.domain or read_output(config.stack_name, config.region, "DistributionDomain")
    return f"https://{domain}/" if domain else None


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m infra.site_url <env>", file=sys.stderr)
        return 2
    config = load(argv[0])
    url = site_url(config)
    if url is None:
        print(
            f"warning: {config.stack_name} has no domain and is not deployed yet: the site is "
            f"built for {PLACEHOLDER}; deploy once more to put its CloudFront address in the "
            "sitemap and robots.txt",
            file=sys.stderr,
        )
    print(url or PLACEHOLDER)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
