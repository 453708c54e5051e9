"""Every route of the staff console (with the mounted knowledge-base editor) and the access
rule it obeys. ``tests/test_route_rules.py`` enumerates the app's routes and fails for any
route without an entry here, then checks each rule (no token, every role).

Rules: ``public`` (no login: pages, assets, health, docs, login itself); ``account`` (any
logged-in staff account); ``roles:a,b`` (one of these roles; admin may do everything, see
``handoff.accounts.Principal.require``); ``internal`` (Bearer KEFU_INTERNAL_TOKEN).
Conversations and tickets add the per-resource rule of ``handoff.access`` on top of
``roles:agent,team_lead,supervisor`` (own chat, skill group, supervisor)."""

from __future__ import annotations

STAFF = "roles:agent,team_lead,supervisor"
CONVERSATION = STAFF  # + handoff.access (view / act / accept)

ROUTES: dict[str, str] = {
    "GET /": "public",
    "GET /health": "public",
    "GET /console": "public",
    "GET /console/<name:str>": "public",
    "GET /kb": "public",
    "GET /kb/<name:str>": "public",
    "POST /api/v1/auth/login": "public",
    "POST /api/v1/auth/logout": "account",
    "POST /api/v1/auth/password": "account",
    "POST /api/v1/agents": "roles:admin",
    "PATCH /api/v1/agents/<username:str>": "roles:admin",
    "GET /api/v1/audit": "roles:supervisor",
    "POST /api/v1/handoffs": "internal",
    "POST /api/v1/agent/status": STAFF,
    "POST /api/v1/agent/heartbeat": STAFF,
    "GET /api/v1/agent/me": STAFF,
    "GET /api/v1/queue": STAFF,
    "GET /api/v1/canned-replies": STAFF,
    "POST /api/v1/settings/big-sale": "roles:supervisor",
    "GET /api/v1/sla/breaches": "roles:team_lead,supervisor",
    "GET /api/v1/conversations/<conversation_id:str>": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/accept": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/messages": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/notes": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/transfer": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/close": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/handback": CONVERSATION,
    "GET /api/v1/tickets": STAFF,
    "POST /api/v1/tickets/<ticket_id:int>/close": STAFF,
    "GET /api/v1/kb/faqs": "roles:editor",
    "POST /api/v1/kb/faqs": "roles:editor",
    "GET /api/v1/kb/faqs/<faq_id:str>": "roles:editor",
    "PUT /api/v1/kb/faqs/<faq_id:str>": "roles:editor",
    "DELETE /api/v1/kb/faqs/<faq_id:str>": "roles:editor",
    "POST /api/v1/kb/import": "roles:editor",
    "POST /api/v1/kb/publish": "roles:editor",
    "GET /api/v1/kb/search": "roles:editor",
    "GET /api/v1/kb/versions": "roles:editor",
    "GET /api/v1/kb/versions/<version:int>/diff": "roles:editor",
    "POST /api/v1/kb/versions/<version:int>/rollback": "roles:editor",
    "GET /api/v1/kb/unanswered": "roles:editor",
    # the console socket: the first frame authenticates (staff roles); each message type then
    # has its own rule in handoff.console.MESSAGE_RULES
    "WS /api/v1/ws": STAFF,
}
