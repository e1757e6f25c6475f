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
import logging
import os
import re
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


# Local code and definition paths, which `sam package` would replace with uploaded S3 objects.
LOCAL_URIS = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}


def as_packaged(sam: dict[str, Any]) -> dict[str, Any]:
    """What `sam package` does to the template, without uploading: a local path becomes an S3
    URI (of a bucket that does not exist; nothing reads it)."""
    for resource in sam.get("Resources", {}).values():
        key = LOCAL_URIS.get(resource.get("Type", ""))
        props = resource.get("Properties", {})
        if key and isinstance(props.get(key), str) and not props[key].startswith("s3://"):
            props[key] = f"s3://local-artifacts/{props[key].strip('/')}"
    return sam


def unjustified_skips(sam: dict[str, Any]) -> list[str]:
    """Every checkov skip in the template names a check and says why (a sentence, not a word)."""
    bad = []
    for name, resource in sam.get("Resources", {}).items():
        skips = ((resource.get("Metadata") or {}).get("checkov") or {}).get("skip") or []
        for skip in skips:
            check, why = skip.get("id", ""), str(skip.get("comment", "")).strip()
            if not re.fullmatch(r"CKV2?_AWS_\d+", check) or len(why.split()) < 5:
                bad.append(f"{name}: {skip}")
    return bad


def translate(sam: dict[str, Any]) -> dict[str, Any]:
    parameters = {"AWS::Region": REGION, "AWS::Partition": PARTITION}
    return transform(as_packaged(sam), parameters, OfflinePolicyLoader(), passthrough_metadata=True)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(f"usage: {argv[0]} TEMPLATE OUT.json", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.ERROR)  # the translator's feature-toggle chatter
    source, target = Path(argv[1]), Path(argv[2])
    sam = yaml_parse(source.read_text())
    bad = unjustified_skips(sam)
    if bad:
        print("checkov skips need an id and a reason (comment):", *bad, sep="\n  ", file=sys.stderr)
        return 1
    cfn = translate(sam)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(cfn, indent=1, sort_keys=False) + "\n")
    kinds = sorted({r["Type"] for r in cfn["Resources"].values()})
    print(f"{source} -> {target}: {len(cfn['Resources'])} resources, {len(kinds)} types")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
