"""Every Redis key and pub/sub channel name kefu uses, in one place.

Hash tags (the part in ``{…}``) decide the Redis Cluster slot; keys that one Lua script or
transaction touches together carry the same tag:

- ``{conv:<id>}`` — everything of one conversation: its state hash, event stream, dedupe keys,
  handoff packet, WeChat delivery bits, typing channel. The hot path (messages, events, long
  polls) touches only these, so conversations spread over every master of a cluster.
- ``{handoff}`` — the routing tables of the human side: queues per skill group, agents and their
  chats, presence, pending routing steps, SLA timers, the archive list, handling-time samples.
  Assignment must see an agent's load across all of their groups at once, so these share one
  slot; they change a few times per handoff, not per message.
- keys without a tag stand alone (rate-limit counters, WeChat tokens and windows, the knowledge
  base's version): no script or transaction touches two of them.

Nothing else in kefu writes a key name by hand (Rasa's own keys use the prefix ``kefurasa``,
set in ``endpoints.yml``).
"""

from __future__ import annotations

from binascii import crc32

PREFIX = "kefu"
HUB = "{handoff}"

# ---------------------------------------------------------------- one conversation ({conv:id})


def conv_tag(conversation_id: str) -> str:
    return f"{{conv:{conversation_id}}}"


def conv_state(conversation_id: str) -> str:
    """Hash: owner, agent, group, seq, channel, customer_id, … (handoff.conversation)."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:state"


def conv_events(conversation_id: str) -> str:
    """Stream of the conversation's events; entry ids are ``<seq>-0``."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:events"


def conversation_of(key: str) -> str:
    """The conversation id in the name of one of its keys (``kefu:{conv:<id>}:…``)."""
    head = f"{PREFIX}:{{conv:"
    if not key.startswith(head) or "}:" not in key:
        raise ValueError(f"not a conversation key: {key}")
    return key[len(head) : key.rindex("}:")]


def conv_dedupe(conversation_id: str, client_id: str) -> str:
    """Seq of an event recorded for a client message id (retries are recorded once)."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:dedupe:{client_id}"


def conv_packet(conversation_id: str) -> str:
    """The masked handoff packet (JSON)."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:packet"


def conv_ticket_lock(conversation_id: str) -> str:
    """Held while the conversation's ticket is found or made (one ticket, however many ask)."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:ticket-lock"


def conv_ticket_mark(conversation_id: str) -> str:
    """Hash ``{gen, none}``: ``gen`` counts the tickets linked to (or reopened on) the
    conversation; ``none`` is the ``gen`` at which SQL said it had no open ticket
    (``handoff.ticket_marks``)."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:ticket-mark"


def conv_integration(conversation_id: str) -> str:
    """The REST integration (API key name) that created the conversation; others get 404."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:integration"


def typing_channel(conversation_id: str) -> str:
    """Pub/sub channel of typing signals (sharded pub/sub on a cluster)."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:typing"


def typing_conversation(channel_name: str) -> str | None:
    """The conversation id of a typing channel name, or None if it is not one."""
    if channel_name.startswith(f"{PREFIX}:{{conv:") and channel_name.endswith("}:typing"):
        return conversation_of(channel_name)
    return None


def ws_client_message(conversation_id: str, client_id: str) -> str:
    """A web-chat client message id already taken (dedupe of resent frames)."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:ws-cid:{client_id}"


def wechat_cursor(conversation_id: str) -> str:
    """Seq of the last event handed to WeChat delivery."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:wechat:cursor"


def wechat_csat(conversation_id: str) -> str:
    """Set while a WeChat customer's next message may be a CSAT score."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:wechat:csat"


def wechat_turn(conversation_id: str) -> str:
    """Set while a passive reply is being prepared (delivery waits for it)."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:wechat:turn"


def wechat_deliver_lock(conversation_id: str) -> str:
    """Held by the process delivering a conversation's events to WeChat."""
    return f"{PREFIX}:{conv_tag(conversation_id)}:wechat:deliver-lock"


# ---------------------------------------------------------------- routing ({handoff})


def queue(group: str) -> str:
    """Sorted set of the conversations waiting in a skill group (score: queued time − bonus)."""
    return f"{PREFIX}:{HUB}:queue:{group}"


def queued() -> str:
    """Hash: conversation → the group whose queue holds it (routing's own record)."""
    return f"{PREFIX}:{HUB}:queued"


def online(group: str) -> str:
    """Set of the agents of a group who are online with a capacity above 0."""
    return f"{PREFIX}:{HUB}:online:{group}"


def agent_profiles() -> str:
    """Hash: agent → JSON {capacity, groups, name, roles}."""
    return f"{PREFIX}:{HUB}:agents"


def agent_status() -> str:
    """Hash: agent → online | away | offline."""
    return f"{PREFIX}:{HUB}:agent-status"


def agent_status_since() -> str:
    """Hash: agent → time (epoch seconds) their status last changed (the live board's "time in
    status")."""
    return f"{PREFIX}:{HUB}:agent-status-since"


def agent_away_reason() -> str:
    """Hash: agent → why they are away (break | meal | training); absent when not away."""
    return f"{PREFIX}:{HUB}:agent-away-reason"


def chats() -> str:
    """Sorted set (all scores 0) of ``<agent>|<conversation>``: the chats each agent holds or
    has reserved; an agent's load is the count of its prefix (ZLEXCOUNT)."""
    return f"{PREFIX}:{HUB}:chats"


def holder() -> str:
    """Hash: conversation → the agent whose slot it takes (routing's own record)."""
    return f"{PREFIX}:{HUB}:holder"


