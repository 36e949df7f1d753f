"""A fake WeChat Official Account (公众号) platform, for tests.

It plays the WeChat server's side of the callback protocol: it builds the
requests WeChat sends to a webhook (GET URL verification, POSTed messages in
plain or safe/AES mode) and reads the passive replies the webhook returns.
The sender side uses wechatpy's own primitives (WeChatSigner, WeChatCrypto),
so a handler written with wechatpy's receiving functions must accept them.
"""

from __future__ import annotations

import base64
import os
import random
import re
import time

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

DEFAULT_ACCOUNT = "gh_test"  # the official account's original id (ToUserName)
DEFAULT_APP_ID = "wx0123456789abcdef"


def _cdata(value) -> str:
    # "]]>" cannot appear inside a CDATA section: split it across two sections.
    return "<![CDATA[" + str(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _message_xml(to_user, from_user, create_time, msg_type, fields) -> str:
    """Render a message the way WeChat does: CDATA strings, bare integers."""
    parts = [
        f"<ToUserName>{_cdata(to_user)}</ToUserName>",
        f"<FromUserName>{_cdata(from_user)}</FromUserName>",
        f"<CreateTime>{int(create_time if create_time is not None else time.time())}</CreateTime>",
        f"<MsgType>{_cdata(msg_type)}</MsgType>",
    ]
    for name, value in fields:
        if value is None:
            continue
        text = str(value) if isinstance(value, int) else _cdata(value)
        parts.append(f"<{name}>{text}</{name}>")
    return "<xml>" + "".join(parts) + "</xml>"


def _field(xml: str, name: str) -> str | None:
    """Pull one top-level text field out of XML we built ourselves."""
    m = re.search(rf"<{name}>(?:<!\[CDATA\[(.*?)\]\]>|([^<]*))</{name}>", xml, re.S)
    return None if m is None else (m.group(1) if m.group(1) is not None else m.group(2))


class WeChatPlatform:
    """The WeChat server, as seen by a webhook configured with `token` (and
    `aes_key` / `app_id` for safe mode)."""

    def __init__(self, token: str, aes_key: str | None = None, app_id: str | None = None):
        self.token = token
        self.aes_key = aes_key
        self.app_id = app_id or DEFAULT_APP_ID
        self.crypto = WeChatCrypto(token, aes_key, self.app_id) if aes_key else None

    # -- helpers -----------------------------------------------------------

    @staticmethod
    def random_aes_key() -> str:
        """An EncodingAESKey as the admin console issues it: 43 base64 chars
        (32 random bytes, standard base64 with the trailing "=" dropped)."""
        return base64.b64encode(os.urandom(32)).decode("ascii").rstrip("=")

    @staticmethod
    def new_timestamp() -> str:
        return str(int(time.time()))

    @staticmethod
    def new_nonce() -> str:
        # WeChat nonces are short decimal strings, e.g. "1320562132".
        return str(random.randint(10**8, 10**10 - 1))

    def sign(self, timestamp: str, nonce: str) -> str:
        """Plain signature: sha1 over sorted(token, timestamp, nonce)."""
        signer = WeChatSigner()
        signer.add_data(self.token, timestamp, nonce)
        return signer.signature

    def _require_crypto(self) -> WeChatCrypto:
        if self.crypto is None:
            raise ValueError("safe mode needs an aes_key")
        return self.crypto

    # -- GET: URL verification ---------------------------------------------

    def verify_params(self, echostr: str, timestamp: str | None = None, nonce: str | None = None) -> dict:
        """Query params of the GET that WeChat sends when the URL is saved.
        (For 公众号 this is always plain, even in safe mode: echostr is not
        encrypted and the handler must echo it back verbatim.)"""
        timestamp = timestamp or self.new_timestamp()
        nonce = nonce or self.new_nonce()
        return {
            "signature": self.sign(timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "echostr": echostr,
        }

    # -- message bodies ----------------------------------------------------

    def text_message_xml(self, from_user, content, msg_id, to_user=DEFAULT_ACCOUNT, create_time=None) -> str:
        fields = [("Content", content), ("MsgId", int(msg_id))]
        return _message_xml(to_user, from_user, create_time, "text", fields)

    def image_message_xml(
        self, from_user, media_id, msg_id, pic_url="http://mmbiz.qpic.cn/fake.jpg",
        to_user=DEFAULT_ACCOUNT, create_time=None,
    ) -> str:
        fields = [("PicUrl", pic_url), ("MediaId", media_id), ("MsgId", int(msg_id))]
        return _message_xml(to_user, from_user, create_time, "image", fields)

    def voice_message_xml(
        self, from_user, media_id, msg_id, voice_format="amr", recognition=None,
        to_user=DEFAULT_ACCOUNT, create_time=None,
    ) -> str:
        # Recognition is only present when speech recognition is enabled for the account.
        fields = [("MediaId", media_id), ("Format", voice_format), ("Recognition", recognition),
                  ("MsgId", int(msg_id))]
        return _message_xml(to_user, from_user, create_time, "voice", fields)

    def event_xml(
        self, from_user, event="subscribe", event_key=None, to_user=DEFAULT_ACCOUNT, create_time=None,
    ) -> str:
        fields = [("Event", event), ("EventKey", event_key)]
        return _message_xml(to_user, from_user, create_time, "event", fields)

    # -- POST: message delivery --------------------------------------------

    def post_params_and_body(
        self, xml: str | bytes, encrypted: bool, timestamp: str | None = None, nonce: str | None = None,
    ) -> tuple[dict, bytes]:
        """Query params and body of the POST that delivers `xml` to the webhook."""
        xml = xml.decode("utf-8") if isinstance(xml, bytes) else xml
        timestamp = timestamp or self.new_timestamp()
        nonce = nonce or self.new_nonce()
        params = {"signature": self.sign(timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
        openid = _field(xml, "FromUserName")
        if openid:
            params["openid"] = openid
        if not encrypted:
            return params, xml.encode("utf-8")

        # Safe mode: encrypt with wechatpy, then re-wrap the ciphertext in the
        # envelope WeChat really sends (ToUserName + Encrypt); the signature
        # over the ciphertext travels in the query string as msg_signature.
        envelope = xmltodict.parse(self._require_crypto().encrypt_message(xml, nonce, timestamp))["xml"]
        to_user = _field(xml, "ToUserName") or DEFAULT_ACCOUNT
        body = (f"<xml><ToUserName>{_cdata(to_user)}</ToUserName>"
                f"<Encrypt>{_cdata(envelope['Encrypt'])}</Encrypt></xml>")
        params.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
        return params, body.encode("utf-8")

    # -- reading passive replies -------------------------------------------

    def read_reply(self, body: str | bytes, encrypted: bool) -> dict:
        """Fields of a passive reply, e.g. {"MsgType": "text", "Content": ...}.

        An empty body or "success" (WeChat's "no reply") gives {}. In safe
        mode the msg_signature is checked; a bad one raises
        wechatpy.exceptions.InvalidSignatureException."""
        text = body.decode("utf-8") if isinstance(body, bytes) else (body or "")
        if text.strip() in ("", "success"):
            return {}
        if encrypted:
            envelope = xmltodict.parse(text)["xml"]
            text = self._require_crypto().decrypt_message(
                envelope, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
            )
        return dict(xmltodict.parse(text)["xml"])

    # -- hostile bodies ----------------------------------------------------

    @staticmethod
    def billion_laughs_xml(levels: int = 9, width: int = 10) -> str:
        """An entity-expansion bomb shaped like a text message (~width**levels
        copies of "lol" in Content if a parser expands it)."""
        decls = ['<!ENTITY lol0 "lol">']
        for i in range(1, levels + 1):
            decls.append(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * width}">')
        return (
            '<?xml version="1.0"?>\n<!DOCTYPE xml [\n  ' + "\n  ".join(decls) + "\n]>\n"
            f"<xml><ToUserName>{_cdata(DEFAULT_ACCOUNT)}</ToUserName><FromUserName>{_cdata('o_attacker')}"
            "</FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content>&lol{levels};</Content><MsgId>1</MsgId></xml>"
        )

    def oversized_body(self, n_bytes: int) -> bytes:
        """A well-formed text message body of exactly n_bytes (padded Content)."""
        def build(content: str) -> bytes:
            return self.text_message_xml("o_big", content, 1, create_time=1700000000).encode("utf-8")

        minimum = len(build(""))
        if n_bytes < minimum:
            raise ValueError(f"n_bytes must be at least {minimum}")
        return build("a" * (n_bytes - minimum))
