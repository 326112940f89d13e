"""Errors of the organisation registry and of lookups, beside the workflow's own rule errors."""

from __future__ import annotations


class StorageError(Exception):
    pass


class UnknownOrganisation(StorageError):
    def __init__(self, code_or_id: str | int) -> None:
        super().__init__(f"no organisation {code_or_id!r}")
        self.code_or_id = code_or_id


class InvalidOrganisationTree(StorageError):
    pass


class RoleDoesNotFit(StorageError):
    def __init__(self, role: str, org_code: str, org_kind: str) -> None:
        super().__init__(f"role {role} does not fit {org_code}, which is a {org_kind}")


class DuplicateAdmin(StorageError):
    def __init__(self, telegram_id: int, role: str, org_code: str) -> None:
        super().__init__(f"{telegram_id} is already a {role} admin of {org_code}")


class NoProvince(StorageError):
    def __init__(self) -> None:
        super().__init__("no active province organisation is registered: import the organisations first")


class ComplaintNotFound(StorageError):
    def __init__(self, key: str | int) -> None:
        super().__init__(f"no complaint {key!r}")
