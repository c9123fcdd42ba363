"""Exporting prompts for generation pipelines: EvalPlus-style JSONL and a Hugging Face dataset.

Each record holds ``task_id``, ``prompt`` and ``entry_point`` (plus ``canonical_solution``, the
full reference program, when asked). Existing outputs are never overwritten silently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codeeff.errors import ProblemError
from codeeff.problems.loader import ProblemSet

__all__ = ["export_hf", "export_jsonl", "export_records"]


def export_records(
    problem_set: ProblemSet, *, with_reference: bool = False
) -> list[dict[str, Any]]:
    """Return one record per problem, in id order."""
    records = []
    for pid, problem in problem_set.problems.items():
        record: dict[str, Any] = {
            "task_id": pid, "prompt": problem.prompt, "entry_point": problem.spec.entry_point,
        }
        if with_reference:
            record["canonical_solution"] = problem.reference
        records.append(record)
    return records


def _refuse_existing(path: Path, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise ProblemError(f"{path} already exists", path=str(path),
                           hint="choose another --out or pass --overwrite")


def export_jsonl(problem_set: ProblemSet, path: Path, *, with_reference: bool = False,
                 overwrite: bool = False) -> Path:
    """Write EvalPlus-style JSONL: one ``{"task_id", "prompt", "entry_point"}`` per line."""
    path = Path(path)
    _refuse_existing(path, overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) + "\n"
             for r in export_records(problem_set, with_reference=with_reference)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def export_hf(problem_set: ProblemSet, path: Path, *, with_reference: bool = False,
              overwrite: bool = False, push_to_hub: str | None = None) -> Path:
    """Write a Hugging Face ``datasets`` dataset with ``save_to_disk`` (and push it if asked).

    Args:
        problem_set: The set to export.
        path: The dataset folder to write.
        with_reference: Add ``canonical_solution`` (the full reference program).
        overwrite: Replace an existing folder.
        push_to_hub: A hub repository id to push to (needs the network and a login).
    """
    import datasets  # heavy; only for this export

    path = Path(path)
    _refuse_existing(path, overwrite)
    dataset = datasets.Dataset.from_list(
        export_records(problem_set, with_reference=with_reference)
    )
    dataset.save_to_disk(str(path))
    if push_to_hub:  # pragma: no cover - needs the network
        dataset.push_to_hub(push_to_hub)
    return path
