"""Turning the CLI's input arguments (files, folders, glob patterns) into a list of files.

Anything the user named that yields nothing is an error, so a typo never turns into a silently
empty batch.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path

from .base import InputError
from .detect import SUPPORTED_EXTENSIONS

_GLOB_CHARS = frozenset("*?[")


def _supported(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in SUPPORTED_EXTENSIONS


def folder_files(folder: Path) -> list[Path]:
    """Transcript files under a folder, recursively, sorted; hidden files and folders skipped."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and _supported(name):
                found.append(Path(root, name))
    return sorted(found, key=lambda path: path.relative_to(folder).parts)


def expand_inputs(inputs: Sequence[str | Path]) -> list[Path]:
    """Files in the order given; folders and glob matches expanded and sorted; no duplicates.

    A file named explicitly is kept whatever its extension (reading it will say if it is not a
    transcript); folders and patterns contribute only files with a supported extension.
    """
    result: list[Path] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            result.append(path)

    supported = " ".join(sorted(SUPPORTED_EXTENSIONS))
    for item in inputs:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            files = folder_files(path)
            if not files:
                raise InputError(text, f"folder holds no transcript files ({supported})")
            for file in files:
                add(file)
        elif path.exists():
            add(path)
        elif _GLOB_CHARS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise InputError(text, "no files match this pattern")
            before = len(result)
            for match in matches:
                matched = Path(match)
                if matched.is_dir():
                    for file in folder_files(matched):
                        add(file)
                elif _supported(match):
                    add(matched)
            if len(result) == before and not any(
                os.path.normcase(os.path.abspath(match)) in seen for match in matches
            ):
                raise InputError(text, f"pattern matches no transcript files ({supported})")
        else:
            raise InputError(text, "no such file or folder")
    return result
