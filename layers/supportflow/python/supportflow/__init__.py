"""supportflow: a serverless support-ticket workflow with explainable SLA deadlines."""

__version__ = "0.1.0"
