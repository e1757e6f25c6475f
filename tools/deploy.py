"""`make deploy`, around `sam deploy`: what the stack needs before, and the pages after.

    python tools/deploy.py prepare   the token secret (an SSM SecureString CloudFormation cannot
                                     create), made once with a random value if it is missing
    python tools/deploy.py publish   the pages (pages/) and their config.json (from the stack's
                                     outputs) into the site bucket; the distribution's cached
                                     copies invalidated; the desk's URL printed

The stack name and region come from samconfig.toml (written by `sam deploy --guided`), or from
--stack and --region. Exit 2 with a one-line reason when something is missing.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from local.site import OUTPUTS, publish_outputs  # noqa: E402
from local.stack import TOKEN_PARAMETER as TOKEN_SECRET  # noqa: E402


class DeployError(Exception):
    pass


def samconfig(path: Path = ROOT / "samconfig.toml") -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open("rb") as file:
        data = tomllib.load(file)
    return dict(data.get("default", {}).get("deploy", {}).get("parameters", {}))


def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    try:
        found = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    except Exception as exc:  # botocore's ClientError: no such stack, no credentials
        raise DeployError(f"cannot read stack {stack!r}: {exc}") from None
    return {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])}


def prepare(ssm: Any, name: str = TOKEN_SECRET) -> bool:
    """The secret the customers' links are signed with; True when it was made now."""
    try:
        ssm.get_parameter(Name=name)
        return False
    except ssm.exceptions.ParameterNotFound:
        ssm.put_parameter(
            Name=name,
            Value=secrets.token_hex(32),
            Type="SecureString",
            Description="supportflow: signs the customers' ticket links (never shown)",
        )
        return True


def publish(session: Any, stack: str) -> str:
    """Publish the pages of `stack`; its desk URL."""
    outputs = stack_outputs(session.client("cloudformation"), stack)
    keys = publish_outputs(session.client("s3"), outputs)
    distribution = outputs.get("DeskDistributionId")
    if distribution:
        session.client("cloudfront").create_invalidation(
            DistributionId=distribution,
            InvalidationBatch={
                "Paths": {"Quantity": 1, "Items": ["/*"]},
                "CallerReference": f"make-deploy-{time.time_ns()}",
            },
        )
    print(f"published {len(keys)} files to s3://{outputs['SiteBucketName']}")
    return outputs["DeskUrl"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=("prepare", "publish"))
    parser.add_argument("--stack", help="the stack name (default: samconfig.toml's)")
    parser.add_argument("--region", help="the region (default: samconfig.toml's)")
    args = parser.parse_args(argv)
    config = samconfig()
    stack = args.stack or config.get("stack_name")
    region = args.region or config.get("region")
    try:
        import boto3

        session = boto3.session.Session(region_name=region)
        if args.step == "prepare":
            made = prepare(session.client("ssm"))
            print(f"token secret {TOKEN_SECRET}: {'made' if made else 'present'}")
            return 0
        if not stack:
            raise DeployError("no stack name: give --stack or run `sam deploy --guided` first")
        desk = publish(session, stack)
    except (DeployError, KeyError) as exc:
        print(f"deploy: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # no credentials, no network: one line, not a traceback
        print(f"deploy: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(f"the desk: {desk}  (agents: {desk}/agent; outputs used: {', '.join(OUTPUTS)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
