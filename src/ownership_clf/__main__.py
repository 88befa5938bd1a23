"""`python -m ownership_clf ...`: the CLI, also under `torchrun` / `accelerate launch`."""

from .cli import app

app()
