"""The local web reader and JSON API (``corroborate serve``)."""

from corroborate.web.app import create_app
from corroborate.web.config import WebConfig, is_loopback

__all__ = ["WebConfig", "create_app", "is_loopback"]
