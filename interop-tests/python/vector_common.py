"""What the vector generators (make_vectors.py, make_legacy_vectors.py) share: their error type, exception chains
as text, and the command line.

``run(argv, script, generate, error)``: takes exactly one argument, the output directory; runs the async
``generate(directory)`` and prints the names of the files it wrote, one per line. Exit status 0 on success,
1 when the generator raised ``error`` (its message goes to stderr), 2 on bad usage. Logs go to stderr at the level
of OMEMO_PEER_LOG (default ERROR).
"""
import asyncio
import logging
import os
import sys
from typing import Awaitable, Callable, List, Type


class GenerationError(Exception):
    """A generator found that python-omemo did not behave as the scenario expects."""


def describe(e: BaseException) -> str:
    """Exception class names along the __cause__/__context__ chain: "DecryptionFailed <- KeyError"."""
    names = [type(e).__name__]
    inner = e.__cause__ or e.__context__
    while inner is not None and len(names) < 5:
        names.append(type(inner).__name__)
        inner = inner.__cause__ or inner.__context__
    return " <- ".join(names)


def bytes_from_state(text: str) -> bytes:
    """x3dh/doubleratchet pydantic models store bytes as one character per byte."""
    return bytes(map(ord, text))


def run(argv: List[str], script: str, generate: Callable[[str], Awaitable[List[str]]], error: Type[Exception]) -> int:
    logging.basicConfig(stream=sys.stderr, level=os.environ.get("OMEMO_PEER_LOG", "ERROR").upper())
    if len(argv) != 2:
        print(f"usage: {script}.py OUTPUT_DIRECTORY", file=sys.stderr)
        return 2
    try:
        names = asyncio.run(generate(argv[1]))
    except error as e:
        print(f"{script}: {e}", file=sys.stderr)
        return 1
    for name in names:
        print(name)
    return 0
