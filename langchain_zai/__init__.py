"""LangChain integration for Z.ai's GLM models."""
