"""Messages the outbox queues when another package announces something (signals it may not send
itself: identity does not import notify)."""

from cloudplatform.identity.models import ResidencyRequest
from cloudplatform.identity.signals import residency_decided
from cloudplatform.notify.operations import notify


def send_residency_result(request: ResidencyRequest, *, approved: bool, reason: str) -> None:
    """Tell the applicant the decision on their residency request (in the decision's transaction)."""
    notify(
        request.user,
        "residency_result",
        {
            "thing1": request.community.name,
            "phrase2": "已通过" if approved else "未通过",
            "thing3": reason or "欢迎使用社区云平台",
        },
        page="pages/me/residency",
    )


def connect() -> None:
    """Subscribe the outbox to the signals above (idempotent; called by ``notify.init_app``)."""
    residency_decided.connect(send_residency_result)
