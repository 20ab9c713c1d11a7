"""The one exception the generator raises for a problem in the spec or its output.

Every message names what is wrong and where (an operationId, a schema, a file), so a
failing `make generate` says what to fix without a traceback.
"""

from __future__ import annotations


class CodegenError(Exception):
    """The spec cannot be turned into code, or the generated code is broken."""
