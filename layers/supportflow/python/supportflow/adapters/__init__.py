"""Adapters: the ports of `supportflow.services.ports.ports` for AWS (DynamoDB via pynamodb, EventBridge
Scheduler, SES, Step Functions) and in memory (for tests)."""
