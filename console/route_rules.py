"""Every route of the staff console (with the mounted knowledge-base editor) and the access
rule it obeys. ``tests/test_route_rules.py`` enumerates the app's routes and fails for any
route without an entry here, then checks each rule (no token, every role).

Rules: ``public`` (no login: pages, assets, health, docs, login itself); ``account`` (any
logged-in staff account); ``roles:a,b`` (one of these roles; admin may do everything, see
``handoff.accounts.Principal.require``); ``internal`` (Bearer KEFU_INTERNAL_TOKEN).
Conversations and tickets add the per-resource rule of ``handoff.access`` on top of
``roles:agent,team_lead,supervisor`` (own chat, skill group, supervisor). Quality inspection
(``/api/v1/qa/...``) adds ``handoff.access``'s QA rules: the ``qa`` role reaches closed
conversations only through these routes, never the queue, live chats or the socket."""

from __future__ import annotations

STAFF = "roles:agent,team_lead,supervisor"
REVIEWERS = "roles:qa,team_lead,supervisor"  # + handoff.access.qa_groups (leads: their groups)
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
    "GET /api/v1/agents": "roles:admin",
    "POST /api/v1/agents": "roles:admin",
    "PATCH /api/v1/agents/<username:str>": "roles:admin",
    "GET /api/v1/audit": "roles:supervisor",
    "GET /api/v1/customers/<customer_id:str>/export": "roles:admin",
    "POST /api/v1/customers/<customer_id:str>/erase": "roles:admin",
    "POST /api/v1/handoffs": "internal",
    "GET /api/v1/internal/conversations/<conversation_id:str>/ticket": "internal",
    "POST /api/v1/agent/status": STAFF,
    "POST /api/v1/agent/heartbeat": STAFF,
    "GET /api/v1/agent/me": STAFF,
    "GET /api/v1/queue": STAFF,
    "GET /api/v1/canned-replies": STAFF,  # + handoff.access.script_groups
    # + handoff.access.may_edit_script (a lead: their groups; shared: supervisors)
    "GET /api/v1/scripts": "roles:team_lead,supervisor",
    "GET /api/v1/scripts/export": "roles:team_lead,supervisor",
    "POST /api/v1/scripts": "roles:team_lead,supervisor",
    "PUT /api/v1/scripts/<script_id:int>": "roles:team_lead,supervisor",
    "DELETE /api/v1/scripts/<script_id:int>": "roles:team_lead,supervisor",
    "GET /api/v1/transfer-reasons": STAFF,
    "POST /api/v1/settings/big-sale": "roles:supervisor",
    "GET /api/v1/settings/outage": "roles:team_lead,supervisor",
    "POST /api/v1/settings/outage": "roles:supervisor",
    "GET /api/v1/sla/breaches": "roles:team_lead,supervisor",
    "GET /api/v1/board": "roles:team_lead,supervisor",
    "POST /api/v1/queue/<conversation_id:str>/spam": "roles:team_lead,supervisor",
    # + handoff.access.require_join (a lead of the chat's group, supervisors)
    "POST /api/v1/conversations/<conversation_id:str>/join": "roles:team_lead,supervisor",
    "POST /api/v1/conversations/<conversation_id:str>/leave": "roles:team_lead,supervisor",
    "GET /board": "public",
    "GET /reports": "public",
    "GET /api/v1/reports": "roles:team_lead,supervisor",
    "GET /api/v1/reports/export": "roles:team_lead,supervisor",
    "GET /api/v1/qa/items": REVIEWERS,
    "GET /api/v1/qa/items/<item_id:int>": "roles:agent,qa,team_lead,supervisor",  # agent: own
    "POST /api/v1/qa/items/<item_id:int>/score": REVIEWERS,
    "POST /api/v1/qa/items/<item_id:int>/appeal": "roles:agent,team_lead",  # the agent scored
    "POST /api/v1/qa/items/<item_id:int>/appeal/decision": "roles:team_lead,supervisor",
    "GET /api/v1/qa/my-scores": STAFF,
    "GET /api/v1/qa/rectifications": "roles:agent,qa,team_lead,supervisor",
    "POST /api/v1/qa/rectifications/<rect_id:int>/acknowledge": "roles:agent,team_lead",
    "POST /api/v1/qa/rectifications/<rect_id:int>/done": "roles:agent,team_lead",
    "GET /api/v1/qa/rubric": "roles:agent,qa,team_lead,supervisor",
    "PUT /api/v1/qa/rubric": "roles:qa,supervisor",
    "GET /api/v1/qa/settings": REVIEWERS,
    "PUT /api/v1/qa/settings": "roles:supervisor",
    "GET /api/v1/qa/report": REVIEWERS,
    "GET /api/v1/conversations/<conversation_id:str>": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/accept": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/messages": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/notes": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/transfer": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/close": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/handback": CONVERSATION,
    "POST /api/v1/conversations/<conversation_id:str>/reveal": "roles:supervisor",
    "GET /api/v1/conversations/<conversation_id:str>/customer": CONVERSATION,
    "GET /api/v1/conversations/<conversation_id:str>/customer/conversations": CONVERSATION,
    "GET /api/v1/conversations/<conversation_id:str>/customer/conversations/<past_id:str>": (
        CONVERSATION
    ),
    "GET /api/v1/conversations/<conversation_id:str>/suggestions": CONVERSATION,
    "GET /api/v1/tickets": STAFF,
    "POST /api/v1/tickets": STAFF,
    "GET /api/v1/tickets/escalations": "roles:team_lead,supervisor",
    "GET /api/v1/tickets/<ticket_id:int>": STAFF,
    "POST /api/v1/tickets/<ticket_id:int>/state": STAFF,
    "POST /api/v1/tickets/<ticket_id:int>/close": STAFF,
    "POST /api/v1/tickets/<ticket_id:int>/notes": STAFF,
    "POST /api/v1/tickets/<ticket_id:int>/progress": STAFF,
    "GET /api/v1/ticket-followups": STAFF,
    "GET /api/v1/ticket-followups/rate": "roles:team_lead,supervisor",
    "POST /api/v1/tickets/<ticket_id:int>/followup": STAFF,
    "GET /api/v1/ticket-calendar": STAFF,
    "PUT /api/v1/ticket-calendar/<day:str>": "roles:admin",
    "DELETE /api/v1/ticket-calendar/<day:str>": "roles:admin",
    "GET /api/v1/ticket-settings": STAFF,
    "PUT /api/v1/ticket-settings": "roles:admin",
    "GET /api/v1/kb/faqs": "roles:editor",
    "POST /api/v1/kb/faqs": "roles:editor",
    "GET /api/v1/kb/faqs/<faq_id:str>": "roles:editor",
    "PUT /api/v1/kb/faqs/<faq_id:str>": "roles:editor",
    "DELETE /api/v1/kb/faqs/<faq_id:str>": "roles:editor",
    "POST /api/v1/kb/import": "roles:editor",
    "POST /api/v1/kb/publish": "roles:editor",
    "GET /api/v1/kb/search": "roles:editor",
    "GET /api/v1/kb/preview": "roles:editor",
    "GET /api/v1/kb/versions": "roles:editor",
    "GET /api/v1/kb/versions/<version:int>/diff": "roles:editor",
    "POST /api/v1/kb/versions/<version:int>/rollback": "roles:editor",
    "GET /api/v1/kb/unanswered": "roles:editor",
    # the console socket: the first frame authenticates (staff roles); each message type then
    # has its own rule in console.agent_socket.MESSAGE_RULES
    "WS /api/v1/ws": STAFF,
}
