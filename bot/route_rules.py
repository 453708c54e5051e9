"""Every route of the gateway and every frame type of the web chat socket, with the access
rule each obeys; ``tests/test_route_rules.py`` fails for a route or frame type missing here.

Rules: ``public`` (the chat page, assets, health, docs); ``api_key`` (Bearer KEFU_API_KEY; a
conversation belongs to the integration that created it); ``wechat_signature`` (WeChat's
signature, a fresh timestamp and an unused nonce); ``web_session`` (the web chat socket: the
random conversation id from ``hello`` is the customer's credential, a signed identity
(KEFU_IDENTITY_SECRET) names the customer)."""

from __future__ import annotations

ROUTES: dict[str, str] = {
    "GET /": "public",
    "GET /health": "public",
    "GET /widget.js": "public",
    "GET /static/<name:str>": "public",
    "GET /wechat": "wechat_signature",
    "POST /wechat": "wechat_signature",
    "POST /api/v1/conversations/<conversation_id:str>/messages": "api_key",
    "GET /api/v1/conversations/<conversation_id:str>/events": "api_key",
    "POST /api/v1/conversations/<conversation_id:str>/csat": "api_key",
    "POST /api/v1/conversations/<conversation_id:str>/leave-message": "api_key",
    "POST /api/v1/conversations/<conversation_id:str>/stop-waiting": "api_key",
    "WS /ws": "web_session",
}

# Frame types of the web chat socket (bot.channels.web): all within the web session.
WEB_FRAMES: dict[str, str] = {
    "ping": "public",
    "hello": "web_session",  # opens or resumes a conversation by its random id
    "message": "web_session",
    "csat": "web_session",
    "leave_message": "web_session",
    "stop_waiting": "web_session",
    "typing": "web_session",
}
