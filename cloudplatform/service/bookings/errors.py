"""The errors of 预约事项. Their codes are part of the API contract (the mini-program switches on them)."""

from cloudplatform.errors import Conflict, Forbidden, NotFound, Unprocessable


class BookableNotFound(NotFound):
    """No such service, or not one of the caller's communities'."""

    code, message = "BOOKABLE_NOT_FOUND", "预约事项不存在"


class SlotNotFound(NotFound):
    """No such slot, or not one the caller may book (a resident of its community)."""

    code, message = "SLOT_NOT_FOUND", "该时段不存在"


class BookingNotFound(NotFound):
    """No such booking, or not the caller's (or, for staff, not in their communities)."""

    code, message = "BOOKING_NOT_FOUND", "预约不存在"


class BookingSuspended(Forbidden):
    """Too many no-shows lately: the resident may not book in this community until staff lift it."""

    code, message = "BOOKING_SUSPENDED", "您近期多次预约未到，暂停预约"


class BookingRefused(Conflict):
    """A booking rule refused the slot (the base of the refusals below)."""


class SlotFull(BookingRefused):
    """Every place of the slot is taken."""

    code, message = "SLOT_FULL", "该时段已约满"


class SlotClosed(BookingRefused):
    """The service is closed that day."""

    code, message = "SLOT_CLOSED", "该时段暂停服务"


class TooLate(BookingRefused):
    """The slot's booking window has ended (``book_until``) or the slot is over."""

    code, message = "TOO_LATE", "该时段已截止预约"


class TooEarly(BookingRefused):
    """The slot's booking window has not opened yet (``book_from``)."""

    code, message = "TOO_EARLY", "该时段尚未开放预约"


class AlreadyBooked(BookingRefused):
    """The caller holds a place in this slot already."""

    code, message = "ALREADY_BOOKED", "您已预约该时段"


class BookingLimit(BookingRefused):
    """The caller holds as many upcoming bookings of this service as it allows."""

    code, message = "BOOKING_LIMIT", "您的待办预约已达上限"


class CancelTooLate(Conflict):
    """The service's cancellation cut-off (``cancel_until``) has passed."""

    code, message = "CANCEL_TOO_LATE", "已过取消截止时间"


class BookingNotActive(Conflict):
    """The booking is no longer pending or confirmed (cancelled, checked in...)."""

    code, message = "BOOKING_NOT_ACTIVE", "该预约已无法取消"


class NotPending(Conflict):
    """The booking does not wait for approval."""

    code, message = "NOT_PENDING", "该预约无需审核"


class NotCheckInTime(Conflict):
    """Check-in is open from 30 minutes before the slot starts until it ends."""

    code, message = "NOT_CHECK_IN_TIME", "不在核销时间内"


class NotCheckable(Conflict):
    """The booking was checked in already, or is not confirmed."""

    code, message = "NOT_CHECKABLE", "该预约已核销或不可核销"


class OwnBookingCheckIn(Forbidden):
    """Staff may not check in a booking of their own (someone else at the counter does, or the venue code)."""

    code, message = "OWN_BOOKING_CHECK_IN", "不能核销自己的预约，请由其他工作人员核销"


class AlreadyLifted(Conflict):
    """The suspension was lifted already."""

    code, message = "ALREADY_LIFTED", "该暂停已解除"


class InvalidHours(Unprocessable):
    """(Console) An opening period is not within one day or ends before it starts."""

    code, message = "INVALID_HOURS", "开放时间无效"


class ClosureInPast(Unprocessable):
    """(Console) A day in the past cannot be closed."""

    code, message = "CLOSURE_IN_PAST", "不能关闭已过去的日期"


class NoBookingToCheckIn(NotFound):
    """The resident scanned a service's venue code but holds no confirmed booking of it open for check-in
    now (from half an hour before the start until the end)."""

    code, message = "NO_BOOKING_TO_CHECK_IN", "您在该服务当前时段没有可签到的预约"
