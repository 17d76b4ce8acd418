"""Typed records: what a parser read about one entity, with a declared, typed field per key.

A record is a ``dict`` underneath, key for key the JSON the parsers have always produced: that
JSON is what ``parlwatch parse`` prints, what the archive stores as ``version.content`` and what
its content hashes are computed on, so archives keep their hashes and no stored version has to
be rewritten. Code reads records through their fields (``delegation.seats``,
``chamber.member_title``), which type checkers see; a key a record does not carry reads as
``None``, as ``dict.get`` did.

Each field also says what the history and the reports need to know about it: its category
(``seats``, ``person``, ``wording``, ``link``, ``text``, ``date``), whether it is versioned, and
the words and evidence a report uses for it. Adding a field is one line in its type's home
(``store/entities/<type>.py``) plus the parser that fills it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar, overload

from store.compare import as_json

T = TypeVar("T")
S = TypeVar("S", bound="Struct")

# What a report says about a changed field (``Field.says``):
QUOTE = "quote"  # "title changed — 'A' -> 'B'"
ADDRESS = "address"  # "address added: URL" / "address changed: A -> B"
EDIT = "edit"  # "text edited (12 words changed)"
# What a report shows as evidence (``Field.shows``):
DIFF = "diff"  # a word diff when modified, the value when the entity appears or goes
LINK = "link"  # old and new values when modified, the value when it appears or goes
LINK_ONLY = "link-only"  # old and new values when modified
VALUE = "value"  # the value when the entity appears or goes
EXCERPT = "excerpt"  # a word diff when modified, an excerpt when it appears or goes


class Field(Generic[T]):
    """One key of a record, declared on its class: ``seats = Field[int | None]("seats")``.

    ``category`` is what analysts filter changes by; ``versioned=False`` keeps the key out of
    version content (it identifies the entity or says where it was seen); ``compared=False``
    keeps it in the content as evidence but out of what makes two versions differ (a chamber's
    phrase: the sentence it is cut from is compared already); ``label``, ``says`` and ``shows``
    are the words and evidence of the change report.
    """

    def __init__(
        self,
        category: str = "text",
        *,
        versioned: bool = True,
        compared: bool = True,
        label: str | None = None,
        says: str | None = None,
        shows: str | None = None,
        items: type[Struct] | None = None,
    ) -> None:
        self.category = category
        self.versioned = versioned
        self.compared = compared
        self.label = label
        self.says = says
        self.shows = shows
        self.items = items  # a list of these (a delegation's chambers)
        self.name = ""

    @property
    def evidence_only(self) -> bool:
        """Stored with the version, but no part of what makes two versions differ."""
        return self.versioned and not self.compared

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.label = self.label or name

    @overload
    def __get__(self, obj: None, owner: type) -> Field[T]: ...
    @overload
    def __get__(self, obj: Struct, owner: type) -> T: ...
    def __get__(self, obj: Struct | None, owner: type) -> Field[T] | T:
        if obj is None:
            return self
        return obj.get(self.name)  # type: ignore[return-value]

    def __set__(self, obj: Struct, value: T) -> None:
        obj[self.name] = value

    def value_in(self, record: Struct | None) -> T | None:
        """This field of ``record`` (None when there is no record): for code that goes
        through a type's fields rather than naming one."""
        return None if record is None else record.get(self.name)


class Struct(dict):
    """A dict with declared fields; nested lists of structs are typed on the way in."""

    FIELDS: ClassVar[dict[str, Field[Any]]] = {}
    _LISTS: ClassVar[tuple[tuple[str, type[Struct]], ...]] = ()  # fields listing structs

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared: dict[str, Field[Any]] = {}
        for klass in reversed(cls.__mro__):
            declared.update({k: v for k, v in vars(klass).items() if isinstance(v, Field)})
        cls.FIELDS = declared
        cls._LISTS = tuple((n, f.items) for n, f in declared.items() if f.items is not None)

    def __init__(self, data: Mapping[str, Any] | None = None, /, **values: Any) -> None:
        super().__init__(data or {}, **values)
        for name, kind in self._LISTS:
            items = self.get(name)
            if isinstance(items, list):
                self[name] = [kind(i) if type(i) is not kind and isinstance(i, dict) else i
                              for i in items]  # fmt: skip

    @classmethod
    def view(cls: type[S], data: Mapping[str, Any] | None) -> S | None:
        """``data`` as this type (itself when it already is one); ``None`` stays ``None``."""
        if data is None or type(data) is cls:
            return data  # type: ignore[return-value]
        return cls(data)

    def to_json(self) -> dict[str, Any]:
        """A plain JSON object, nested structs included."""
        return as_json(self)


class Record(Struct):
    """One entity as one page showed it. ``TYPE`` is its entity type."""

    TYPE: ClassVar[str] = ""

    type = Field[str](versioned=False)
    country = Field[str | None](versioned=False)
    language = Field[str | None](versioned=False)
    # where on the page it was read: "block", "country-page", "article" (see crawler/parsers)
    part = Field[str | None](versioned=False)
