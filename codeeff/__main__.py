"""Allow ``python -m codeeff``."""

from codeeff.cli import main

main()
