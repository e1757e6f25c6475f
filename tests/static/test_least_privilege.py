"""The least-privilege check itself (local/aws_calls.py, local/iam_policies.py): a call as the
IAM request it is, statements matched as IAM matches them, intrinsics resolved to the local
stack's names. The workflow tests run it on every function's calls (tests/workflow/conftest.py)."""

from __future__ import annotations

import pytest
from local.aws_calls import Call, Request, requests
from local.iam_policies import Names, allowed, refused, resolve, role_statements, translated

REGION, ACCOUNT = "eu-west-1", "123456789012"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/desk-tickets"
NAMES = Names(
    REGION,
    ACCOUNT,
    "desk",
    refs={"TicketsTable": "desk-tickets", "TimerGroup": "desk-timers"},
    arns={"TicketsTable": TABLE, "SchedulerRole": f"arn:aws:iam::{ACCOUNT}:role/timers"},
    attributes={("TicketsTable", "StreamArn"): f"{TABLE}/stream/2025"},
)


def _requests(service: str, operation: str, **params: object) -> list[Request]:
    return requests(Call("f", service, operation, params), REGION, ACCOUNT)


def test_a_call_is_the_iam_requests_it_makes() -> None:
    assert _requests("dynamodb", "Query", TableName="desk-tickets", IndexName="by_customer") == [
        Request("dynamodb:Query", f"{TABLE}/index/by_customer")
    ]
    transaction = _requests(
        "dynamodb",
        "TransactWriteItems",
        TransactItems=[
            {"Put": {"TableName": "desk-tickets"}},
            {"Update": {"TableName": "desk-tickets"}},
            {"ConditionCheck": {"TableName": "desk-tickets"}},
        ],
    )
    assert [r.action for r in transaction] == [
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
    ]
    schedule = _requests(
        "scheduler",
        "CreateSchedule",
        Name="T-1.warn",
        GroupName="desk-timers",
        Target={"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/timers"},
    )
    assert schedule == [
        Request(
            "scheduler:CreateSchedule",
            f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/desk-timers/T-1.warn",
        ),
        Request("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/timers"),
    ]
    assert _requests("stepfunctions", "SendTaskSuccess", taskToken="t") == [
        Request("states:SendTaskSuccess", "*")
    ]
    raw = b"From: Desk <desk@acme.example>\r\nTo: a@b.example\r\n\r\nhi"
    (mail,) = _requests("ses", "SendRawEmail", RawMessage={"Data": raw})
    assert mail.resource.endswith(":identity/desk@acme.example")
    assert mail.alternatives == (f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/acme.example",)
    assert _requests("ssm", "GetParameter", Name="/desk/secret")[0].resource.endswith(
        ":parameter/desk/secret"
    )
    with pytest.raises(KeyError, match=r"sqs:DeleteQueue is not in"):
        _requests("sqs", "DeleteQueue", QueueUrl="q")


def test_statements_match_as_iam_matches_them() -> None:
    read = {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": TABLE}
    indexes = {"Effect": "Allow", "Action": "DynamoDB:query", "Resource": f"{TABLE}/index/*"}
    assert allowed([read], Request("dynamodb:Query", TABLE))
    assert not allowed([read], Request("dynamodb:Query", f"{TABLE}/index/by_customer"))
    assert allowed([read, indexes], Request("dynamodb:Query", f"{TABLE}/index/by_customer"))
    assert not allowed([read], Request("dynamodb:UpdateItem", TABLE))
    deny = {"Effect": "Deny", "Action": "dynamodb:*", "Resource": "*"}
    assert not allowed([read, deny], Request("dynamodb:GetItem", TABLE))
    ses = {
        "Effect": "Allow",
        "Action": "ses:SendRawEmail",
        "Resource": "arn:aws:ses:*:*:identity/acme.example",
    }
    request = Request(
        "ses:SendRawEmail",
        "arn:x:identity/d@acme.example",
        ("arn:aws:ses:eu:1:identity/acme.example",),
    )
    assert allowed([ses], request)
    assert not allowed([{**ses, "Resource": "arn:aws:ses:*:*:identity/other.example"}], request)


def test_intrinsics_resolve_to_the_stacks_names() -> None:
    assert resolve({"Fn::GetAtt": ["TicketsTable", "Arn"]}, NAMES) == TABLE
    assert resolve({"Fn::Sub": "${TicketsTable.Arn}/index/*"}, NAMES) == f"{TABLE}/index/*"
    scheduler = "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}"
    assert resolve({"Fn::Sub": scheduler + ":schedule/${TimerGroup}/*"}, NAMES) == (
        f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/desk-timers/*"
    )
    assert resolve({"Ref": "Unknown"}, NAMES) == "<Unknown>"  # never matches a real name


def test_a_call_the_role_does_not_allow_is_named() -> None:
    """The check on the deployed template: a grant taken away is a refusal naming the
    function, the action and the resource (intake's mail quota, before a ticket is stored)."""
    cfn = translated()
    statements = role_statements(cfn, "IntakeFunction", NAMES)
    assert statements, "the intake function's role has statements"
    quota = Call("intake", "dynamodb", "UpdateItem", {"TableName": "desk-tickets"})
    assert refused([quota], {"intake": "IntakeFunction"}, NAMES, cfn) == []
    stripped = {
        **cfn,
        "Resources": {
            **cfn["Resources"],
            "IntakeFunctionRole": {
                "Properties": {
                    "Policies": [
                        {
                            "PolicyDocument": {
                                "Statement": [
                                    s
                                    for s in _inline(cfn)
                                    if "dynamodb:UpdateItem" not in str(s.get("Action"))
                                ]
                            }
                        }
                    ]
                }
            },
        },
    }
    (refusal,) = refused([quota], {"intake": "IntakeFunction"}, NAMES, stripped)
    assert (
        str(refusal)
        == f"IntakeFunction may not dynamodb:UpdateItem on {TABLE} (dynamodb.UpdateItem)"
    )


def _inline(cfn: dict[str, object]) -> list[dict[str, object]]:
    role = cfn["Resources"]["IntakeFunctionRole"]["Properties"]  # type: ignore[index]
    out: list[dict[str, object]] = []
    for policy in role.get("Policies", []):
        statements = policy["PolicyDocument"]["Statement"]
        out += statements if isinstance(statements, list) else [statements]
    return out
