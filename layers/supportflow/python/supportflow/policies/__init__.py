"""The shipped policy packs (one YAML file per version of a pack) and, in registry.py, the
registry that picks a policy version for a ticket. This package's public API:"""

from supportflow.policies.registry import (
    LivePolicies,
    PolicyRegistry,
    PublishedPolicy,
    UnknownPolicyError,
    in_use,
    load_policy_file,
    shipped,
    use,
    with_published,
)

__all__ = [
    "LivePolicies",
    "PolicyRegistry",
    "PublishedPolicy",
    "UnknownPolicyError",
    "in_use",
    "load_policy_file",
    "shipped",
    "use",
    "with_published",
]
