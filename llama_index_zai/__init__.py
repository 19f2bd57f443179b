"""LlamaIndex integration for Z.ai's GLM models."""
