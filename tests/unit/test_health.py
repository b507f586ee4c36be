"""``/healthz``'s verdict when the database does not answer (issue 14): 503, naming it."""

from __future__ import annotations

from types import TracebackType

from adapters.observability import Metrics, health
from bot.app import Cercle
from bot.clock import ManualClock
from bot.ports import UnitOfWork


class Unreachable:
    """A unit of work whose database never answers."""

    async def __aenter__(self) -> UnitOfWork:
        raise ConnectionRefusedError("the database server is down")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


async def test_a_database_that_does_not_answer_is_named_in_the_health_check() -> None:
    cercle = Cercle(Unreachable, ManualClock())  # type: ignore[arg-type]
    found = await health(cercle, [], Metrics())
    assert not found.ok
    assert found.body["database"] == "down"
    assert found.body["down"] == ["database"]
