from .common import MeterCommon  # noqa: F401
