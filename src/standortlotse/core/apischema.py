"""Error answers of the JSON API, documented per operation in OpenAPI."""

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: Any


def errors(*codes: int) -> dict:
    """``response={200: X, **errors(404, 422)}``: the error codes an operation can answer."""
    return dict.fromkeys(codes, ErrorOut)


class FieldErrors(Exception):
    """Validation errors per field, answered as 422 {"detail": {field: [messages]}} (the handler
    is registered on the API in standortlotse/api.py)."""

    def __init__(self, errors: dict):
        super().__init__("invalid fields")
        self.errors = errors
