"""The Matrix adapter (matrix-nio, end-to-end encryption included).

``cercle run --config FILE`` calls :func:`build` when ``[matrix] enabled = true``.
"""

from __future__ import annotations

from adapters.config import MatrixConfig
from adapters.matrix.platform import MatrixPlatform, Tuning


def build(config: MatrixConfig) -> MatrixPlatform:
    return MatrixPlatform(config)


__all__ = ["MatrixPlatform", "Tuning", "build"]
