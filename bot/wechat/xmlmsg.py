"""WeChat message XML in and out, parsed safely.

Incoming XML is parsed with defusedxml: no DTDs, no entity expansion, no external entities,
and the caller limits the size before it gets here. Only flat ``<xml><Field>value</Field>…``
documents are accepted, which is all WeChat sends.
"""

from __future__ import annotations

import time
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

MAX_FIELDS = 64


class BadXml(ValueError):
    """The body is not a WeChat message document."""


def parse(body: bytes) -> dict[str, str]:
    """``<xml><A>1</A>…</xml>`` → ``{"A": "1", …}``; raises BadXml for anything else."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise BadXml(f"not acceptable XML: {type(exc).__name__}") from None
    if root.tag != "xml":
        raise BadXml("root element must be <xml>")
    fields: dict[str, str] = {}
    for child in root:
        if len(fields) >= MAX_FIELDS:
            raise BadXml("too many fields")
        if len(child):  # nested elements (e.g. ScanCodeInfo) are flattened one level
            for sub in child:
                fields[f"{child.tag}.{sub.tag}"] = (sub.text or "").strip()
        fields[child.tag] = (child.text or "").strip()
    return fields


def _xml(pairs: list[tuple[str, str]]) -> str:
    # Values go through ElementTree, which escapes them; WeChat reads escaped text the same as
    # CDATA, and there is no way for customer text to break out of its element.
    root = Element("xml")
    for key, value in pairs:
        SubElement(root, key).text = value
    return tostring(root, encoding="unicode")


def text_reply(to_user: str, from_user: str, content: str, now: int | None = None) -> str:
    return _xml(
        [
            ("ToUserName", to_user),
            ("FromUserName", from_user),
            ("CreateTime", str(now if now is not None else int(time.time()))),
            ("MsgType", "text"),
            ("Content", content),
        ]
    )


def encrypted_envelope(encrypted: str, msg_signature: str, timestamp: str, nonce: str) -> str:
    return _xml(
        [
            ("Encrypt", encrypted),
            ("MsgSignature", msg_signature),
            ("TimeStamp", timestamp),
            ("Nonce", nonce),
        ]
    )
