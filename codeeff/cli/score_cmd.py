"""``codeeff score`` and ``codeeff rescore``."""

from __future__ import annotations

import click

from codeeff.cli._common import not_implemented


@click.command()
@click.argument("samples", type=click.Path())
@click.option("--problems", "problem_set", default="builtin", show_default=True,
              help="The built-in set's name or a problem-set directory.")
@click.option("--out", "out_dir", required=True, type=click.Path(), help="Output directory.")
def score(samples: str, problem_set: str, out_dir: str) -> None:
    """Score SAMPLES (EvalPlus JSONL or ENAMEL JSON) for pass@k and eff@k."""
    raise not_implemented("codeeff score")


@click.command()
@click.argument("run_dir", type=click.Path())
def rescore(run_dir: str) -> None:
    """Recompute the metrics of RUN_DIR from its stored raw times."""
    raise not_implemented("codeeff rescore")
