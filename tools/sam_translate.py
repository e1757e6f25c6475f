"""Translates template.yaml (SAM) to plain CloudFormation offline, for checkov.

    .venv-tools/sam/bin/python tools/sam_translate.py template.yaml build/template.cfn.json

Uses aws-sam-translator (the library `sam build`/`sam deploy` and CloudFormation's
AWS::Serverless transform use) with a fixed region and a managed-policy loader that never asks
IAM, so it needs no AWS account, no credentials and no network. Each SAM resource's Metadata
(checkov's skip list among it) is passed through to the resources it becomes, so a skip written on
an AWS::Serverless::Function reaches its AWS::Lambda::Function.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

# The translator asks boto3 for a region (pseudo parameters, partition): give it one, offline.
REGION = "eu-west-1"
os.environ.setdefault("AWS_DEFAULT_REGION", REGION)

from samtranslator.translator.managed_policy_translator import (  # noqa: E402
    ManagedPolicyLoader,
)
from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402

PARTITION = "aws"

# Managed policies the template may name by their short name (the translator resolves such
# names through IAM's ListPolicies). Only what template.yaml uses; the translator fails on any
# other name, so a new one is noticed here rather than guessed.
MANAGED_POLICIES = ("AWSXrayWriteOnlyAccess", "AWSLambdaBasicExecutionRole")


class OfflinePolicyLoader(ManagedPolicyLoader):
    """The managed-policy map without IAM: AWS managed policies have fixed ARNs."""

    def __init__(self) -> None:
        super().__init__(iam_client=None)  # type: ignore[arg-type]

    def load(self) -> dict[str, str]:
        return {name: f"arn:{PARTITION}:iam::aws:policy/{name}" for name in MANAGED_POLICIES}


def translate(sam: dict[str, Any]) -> dict[str, Any]:
    parameters = {"AWS::Region": REGION, "AWS::Partition": PARTITION}
    return transform(sam, parameters, OfflinePolicyLoader(), passthrough_metadata=True)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(f"usage: {argv[0]} TEMPLATE OUT.json", file=sys.stderr)
        return 2
    source, target = Path(argv[1]), Path(argv[2])
    cfn = translate(yaml_parse(source.read_text()))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(cfn, indent=1, sort_keys=False) + "\n")
    kinds = sorted({r["Type"] for r in cfn["Resources"].values()})
    print(f"{source} -> {target}: {len(cfn['Resources'])} resources, {len(kinds)} types")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
