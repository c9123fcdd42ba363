"""codeeff: an efficiency evaluator for LLM-generated code.

The public surface a notebook may use is listed in ``__all__``; everything else is private or
re-exported by a subpackage.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
