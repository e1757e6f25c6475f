"""The embedded AWS: the resources of template.yaml created in moto, in this process.

`provision()` reads template.yaml (the same file `sam deploy` uses) and creates the table with its
keys and indexes, one Lambda function per Serverless function (run in-process by the shim), the
state machine from statemachines/ticket.asl.json with its DefinitionSubstitutions resolved to
those functions, the schedule group and the SES identity. It returns what the handlers' settings
need. Call it inside `mock_aws(config=MOTO_CONFIG)`.
"""

from __future__ import annotations

import copy
import functools
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import yaml

from local.lambda_shim import HandlerRegistry, InProcessLambda
from local.sign_in import SignInPool
from local.stream_pump import StreamPump, new_events
from local.timer_pump import TimerPump
from supportflow.bootstrap import Container
from supportflow.services.ports.tickets import Clock
from supportflow.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
REGION = "eu-west-1"
ACCOUNT = "123456789012"
STACK = "supportflow"
SITE_BUCKET = f"{STACK}-{ACCOUNT}-site"  # SiteBucket's name in the template
DESK_URL_PARAMETER = f"/{STACK}/desk-url"  # DeskUrlParameter's name in the template
TOKEN_PARAMETER = "/supportflow/token-secret"  # the template's TokenSecretParameterName default
MOTO_CONFIG: dict[str, Any] = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}


class _CfnLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML with CloudFormation's short tags (!Ref, !GetAtt, !Sub, ...) as plain mappings."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


def load_template(path: Path = ROOT / "template.yaml") -> dict[str, Any]:
    """template.yaml as data (its tags as {"Ref": ...}-style mappings); parsed once per
    process and version of the file, a fresh copy each call."""
    return copy.deepcopy(_parsed(str(path), path.stat().st_mtime_ns))


@functools.lru_cache(maxsize=4)
def _parsed(path: str, mtime_ns: int) -> dict[str, Any]:
    return dict(yaml.load(Path(path).read_text(), Loader=_CfnLoader))


def create_table(client: Any, name: str, *, stream: bool = False, root: Path = ROOT) -> None:
    """The ticket table of template.yaml (keys and indexes), in moto, under `name`."""
    props = load_template(root / "template.yaml")["Resources"]["TicketsTable"]["Properties"]
    streams = (
        {"StreamSpecification": {"StreamEnabled": True, **props["StreamSpecification"]}}
        if stream
        else {}
    )
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=props["KeySchema"],
        AttributeDefinitions=props["AttributeDefinitions"],
        GlobalSecondaryIndexes=[
            {k: v for k, v in gsi.items() if k in ("IndexName", "KeySchema", "Projection")}
            for gsi in props.get("GlobalSecondaryIndexes", [])
        ],
        **streams,
    )


@dataclass
class LocalStack:
    sign_in: SignInPool  # the agents' pool: their accounts and roles
    table_name: str
    stream_arn: str
    state_machine_arn: str
    schedule_group: str
    scheduler_role_arn: str
    function_arns: dict[str, str]
    registry: HandlerRegistry
    env: dict[str, str] = field(default_factory=dict)

    @property
    def fire_timer_arn(self) -> str:
        return self.function_arns["FireTimerFunction"]

    def stream_pump(self) -> StreamPump:
        """Delivers the table's stream to the dispatch function (the event source mapping)."""
        return StreamPump(
            boto3.client("dynamodbstreams", region_name=REGION),
            InProcessLambda(self.registry),
            self.stream_arn,
            self.function_arns["DispatchFunction"],
        )

    def verdict_pump(self) -> StreamPump:
        """Delivers the table's new ticket events to the review-tickets function (the SLA
        review's event source mapping)."""
        return StreamPump(
            boto3.client("dynamodbstreams", region_name=REGION),
            InProcessLambda(self.registry),
            self.stream_arn,
            self.function_arns["ReviewTicketsFunction"],
            keeps=new_events,
        )

    def timer_pump(self) -> TimerPump:
        """Fires due schedules at the fire-timer function (moto never fires them)."""
        return TimerPump(
            boto3.client("scheduler", region_name=REGION),
            InProcessLambda(self.registry),
            self.schedule_group,
        )

    def inject(self, clock: Clock, **adapters: Any) -> None:
        """Build every function's handler with this clock (and any adapters given) over the
        stack's settings, as the composition root would on Lambda."""

        def dependencies(kind: type[Settings]) -> Container:
            config = load_settings(kind, {**os.environ, **self.env})
            return Container(config, clock=clock, **adapters)

        self.registry.dependencies = dependencies


def _function_name(logical_id: str, props: dict[str, Any]) -> str:
    name = props.get("FunctionName")
    if isinstance(name, dict) and "Fn::Sub" in name:
        text = name["Fn::Sub"] if isinstance(name["Fn::Sub"], str) else name["Fn::Sub"][0]
        return text.replace("${AWS::StackName}", STACK)
    return str(name) if isinstance(name, str) else f"{STACK}-{logical_id}"


