"""`coach batch status` and `coach batch cancel`."""

from __future__ import annotations

import click

from coach.cli.batch.shared import (
    _DAY,
    _HOUR,
    _MINUTE,
    STATUS_FORMATS,
    _base,
    _records,
    _service_for,
    _store,
    batch_group,
)


# --- status and cancel ------------------------------------------------------------------------
@batch_group.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--format", "output_format", type=click.Choice(STATUS_FORMATS), default="text", show_default=True)
def status(ids, output_format) -> int:
    """Status, request counts and age of the batches named (all open ones when none is)."""
    import json
    import time

    from coach.llm.batch_api import BatchApiError

    base = _base()
    store = _store()
    if store is None:
        return base.EXIT_USAGE
    with store:
        records = _records(store, ids)
        if records is None:
            return base.EXIT_USAGE
        if not records:
            click.echo("no open batches" + (" (`coach batch status ID` shows a collected one)" if store.batches() else ""))
            return base.EXIT_OK
        service = _service_for(records, "batch status")
        if service is None:
            return base.EXIT_USAGE
        with service:
            rows, failed = [], False
            for record in records:
                try:
                    info = service.retrieve(record.id)
                except BatchApiError as error:
                    base.say_error(f"{record.id}: {error}")
                    failed = True
                    continue
                store.set_batch_status(record.id, info.status)
                rows.append(_status_row(record, info, time.time()))
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        for row in rows:
            click.echo(_status_line(row))
    return base.EXIT_FAILED if failed else base.EXIT_OK


def _status_row(record, info, now: float) -> dict:
    return {
        "id": record.id, "status": info.status, "total": info.total, "completed": info.completed, "failed": info.failed,
        "age_seconds": round(now - record.submitted),
        "expires_in_seconds": round(info.expires_at - now) if info.expires_at and not info.ended else None,
        "model": record.model, "endpoint": record.endpoint, "response_format": record.response_format,
        "collected": record.collected is not None,
    }


def _status_line(row: dict) -> str:
    parts = [row["id"], row["status"], f"{row['completed']}/{row['total']} done, {row['failed']} failed",
             f"submitted {_duration(row['age_seconds'])} ago"]
    if row["expires_in_seconds"] is not None:
        parts.append(f"expires in {_duration(max(0, row['expires_in_seconds']))}")
    parts.append(f"{row['model']}, {row['response_format']}")
    if row["collected"]:
        parts.append("collected")
    elif row["status"] in ("completed", "expired", "cancelled"):
        parts.append(f"-> coach batch collect {row['id']}")
    return "  ".join(parts)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < _MINUTE:
        return f"{seconds} s"
    if seconds < _HOUR:
        return f"{seconds // _MINUTE} min"
    if seconds < _DAY:
        return f"{seconds // _HOUR} h {seconds % _HOUR // _MINUTE:02d} min"
    return f"{seconds // _DAY} d {seconds % _DAY // _HOUR} h"


@batch_group.command()
@click.argument("batch_id", metavar="ID")
def cancel(batch_id) -> int:
    """Cancel a batch; `coach batch collect ID` then keeps what had finished."""
    from coach.llm.batch_api import BatchApiError

    base = _base()
    store = _store()
    if store is None:
        return base.EXIT_USAGE
    with store:
        records = _records(store, [batch_id])
        service = _service_for(records, "batch cancel") if records else None
        if service is None:
            return base.EXIT_USAGE
        with service:
            try:
                info = service.cancel(batch_id)
            except BatchApiError as error:
                base.say_error(str(error))
                return base.EXIT_FAILED
        store.set_batch_status(batch_id, info.status)
    click.echo(f"{batch_id}: {info.status} ({info.completed} of {info.total} requests had finished); "
               f"`coach batch collect {batch_id}` keeps them once it is cancelled")
    return base.EXIT_OK
