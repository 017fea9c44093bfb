"""The request's one transaction: ``create_app``'s ``finish_transaction`` commits it when the request
succeeds and rolls it back otherwise; a page that goes on after a refusal undoes it here."""

from cloudplatform.extensions import db


def roll_back() -> None:
    """Undo the request's work so far (an operation refused; the page goes on to say why)."""
    db.session.rollback()
