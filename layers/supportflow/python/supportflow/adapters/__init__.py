"""Adapters: the ports of `supportflow.services.ports` for AWS (DynamoDB via pynamodb,
EventBridge Scheduler, SES, Step Functions, S3) and in memory (for tests), built from settings
in `build.py`."""