def provision(
    root: Path = ROOT,
    *,
    token_secret: str = "local-secret",
    agent_token: str = "local-agent-token",
    admin_token: str = "local-admin-token",
    link_base: str = "http://localhost:8080",
    site: bool = False,
) -> LocalStack:
    """The stack in moto. `site`: also the pages' bucket, published as `make deploy` publishes
    it (the local stack; the workflow tests call handlers only)."""
    template = load_template(root / "template.yaml")
    resources: dict[str, Any] = template["Resources"]
    session = boto3.session.Session(region_name=REGION)

    table_name = f"{STACK}-tickets"
    create_table(session.client("dynamodb"), table_name, stream=True, root=root)
    stream_arn = session.client("dynamodb").describe_table(TableName=table_name)["Table"][
        "LatestStreamArn"
    ]

    iam = session.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {
                    "Service": [
                        "lambda.amazonaws.com",
                        "states.amazonaws.com",
                        "scheduler.amazonaws.com",
                    ]
                },
            }
        ],
    }
    role_arn = iam.create_role(
        RoleName=f"{STACK}-local", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]

    registry = HandlerRegistry()
    lambda_client = session.client("lambda")
    globals_fn = template.get("Globals", {}).get("Function", {})
    arns: dict[str, str] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        name = _function_name(logical_id, props)
        created = lambda_client.create_function(
            FunctionName=name,
            Runtime=props.get("Runtime", globals_fn.get("Runtime", "python3.12")),
            Role=role_arn,
            Handler=props.get("Handler", globals_fn.get("Handler", "app.lambda_handler")),
            Code={"ZipFile": _empty_zip()},
        )
        arns[logical_id] = created["FunctionArn"]
        registry.register(name, root / str(props["CodeUri"]).rstrip("/"))

    group = f"{STACK}-timers"
    session.client("scheduler").create_schedule_group(Name=group)
    machine = resources["TicketStateMachine"]["Properties"]
    definition = (root / machine["DefinitionUri"]).read_text()
    for key, value in machine.get("DefinitionSubstitutions", {}).items():
        target = value["Fn::GetAtt"][0] if isinstance(value, dict) else value
        definition = definition.replace("${" + key + "}", arns.get(target, str(target)))
    unresolved = re.findall(r"\$\{[A-Za-z0-9]+\}", definition)
    if unresolved:
        raise RuntimeError(f"substitutions missing in the template: {sorted(set(unresolved))}")
    state_machine_arn = session.client("stepfunctions").create_state_machine(
        name=f"{STACK}-ticket", definition=definition, roleArn=role_arn, type="STANDARD"
    )["stateMachineArn"]
    ses = session.client("ses")
    for contract_sender in ("support@supportflow.example",):
        ses.verify_email_identity(EmailAddress=contract_sender)
    mail_bucket = f"{STACK}-{ACCOUNT}-mail"  # MailBucket's name in the template
    session.client("s3").create_bucket(
        Bucket=mail_bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )

    # The desk's URL, where the mails link: the stack writes it to SSM (DeskUrlParameter); the
    # secret that signs customers' links is a SecureString made before the stack, as on AWS.
    ssm = session.client("ssm")
    ssm.put_parameter(Name=DESK_URL_PARAMETER, Value=link_base, Type="String")
    ssm.put_parameter(Name=TOKEN_PARAMETER, Value=token_secret, Type="SecureString")
    load_demo_contracts(table_name)
    from local.sign_in import provision_pool

    sign_in = provision_pool(session.client("cognito-idp"), REGION, STACK, link_base)
    if site:
        from local.site import publish_outputs

        s3 = session.client("s3")
        s3.create_bucket(
            Bucket=SITE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        outputs = {  # the template's Outputs, as the local stack has them
            "SiteBucketName": SITE_BUCKET,
            "SignInDomain": f"{link_base}/local/auth",  # the stand-in for the managed login
            "AgentUserPoolClientId": sign_in.client_id,
            "DeskUrl": link_base,
        }
        publish_outputs(s3, outputs, local=True)
    stack = LocalStack(
        sign_in=sign_in,
        table_name=table_name,
        stream_arn=stream_arn,
        state_machine_arn=state_machine_arn,
        schedule_group=group,
        scheduler_role_arn=role_arn,
        function_arns=arns,
        registry=registry,
    )
    stack.env = {
        "TABLE_NAME": table_name,
        "STATE_MACHINE_ARN": state_machine_arn,
        "SCHEDULE_GROUP": group,
        "SCHEDULER_ROLE_ARN": role_arn,
        "FIRE_TIMER_ARN": stack.fire_timer_arn,
        "TOKEN_SECRET_PARAMETER": TOKEN_PARAMETER,
        "AGENT_TOKEN": agent_token,
        "ADMIN_TOKEN": admin_token,
        "LINK_BASE_PARAMETER": DESK_URL_PARAMETER,
        "AGENT_POOL_ID": sign_in.pool_id,
        "MAIL_BUCKET": mail_bucket,
        "ATTACHMENT_BASE": f"{link_base}/local/attachments",
        "DESK_DOMAIN": "supportflow.example",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_SERVICE_NAME": "supportflow",
        "POWERTOOLS_METRICS_NAMESPACE": "Supportflow",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
    }
    return stack


def load_demo_contracts(table_name: str) -> None:
    """The demo contracts as their first versions (in force from 2020-01-01), as an admin would
    record them: the local stack's first start, so nothing reads a file at a cold start. A
    restored desk overwrites them with what it had stored."""
    from supportflow.adapters.dynamodb.contracts import DynamoContracts
    from supportflow.adapters.dynamodb.models import bind_models
    from supportflow.contracts.demo_data import demo_versions

    bind_models(table_name, REGION)
    store = DynamoContracts()
    for version in demo_versions():
        store.add(version)


def _empty_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "# runs in-process through local.lambda_shim\n")
    return buffer.getvalue()
