"""Benchmark: WeChat's passive-reply path through the real bot (Rasa + actions), one gateway.

    .venv/bin/python bench/wechat_passive.py                  # 50 followers, 60 s, plaintext
    .venv/bin/python bench/wechat_passive.py --aes --followers 100 --duration 30

Each simulated follower is WeChat's server posting a signed text message (real XML format) for
one openid, waiting for the answer, then writing again after ``interval`` s. Prints how many
answers were passive replies (within the gateway's 4 s budget) versus ``success`` (the reply
went out later through the customer-service API), errors, and p50/p99 of the HTTP answer time
for bot-owned turns — WeChat gives up after 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import random
import secrets
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gateway_stack import ROOT, gateway_stack, percentile

sys.path.insert(0, str(ROOT))
from bot.wechat import MessageCrypto, parse, signature

TOKEN = "benchtoken"
APPID = "wxbench0000000000"
AES_KEY = base64.b64encode(hashlib.sha256(b"bench").digest()).decode().rstrip("=")
MESSAGES = ["你好", "在吗", "谢谢", "你是机器人吗", "退款一般几天到账", "运费险怎么理赔", "拜拜"]


def message_xml(openid: str, text: str) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content>"
        f"<MsgId>{secrets.randbits(62)}</MsgId></xml>"
    )


async def follower(
    client: httpx.AsyncClient,
    n: int,
    until: float,
    args: argparse.Namespace,
    out: dict[str, list[float] | int],
    rng: random.Random,
) -> None:
    crypto = MessageCrypto(TOKEN, AES_KEY, APPID)
    openid = f"oBench{n:06d}" + secrets.token_hex(6)
    await asyncio.sleep(rng.uniform(0, args.interval))
    while time.monotonic() < until:
        ts, nonce = str(int(time.time())), secrets.token_hex(8)
        query = {
            "signature": signature(TOKEN, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "openid": openid,
        }
        body = message_xml(openid, rng.choice(MESSAGES))
        if args.aes:
            enc = crypto.encrypt(body)
            query.update(
                {"encrypt_type": "aes", "msg_signature": crypto.msg_signature(ts, nonce, enc)}
            )
            body = (
                "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
                f"<Encrypt><![CDATA[{enc}]]></Encrypt></xml>"
            )
        started = time.monotonic()
        try:
            r = await client.post("/wechat", params=query, content=body.encode(), timeout=10)
            elapsed = time.monotonic() - started
            if r.status_code != 200:
                out["errors"] += 1  # type: ignore[operator]
            elif r.text == "success":
                out["late"] += 1  # type: ignore[operator]
                out["all"].append(elapsed)  # type: ignore[union-attr]
            else:
                fields = parse(r.content)
                if args.aes:
                    fields = parse(crypto.decrypt(fields["Encrypt"]).encode())
                if "系统繁忙" in fields.get("Content", ""):
                    out["errors"] += 1  # type: ignore[operator]
                else:
                    out["passive"].append(elapsed)  # type: ignore[union-attr]
                    out["all"].append(elapsed)  # type: ignore[union-attr]
        except Exception:
            out["errors"] += 1  # type: ignore[operator]
        await asyncio.sleep(
            max(0.0, args.interval * rng.uniform(0.5, 1.5) - (time.monotonic() - started))
        )


async def run(args: argparse.Namespace, url: str) -> None:
    out: dict[str, list[float] | int] = {"passive": [], "all": [], "late": 0, "errors": 0}
    rng = random.Random(7)
    until = time.monotonic() + args.duration
    limits = httpx.Limits(max_connections=args.followers)
    async with httpx.AsyncClient(base_url=url, limits=limits) as client:
        await asyncio.gather(
            *(follower(client, i, until, args, out, rng) for i in range(args.followers))
        )
    every: list[float] = out["all"]  # type: ignore[assignment]
    passive: list[float] = out["passive"]  # type: ignore[assignment]
    print()
    print(
        f"WeChat passive path ({'safe mode' if args.aes else 'plaintext'}), one gateway, "
        f"{args.followers} followers, a message every ~{args.interval:.0f} s, real Rasa + actions"
    )
    print(
        f"answers={len(every)}  passive={len(passive)}  success(late)={out['late']}  "
        f"errors={out['errors']}"
    )
    print(
        f"answer time p50={percentile(every, 50) * 1000:.0f} ms  "
        f"p99={percentile(every, 99) * 1000:.0f} ms  max={max(every or [0]) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--aes", action="store_true", help="safe (encrypted) mode")
    args = parser.parse_args()
    env = {"WECHAT_TOKEN": TOKEN, "WECHAT_APPID": APPID, "WECHAT_AES_KEY": AES_KEY}
    with gateway_stack(env) as stack:
        asyncio.run(run(args, stack.gateway_url))


if __name__ == "__main__":
    main()
