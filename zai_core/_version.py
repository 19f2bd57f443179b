"""The one version string of the distribution.

Read by `zai_core.__version__`, the `User-Agent` header, the xpay MCP client info and
the packaging (`pyproject.toml`: `dynamic = ["version"]`, hatchling reads this file).
"""

__version__ = "0.1.0"
