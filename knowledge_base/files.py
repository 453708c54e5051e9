"""FAQ files in and out: JSON Lines, CSV, XLSX (same columns as the FAQ file format).

Reading never half-imports: rows are parsed and validated first, each bad row reported with its
line number and reason; the good rows then go into the store in one transaction. Files that are
not UTF-8 are detected (GBK / GB18030 are common in China) with charset-normalizer, or refused
with a clear message.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kefu.text_checks import has_lone_surrogate
from knowledge_base.faq import Faq
from knowledge_base.faq_input import StoreError, validate_faq

COLUMNS = ("id", "question", "similar_questions", "answer", "category", "lang")
FORMATS = ("jsonl", "csv", "xlsx")
MAX_IMPORT_BYTES = 20 * 1024 * 1024


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    encoding: str = "utf-8"

    def to_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "errors": self.errors, "encoding": self.encoding}


def guess_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix in {"jsonl", "json", "ndjson"}:
        return "jsonl"
    if suffix in {"csv", "xlsx"}:
        return suffix
    raise StoreError("unsupported_format", "use a .jsonl, .csv or .xlsx file")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding). UTF-8 (with or without BOM) first, then a detected Chinese or other
    encoding; refuses what cannot be read confidently."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Chinese shops export GBK most of all: GB18030 (its superset) first, if the result reads
    # as Chinese text; otherwise whatever charset-normalizer is confident about.
    try:
        text = data.decode("gb18030")
        if _plausible_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise StoreError(
            "bad_encoding",
            "the file is not UTF-8 and its encoding could not be detected; "
            "save it as UTF-8 (文件不是 UTF-8 编码，请另存为 UTF-8)",
        )
    encoding = best.encoding
    if encoding.lower() in {"gbk", "gb2312", "cp936"}:
        encoding = "gb18030"  # superset: reads every GBK file
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise StoreError("bad_encoding", f"cannot decode the file as {encoding}") from exc


_READABLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u2027\x20-\x7e\s]")


def _plausible_chinese(text: str) -> bool:
    if not text:
        return False
    readable = len(_READABLE.findall(text))
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return han > 0 and readable / len(text) >= 0.97


def _split_similar(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    if text.startswith("["):
        try:
            loaded = json.loads(text)
            if isinstance(loaded, list):
                return [str(v) for v in loaded]
        except json.JSONDecodeError:
            pass
    for sep in ("\n", "|", "；", ";"):
        if sep in text:
            return [s.strip() for s in text.split(sep) if s.strip()]
    return [text] if text else []


def _records(data: bytes, fmt: str, report: ImportReport) -> Iterator[tuple[int, Any]]:
    if fmt == "xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise StoreError("bad_file", f"not a readable XLSX file: {exc}") from exc
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(c or "").strip().lower() for c in next(rows, [])]
        for number, values in enumerate(rows, 2):
            if values and any(v not in (None, "") for v in values):
                yield number, dict(zip(header, values, strict=False))
        book.close()
        return
    text, report.encoding = decode(data)
    if "\x00" in text:
        raise StoreError("bad_file", "the file contains a NUL byte: not a text file")
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            if reader.fieldnames:
                reader.fieldnames = [f.strip().lower() for f in reader.fieldnames]
            for record in reader:
                yield reader.line_num, record
        except csv.Error as exc:  # e.g. a field over csv.field_size_limit() (131,072 chars)
            raise StoreError("bad_file", f"line {reader.line_num}: {exc}") from None
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, StoreError("bad_json", f"not JSON: {exc.msg}")
            continue
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            yield number, StoreError("bad_json", f"not usable JSON: {exc}")
            continue
        except RecursionError:
            yield number, StoreError("bad_json", "nested too deeply")
            continue
        if has_lone_surrogate(line, record):
            yield number, StoreError("invalid_text", "text contains a lone surrogate")
            continue
        yield number, record


def parse_faqs(data: bytes, fmt: str, progress: bool = False) -> tuple[list[Faq], ImportReport]:
    """Good FAQs and a report of the bad rows (line number and reason)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise StoreError("too_large", f"files up to {MAX_IMPORT_BYTES // 1024 // 1024} MB")
    if fmt not in FORMATS:
        raise StoreError("unsupported_format", "use jsonl, csv or xlsx")
    report = ImportReport()
    good: dict[str, Faq] = {}
    seen_line: dict[str, int] = {}
    records: Any = _records(data, fmt, report)
    if progress:
        from tqdm import tqdm

        records = tqdm(records, desc="import", unit="row")
    for number, record in records:
        try:
            if isinstance(record, StoreError):
                raise record
            if not isinstance(record, dict):
                raise StoreError("invalid_faq", "a row must be an object")
            record = dict(record)
            record["similar_questions"] = _split_similar(record.get("similar_questions"))
            faq = validate_faq(record)
            if faq.id in good:
                raise StoreError(
                    "duplicate_id", f"duplicate id {faq.id!r} (first on line {seen_line[faq.id]})"
                )
        except StoreError as exc:
            report.errors.append({"line": number, "code": exc.code, "reason": exc.message})
            continue
        good[faq.id] = faq
        seen_line[faq.id] = number
    return list(good.values()), report


def dump_faqs(faqs: list[Faq], fmt: str) -> bytes:
    rows = [f.to_json() for f in faqs]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for r in rows:
            writer.writerow(r | {"similar_questions": "\n".join(r["similar_questions"])})
        return out.getvalue().encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(list(COLUMNS))
        for r in rows:
            sheet.append(["\n".join(r[c]) if c == "similar_questions" else r[c] for c in COLUMNS])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    raise StoreError("unsupported_format", "use jsonl, csv or xlsx")
