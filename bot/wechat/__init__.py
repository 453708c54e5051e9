"""WeChat Official Account support: signatures and safe-mode crypto, safe XML, the server API
(access token, customer-service messages) and the outbox that respects WeChat's window."""

from bot.wechat.api import WeChatApi, WeChatApiError
from bot.wechat.crypto import MessageCrypto, WeChatCryptoError, check_signature, signature
from bot.wechat.outbox import WeChatOutbox
from bot.wechat.xmlmsg import BadXml, parse, text_reply

__all__ = [
    "BadXml",
    "MessageCrypto",
    "WeChatApi",
    "WeChatApiError",
    "WeChatCryptoError",
    "WeChatOutbox",
    "check_signature",
    "parse",
    "signature",
    "text_reply",
]
