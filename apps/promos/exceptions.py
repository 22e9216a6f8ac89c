"""The promos app's errors, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError


class NotEnoughPoints(StrideError):
    code = "POINTS_NOT_ENOUGH"
    status = 409
    default_message = _("You do not have enough points for this.")


class PointsInvalid(StrideError):
    code = "POINTS_INVALID"
    status = 400
    default_message = _("Give a non-zero number of points and a reason.")


class RewardUnavailable(StrideError):
    code = "REWARD_UNAVAILABLE"
    status = 409
    default_message = _("This reward is no longer available.")


class PromotionNotFound(StrideError):
    code = "NOT_FOUND"
    status = 404
    default_message = _("No such offer for you.")


class CouponInvalid(StrideError):
    """The code is unknown, inactive, out of its window or not the caller's."""

    code = "COUPON_INVALID"
    status = 400
    default_message = _("This coupon code is not valid.")


class CouponExhausted(StrideError):
    code = "COUPON_EXHAUSTED"
    status = 409
    default_message = _("This coupon has been used up.")


class CouponLimitReached(StrideError):
    code = "COUPON_LIMIT_REACHED"
    status = 409
    default_message = _("You have already used this coupon as often as it allows.")


class OrderInvalid(StrideError):
    code = "ORDER_INVALID"
    status = 400
    default_message = _("The order report is not valid.")


class OrderNotFound(StrideError):
    code = "ORDER_NOT_FOUND"
    status = 404
    default_message = _("No such order.")
