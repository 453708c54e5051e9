"""WeChat safe-mode crypto checked against published vectors, not against itself.

A round trip through our own ``encrypt`` and ``decrypt`` passes with a symmetric mistake (a wrong
IV, a little-endian length, 16-byte padding, …). These vectors come from independent
implementations:

- wechatpy's test suite (``tests/test_crypto.py``: ``test_encrypt_message``,
  ``test_decrypt_message``, ``test_check_signature_should_ok``), whose encrypt vector fixes the
  16 random bytes to ``b"1234567890123456"``;
- Tencent's official WXBizMsgCrypt samples: the Official Account one (``Sample.py``:
  EncodingAESKey ``abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG``, token ``spamtest``) and the
  WeCom one (``Sample.cs`` / ``Sample.py``: token ``QDG6eK``, corp id ``wx5823bf96d3bd56c7``),
  whose request is padded with 30 bytes, so it tells 32-byte PKCS#7 blocks (WeChat's) from
  16-byte ones (AES's usual block). Its 16 random bytes are ASCII (``0960688932c47ef1``), which
  turns the published ciphertext into an encrypt vector too.

The message format is the same for Official Accounts and WeCom (the receive id is the appid or
the corp id), so both sets of vectors apply.
"""

from __future__ import annotations

import pytest

from bot.wechat import MessageCrypto, WeChatCryptoError, parse

WECHATPY = MessageCrypto(
    "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a"
)
TENCENT = MessageCrypto(
    "spamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2"
)

REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
REPLY_ENCRYPTED = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGs"
    "L8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSj"
    "PUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJv"
    "FurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFY"
    "FMNMpatF9XiKzHo3"
)
INCOMING_ENCRYPTED = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTy"
    "eDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYy"
    "olBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWO"
    "MZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7ml"
    "sl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
ECHOSTR = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
TENCENT_ENCRYPTED = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PG"
    "HQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6"
    "tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp"
    "3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhv"
    "Ql+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)
WECOM = MessageCrypto("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")
WECOM_MESSAGE = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
    "<FromUserName><![CDATA[mycreate]]></FromUserName>\n"
    "<CreateTime>1409659813</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n"
    "<Content><![CDATA[hello]]></Content>\n"
    "<MsgId>4561255354251345929</MsgId>\n"
    "<AgentID>218</AgentID>\n"
    "</xml>"
)
WECOM_ENCRYPTED = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUp"
    "j911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue"
    "06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+"
    "3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH"
    "27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8"
    "R07+qN+E7Q=="
)


def test_encrypt_matches_wechatpys_vector_byte_for_byte():
    encrypted = WECHATPY.encrypt(REPLY, random16=b"1234567890123456")
    assert encrypted == REPLY_ENCRYPTED
    assert (
        WECHATPY.msg_signature("1411525903", "461056294", encrypted)
        == "407518b7649e86ef23978113f92d27afa9296533"
    )


def test_decrypt_opens_wechatpys_incoming_message():
    assert WECHATPY.check(
        "74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "1411525903", "461056294", INCOMING_ENCRYPTED
    )
    message = parse(WECHATPY.decrypt(INCOMING_ENCRYPTED).encode())
    assert (message["FromUserName"], message["Content"]) == ("messense", "test")
    assert message["MsgId"] == "4363689963896700987"


def test_decrypt_opens_wechatpys_server_check_echostr():
    assert WECHATPY.check(
        "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374425", ECHOSTR
    )
    assert WECHATPY.decrypt(ECHOSTR) == "5927782489442352469"
    assert not WECHATPY.check(
        "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374424", ECHOSTR
    )


def test_decrypt_opens_tencents_official_sample():
    assert TENCENT.check(
        "5d197aaffba7e9b25a30732f161a50dee96bd5fa", "1409735669", "1320562132", TENCENT_ENCRYPTED
    )
    message = parse(TENCENT.decrypt(TENCENT_ENCRYPTED).encode())
    assert message["FromUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert message["Content"] == "abcdteT"
    assert message["MsgId"] == "6054768590064713728"


def test_tencents_wecom_sample_both_ways_with_30_bytes_of_padding():
    assert WECOM.check(
        "477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149", WECOM_ENCRYPTED
    )
    assert WECOM.decrypt(WECOM_ENCRYPTED) == WECOM_MESSAGE
    assert WECOM.encrypt(WECOM_MESSAGE, random16=b"0960688932c47ef1") == WECOM_ENCRYPTED


def test_a_vector_for_another_appid_is_refused():
    other = MessageCrypto(
        "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx_someone_else"
    )
    with pytest.raises(WeChatCryptoError):
        other.decrypt(INCOMING_ENCRYPTED)
