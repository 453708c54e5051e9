"""The console and the editor refuse to be framed by another page (clickjacking)."""

from __future__ import annotations

from tests.staff_console import Console


async def test_console_and_editor_pages_refuse_to_be_framed(console: Console):
    for path in ("/console", "/console/console.js", "/kb", "/kb/editor.js"):
        r = await console.http.get(path)
        assert r.status_code == 200, path
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], path
        assert r.headers["x-frame-options"] == "DENY", path
