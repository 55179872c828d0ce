"""Which claim tokens belong to a running process (bot.core.liveness), on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from bot.core.liveness import ProcessLiveness, lock_key
from bot.db.engine import create_engine, create_session_factory


async def test_a_live_token_is_not_dead_and_one_whose_connection_closed_is(
    database_url: str,
) -> None:
    """Two processes (two engines); the second's lock connection dies as in a kill -9."""
    ours_engine, theirs_engine = create_engine(database_url), create_engine(database_url)
    ours, theirs = ProcessLiveness(ours_engine), ProcessLiveness(theirs_engine)
    await ours.start()
    await theirs.start()
    never = "0123abcd" * 4  # a token nobody holds (a process of long ago)
    try:
        async with create_session_factory(ours_engine)() as session:
            dead = await ours.dead_tokens(session, [ours.token, theirs.token, never])
            if database_url.startswith("postgresql"):
                assert dead == {never}
                # Their process is killed: its connection goes, PostgreSQL frees the lock.
                assert theirs._connection is not None
                pid = await theirs._connection.scalar(text("SELECT pg_backend_pid()"))
                await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                await session.commit()
                dead = await ours.dead_tokens(session, [ours.token, theirs.token])
                assert dead == {theirs.token}
                # Asking does not keep the lock: asking again gives the same answer.
                assert await ours.dead_tokens(session, [theirs.token]) == {theirs.token}
            else:
                # SQLite: one process per database; every token but ours is dead.
                assert dead == {theirs.token, never}
            assert ours.token not in dead
    finally:
        await ours.stop()
        await theirs.stop()  # its connection is gone: stopping still ends quietly
        await ours_engine.dispose()
        await theirs_engine.dispose()


async def test_a_stopped_process_is_dead_to_the_others(database_url: str) -> None:
    first_engine, second_engine = create_engine(database_url), create_engine(database_url)
    first, second = ProcessLiveness(first_engine), ProcessLiveness(second_engine)
    await first.start()
    await second.start()
    try:
        async with create_session_factory(second_engine)() as session:
            alive = await second.dead_tokens(session, [first.token])
            assert alive == (set() if database_url.startswith("postgresql") else {first.token})
            await first.stop()
            assert await second.dead_tokens(session, [first.token]) == {first.token}
    finally:
        await second.stop()
        await first_engine.dispose()
        await second_engine.dispose()


def test_tokens_are_uuid_hex_and_keys_fit_an_int4(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    first, second = ProcessLiveness(engine), ProcessLiveness(engine)
    assert first.token != second.token and len(first.token) == 32
    for token in (first.token, "ffffffff" + "0" * 24, "host:123:abcdef"):
        assert -(2**31) <= lock_key(token) < 2**31
