"""`make deploy`'s own steps (tools/deploy.py) under moto: the token secret made once, and the
pages published from the stack's outputs the way the deployed distribution serves them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from local.site import OUTPUTS, page_key, page_paths
from local.stack import load_template
from moto import mock_aws
from tools import deploy

REGION = "eu-west-1"
OUTPUT_VALUES = {
    "SiteBucketName": "supportflow-123456789012-site",
    "SignInDomain": "https://supportflow-123456789012.auth.eu-west-1.amazoncognito.com",
    "AgentUserPoolClientId": "client123",
    "DeskUrl": "https://d111111abcdef8.cloudfront.net",
}


class _Stacks:
    """CloudFormation's describe_stacks for one deployed stack (moto cannot run a SAM template)."""

    def __init__(self, outputs: dict[str, str]) -> None:
        self.outputs = outputs

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        if StackName != "supportflow":
            raise RuntimeError(f"Stack with id {StackName} does not exist")
        items = [{"OutputKey": k, "OutputValue": v} for k, v in self.outputs.items()]
        return {"Stacks": [{"Outputs": items}]}


class _Session:
    def __init__(self, outputs: dict[str, str]) -> None:
        self.stacks = _Stacks(outputs)

    def client(self, service: str) -> Any:
        if service == "cloudformation":
            return self.stacks
        return boto3.client(service, region_name=REGION)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def test_prepare_makes_the_token_secret_once(aws: None) -> None:
    ssm = boto3.client("ssm", region_name=REGION)
    assert deploy.prepare(ssm) is True
    first = ssm.get_parameter(Name=deploy.TOKEN_SECRET, WithDecryption=True)["Parameter"]
    assert first["Type"] == "SecureString" and len(first["Value"]) == 64
    assert deploy.prepare(ssm) is False  # a second deploy keeps it (links stay valid)
    again = ssm.get_parameter(Name=deploy.TOKEN_SECRET, WithDecryption=True)["Parameter"]
    assert again["Value"] == first["Value"]


def test_publish_puts_every_page_and_the_config_the_distribution_serves(aws: None) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(
        Bucket=OUTPUT_VALUES["SiteBucketName"],
        CreateBucketConfiguration={"LocationConstraint": REGION},
    )
    cloudfront = boto3.client("cloudfront", region_name=REGION)
    distribution = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "t",
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "pages",
                        "DomainName": "b.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "pages",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )["Distribution"]["Id"]
    desk = deploy.publish(
        _Session({**OUTPUT_VALUES, "DeskDistributionId": distribution}), "supportflow"
    )
    assert desk == OUTPUT_VALUES["DeskUrl"]
    bucket = OUTPUT_VALUES["SiteBucketName"]
    config = json.loads(s3.get_object(Bucket=bucket, Key="config.json")["Body"].read())
    assert config == {
        "api": "/api",
        "desk": OUTPUT_VALUES["DeskUrl"],
        "signIn": {
            "domain": OUTPUT_VALUES["SignInDomain"],
            "clientId": "client123",
            "scopes": "openid email profile",
        },
        "local": False,
    }
    # Every address a mail links to is a file in the bucket, with its content type.
    for path in ("/", "/status", "/agent", "/portal", "/static/app.js", "/static/app.css"):
        key = page_key(path, page_paths())
        assert key is not None, path
        found = s3.get_object(Bucket=bucket, Key=key)
        assert found["ContentType"].split(";")[0] in ("text/html", "text/javascript", "text/css")
    assert page_key("/../config.json", page_paths()) is None
    # Nothing of the local stack goes to AWS, and no page carries a token.
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert not any("outbox" in k for k in keys)
    for key in keys:
        assert b"local-agent-token" not in s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    invalidations = cloudfront.list_invalidations(DistributionId=distribution)
    assert invalidations["InvalidationList"]["Quantity"] == 1


def test_publish_needs_a_deployed_stack(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    missing = {k: v for k, v in OUTPUT_VALUES.items() if k != "SignInDomain"}
    with pytest.raises(KeyError, match="SignInDomain"):
        deploy.publish(_Session(missing), "supportflow")
    assert deploy.main(["publish", "--stack", "nope", "--region", REGION]) == 2
    assert capsys.readouterr().err.startswith("deploy: ")


def test_the_outputs_the_deployment_reads_are_the_template_outputs() -> None:
    outputs = load_template()["Outputs"]
    for name in (*OUTPUTS, "DeskDistributionId"):
        assert name in outputs, name
