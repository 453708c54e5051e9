"""The FAQ store: working copy, publish (immutable versions), rollback, diff. What an FAQ must be
before it is stored, and the ``StoreError`` it refuses with, are ``knowledge_base.faq_input``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from knowledge_base.faq import Faq
from knowledge_base.faq_input import StoreError, validate_faq
from knowledge_base.models import FaqRow, VersionRow, utcnow


def _to_faq(row: FaqRow) -> Faq:
    return Faq(
        row.id,
        row.question,
        row.answer,
        tuple(row.similar_questions or ()),
        row.category,
        row.lang,
    )


def _row_json(row: FaqRow) -> dict[str, Any]:
    out = _to_faq(row).to_json()
    out.update(
        status=row.status,
        author=row.author,
        created_at=row.created_at.isoformat() if row.created_at else None,
        updated_at=row.updated_at.isoformat() if row.updated_at else None,
    )
    return out


class FaqStore:
    """Synchronous on purpose (short transactions); async callers use ``asyncio.to_thread``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)

    # ------------------------------------------------------------------ working copy

    def list_faqs(
        self,
        status: str | None = None,
        query: str | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        stmt = select(FaqRow).order_by(FaqRow.id).limit(limit).offset(offset)
        if status:
            stmt = stmt.where(FaqRow.status == status)
        else:
            stmt = stmt.where(FaqRow.status != "archived")
        if query:
            like = f"%{query}%"
            stmt = stmt.where(FaqRow.question.like(like) | FaqRow.answer.like(like))
        with self._session() as s:
            return [_row_json(r) for r in s.scalars(stmt)]

    def get(self, faq_id: str) -> dict[str, Any]:
        with self._session() as s:
            row = s.get(FaqRow, faq_id)
            if row is None:
                raise StoreError("not_found", f"no FAQ {faq_id!r}")
            return _row_json(row)

    def create(self, data: dict[str, Any], author: str = "") -> dict[str, Any]:
        faq = validate_faq(data)
        with self._session() as s, s.begin():
            existing = s.get(FaqRow, faq.id)
            if existing is not None and existing.status != "archived":
                raise StoreError("duplicate_id", f"FAQ {faq.id!r} already exists")
            if existing is not None:
                s.delete(existing)
                s.flush()
            row = self._new_row(faq, author)
            s.add(row)
        return self.get(faq.id)

    def update(self, faq_id: str, data: dict[str, Any], author: str = "") -> dict[str, Any]:
        with self._session() as s, s.begin():
            row = s.get(FaqRow, faq_id)
            if row is None:
                raise StoreError("not_found", f"no FAQ {faq_id!r}")
            merged = _to_faq(row).to_json() | {k: v for k, v in data.items() if k != "id"}
            merged["id"] = faq_id
            faq = validate_faq(merged)
            self._apply(row, faq, author)
        return self.get(faq_id)

    def archive(self, faq_id: str, author: str = "") -> None:
        with self._session() as s, s.begin():
            row = s.get(FaqRow, faq_id)
            if row is None or row.status == "archived":
                raise StoreError("not_found", f"no FAQ {faq_id!r}")
            row.status = "archived"
            row.author = author or row.author

    def upsert_many(self, faqs: Iterable[Faq], author: str = "") -> int:
        """Insert or replace FAQs as drafts, all in one transaction."""
        n = 0
        with self._session() as s, s.begin():
            for faq in faqs:
                row = s.get(FaqRow, faq.id)
                if row is None:
                    s.add(self._new_row(faq, author))
                else:
                    self._apply(row, faq, author)
                n += 1
        return n

    @staticmethod
    def _new_row(faq: Faq, author: str) -> FaqRow:
        now = utcnow()
        return FaqRow(
            id=faq.id,
            category=faq.category,
            lang=faq.lang,
            question=faq.question,
            similar_questions=list(faq.similar_questions),
            answer=faq.answer,
            status="draft",
            author=author,
            created_at=now,
            updated_at=now,
        )

    @staticmethod
    def _apply(row: FaqRow, faq: Faq, author: str) -> None:
        row.category, row.lang, row.question = faq.category, faq.lang, faq.question
        row.similar_questions = list(faq.similar_questions)
        row.answer = faq.answer
        row.status = "draft"
        row.author = author or row.author
        row.updated_at = utcnow()

    def working_faqs(self) -> list[Faq]:
        with self._session() as s:
            rows = s.scalars(select(FaqRow).where(FaqRow.status != "archived").order_by(FaqRow.id))
            return [_to_faq(r) for r in rows]

    # ------------------------------------------------------------------ versions

    def publish(self, author: str = "", note: str = "") -> dict[str, Any]:
        """Snapshot every non-archived FAQ as the next version; they become ``published``."""
        for _ in range(3):  # two editors publishing at once: the loser retries with N+1
            try:
                with self._session() as s, s.begin():
                    rows = list(
                        s.scalars(
                            select(FaqRow).where(FaqRow.status != "archived").order_by(FaqRow.id)
                        )
                    )
                    snapshot = [_to_faq(r).to_json() for r in rows]
                    version = self._next_version(s)
                    s.add(self._version_row(version, author, note, snapshot))
                    for r in rows:
                        r.status = "published"
                return self.version_info(version)
            except IntegrityError:
                continue
        raise StoreError("conflict", "another publish is in progress; try again")

    def rollback(self, version: int, author: str = "") -> dict[str, Any]:
        """Publish the content of ``version`` again as a new version (history stays intact)
        and make the working copy match it."""
        with self._session() as s, s.begin():
            old = s.get(VersionRow, version)
            if old is None:
                raise StoreError("not_found", f"no version {version}")
            snapshot = list(old.snapshot)
            keep = {item["id"] for item in snapshot}
            for row in s.scalars(select(FaqRow)):
                if row.id not in keep:
                    row.status = "archived"
            for item in snapshot:
                faq = Faq.from_json(item)
                existing = s.get(FaqRow, faq.id)
                if existing is None:
                    new_row = self._new_row(faq, author)
                    new_row.status = "published"
                    s.add(new_row)
                else:
                    self._apply(existing, faq, author)
                    existing.status = "published"
            new_version = self._next_version(s)
            s.add(self._version_row(new_version, author, f"rollback to {version}", snapshot))
        return self.version_info(new_version)

    @staticmethod
    def _next_version(s: Session) -> int:
        return int(s.scalar(select(func.coalesce(func.max(VersionRow.version), 0))) or 0) + 1

    @staticmethod
    def _version_row(
        version: int, author: str, note: str, snapshot: list[dict[str, Any]]
    ) -> VersionRow:
        return VersionRow(
            version=version,
            author=author,
            note=note[:500],
            created_at=utcnow(),
            faq_count=len(snapshot),
            snapshot=snapshot,
        )

    def versions(self) -> list[dict[str, Any]]:
        with self._session() as s:
            rows = s.execute(
                select(
                    VersionRow.version,
                    VersionRow.author,
                    VersionRow.note,
                    VersionRow.created_at,
                    VersionRow.faq_count,
                ).order_by(VersionRow.version.desc())
            )
            return [
                {
                    "version": v,
                    "author": a,
                    "note": n,
                    "created_at": c.isoformat() if c else None,
                    "faq_count": k,
                }
                for v, a, n, c, k in rows
            ]

    def version_info(self, version: int) -> dict[str, Any]:
        for item in self.versions():
            if item["version"] == version:
                return dict(item)
        raise StoreError("not_found", f"no version {version}")

    def latest_version(self) -> int:
        with self._session() as s:
            return int(s.scalar(select(func.coalesce(func.max(VersionRow.version), 0))) or 0)

    def snapshot(self, version: int | None = None) -> tuple[int, list[Faq]]:
        """The FAQs of ``version`` (default: the newest). (0, []) if nothing was published."""
        with self._session() as s:
            if version is None:
                version = int(s.scalar(select(func.coalesce(func.max(VersionRow.version), 0))) or 0)
                if version == 0:
                    return 0, []
            row = s.get(VersionRow, version)
            if row is None:
                raise StoreError("not_found", f"no version {version}")
            return version, [Faq.from_json(item) for item in row.snapshot]

    def diff(self, old: int, new: int) -> dict[str, Any]:
        _, a = self.snapshot(old)
        _, b = self.snapshot(new)
        before = {f.id: f.to_json() for f in a}
        after = {f.id: f.to_json() for f in b}
        changed = []
        for faq_id in sorted(before.keys() & after.keys()):
            fields = {
                k: {"old": before[faq_id][k], "new": after[faq_id][k]}
                for k in after[faq_id]
                if before[faq_id][k] != after[faq_id][k]
            }
            if fields:
                changed.append({"id": faq_id, "fields": fields})
        return {
            "from": old,
            "to": new,
            "added": [after[i] for i in sorted(after.keys() - before.keys())],
            "removed": [before[i] for i in sorted(before.keys() - after.keys())],
            "changed": changed,
        }