def reserved() -> str:
    """Hash: ``<agent>|<conversation>`` → routing steps under way that reserved that slot."""
    return f"{PREFIX}:{HUB}:reserved"


def pending() -> str:
    """Sorted set of routing steps begun (member ``conv|token|agent|group|score``, score =
    start time); each is finished by a reconcile, or by the recovery sweep after a crash."""
    return f"{PREFIX}:{HUB}:pending"


def applied() -> str:
    """Hash: conversation → the last event seq whose owner routing has applied."""
    return f"{PREFIX}:{HUB}:applied"


def presence() -> str:
    """Sorted set: agent → last heartbeat."""
    return f"{PREFIX}:{HUB}:presence"


def handle_samples(group: str) -> str:
    """List of recent handling times (seconds) of a group, for ETAs."""
    return f"{PREFIX}:{HUB}:handle:{group}"


def archive_pending() -> str:
    """Set of closed conversations not yet archived to SQL."""
    return f"{PREFIX}:{HUB}:archive"


def retain() -> str:
    """Sorted set: archived conversations whose Redis keys wait for their open ticket to end
    before they may expire (score: when archived)."""
    return f"{PREFIX}:{HUB}:retain"


def sla_due() -> str:
    """Sorted set: conversation → when its first-response timer breaches."""
    return f"{PREFIX}:{HUB}:sla:due"


def gave_up_pending() -> str:
    """Sorted set ``<conversation id>|<seq of its left_queue event>`` → time: give-ups whose
    ticket and message are not done yet (handoff.give_up finishes a dead process's)."""
    return f"{PREFIX}:{HUB}:gave-up-pending"


def sla_info(conversation_id: str) -> str:
    """Hash: group, queued_at, target, level of a conversation's SLA timer."""
    return f"{PREFIX}:{HUB}:sla:info:{conversation_id}"


def outage() -> str:
    """Hash of outage mode while it is on: started_at, by, script_zh, script_en."""
    return f"{PREFIX}:{HUB}:outage"


def outage_told() -> str:
    """Set: the conversations that got the outage script during the current outage (each hears
    that service is back when it ends)."""
    return f"{PREFIX}:{HUB}:outage:told"


# ---------------------------------------------------------------- standalone keys


IDLE_BUCKETS = 16


def idle_bucket(conversation_id: str) -> str:
    """Sorted set: bot-owned conversations → their customer's last message time, for closing
    idle ones. Written on every customer message, so spread over ``IDLE_BUCKETS`` standalone
    keys (a CRC of the id picks one) rather than the ``{handoff}`` slot."""
    return idle_bucket_n(crc32(conversation_id.encode()) % IDLE_BUCKETS)


def idle_bucket_n(n: int) -> str:
    return f"{PREFIX}:idle:{n}"


def rasa_tracker(conversation_id: str) -> str:
    """Rasa's own tracker of a conversation (``RedisTrackerStore``, key prefix ``kefurasa`` in
    ``endpoints.yml``): read once when the conversation is archived, for its intents."""
    return f"kefurasa:tracker:{conversation_id}"


def big_sale() -> str:
    return f"{PREFIX}:settings:big_sale"


def rate_limit(scope: str) -> str:
    """One rate-limit scope's moving window (a sorted set of accepted hits)."""
    return f"{PREFIX}:rl:{scope}"


def wechat_nonce(digest: str) -> str:
    return f"{PREFIX}:wechat:nonce:{digest}"


def wechat_message(msg_key: str) -> str:
    return f"{PREFIX}:wechat:msg:{msg_key}"


def wechat_token(appid: str) -> str:
    return f"{PREFIX}:wechat:token:{appid}"


def wechat_token_lock(appid: str) -> str:
    return f"{PREFIX}:wechat:token-lock:{appid}"


def login_failures_account(username: str) -> str:
    """Sorted set: an account's failed logins in the throttle window (one key per account)."""
    return f"{PREFIX}:login:fail:account:{{{username.lower()}}}"


def login_failures_address(address: str) -> str:
    """Sorted set: failed logins from one client address in the throttle window."""
    return f"{PREFIX}:login:fail:addr:{{{address}}}"


def wechat_window(openid: str) -> str:
    """Hash: the customer's last message time and the messages sent since (48 h / 5 window)."""
    return f"{PREFIX}:wechat:window:{openid}"


def customer_web_conversation(customer_id: str) -> str:
    """The signed-in customer's current web conversation id (resumed on a new device)."""
    return f"{PREFIX}:customer:{{{customer_id}}}:web"


def outbox(channel: str) -> str:
    """Stream of ``{conversation_id, seq}``: a watched conversation has a new event for
    ``channel`` (e.g. ``wechat``) to deliver; read by a consumer group of the gateways."""
    return f"{PREFIX}:outbox:{channel}"


def wake_stream(partition: int) -> str:
    """Stream of ``{c: conversation id, s: seq}``: one entry per new conversation event, for
    the conversations whose id hashes to ``partition`` (``handoff.wakeups``). Each partition
    has its own hash tag, so one blocking read per partition stays in one slot."""
    return f"{PREFIX}:{{wake:{partition}}}:stream"


def ws_sockets(address: str) -> str:
    """Sorted set: the open web chat sockets of one client address, scored by when each one
    lapses unless its gateway renews it (``kefu.socket_cap``)."""
    return f"{PREFIX}:ws:sockets:{{{address}}}"


KB_VERSION = f"{PREFIX}:kb:version"
KB_EVENTS = f"{PREFIX}:kb:events"
KB_BUILD_ERRORS = f"{PREFIX}:kb:build_errors"
KB_UNANSWERED = f"{PREFIX}:kb:unanswered"
