"""Objects the user names on the command line or in the wizard (`--table`, `--column`, ...)."""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.model import ObjectKind


@dataclass(frozen=True)
class ObjectRef:
    """A named database object. ``kind`` is table (also for views), column, function,
    relationship or enum. Relationship: ``schema.name`` -> ``target_schema.target_name``;
    column: ``column``; enum value: ``name`` is the type, ``label`` the value.
    """

    kind: ObjectKind
    schema: str
    name: str
    column: str | None = None
    target_schema: str | None = None
    target_name: str | None = None
    label: str | None = None

    @property
    def display(self) -> str:
        """The name in the StaleObject / JSON naming convention."""
        if self.kind is ObjectKind.COLUMN:
            return f"{self.schema}.{self.name}.{self.column}"
        if self.kind is ObjectKind.RELATIONSHIP:
            return f"{self.schema}.{self.name}:{self.target_schema}.{self.target_name}"
        if self.kind is ObjectKind.ENUM:
            return f"{self.schema}.{self.name}:{self.label}"
        return f"{self.schema}.{self.name}"
