"""Serialized forms of a LlamaIndex object that must never hold a key."""

from __future__ import annotations


def payload_forms(obj: object) -> list[str]:
    """``to_payload()`` (LlamaIndex's instrumentation payload) where the core has it (0.14.24+)."""
    to_payload = getattr(obj, "to_payload", None)
    return [str(to_payload())] if to_payload is not None else []
