"""Self-consistency of the fake WeChat platform, checked with wechatpy's
receiving-side functions (what a real webhook handler would call)."""

import base64

import defusedxml.ElementTree as DET
import pytest
from defusedxml import EntitiesForbidden
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.events import SubscribeEvent
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import ImageMessage, TextMessage, VoiceMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from tests.fakes.wechat_platform import WeChatPlatform

TOKEN = "test-token"


@pytest.fixture
def aes_key():
    return WeChatPlatform.random_aes_key()


@pytest.fixture
def platform(aes_key):
    return WeChatPlatform(TOKEN, aes_key, "wxappid0001")


def test_random_aes_key_shape(aes_key):
    assert len(aes_key) == 43 and "=" not in aes_key
    assert len(base64.b64decode(aes_key + "=")) == 32
    WeChatCrypto(TOKEN, aes_key, "wxappid0001")  # wechatpy accepts it
    assert WeChatPlatform.random_aes_key() != aes_key


def test_verify_params_signature_checks(platform):
    params = platform.verify_params("echo-123")
    assert set(params) == {"signature", "timestamp", "nonce", "echostr"}
    assert params["echostr"] == "echo-123"
    check_signature(TOKEN, params["signature"], params["timestamp"], params["nonce"])


def test_bad_signature_fails(platform):
    params = platform.verify_params("x")
    with pytest.raises(InvalidSignatureException):
        check_signature(TOKEN, "0" * 40, params["timestamp"], params["nonce"])
    with pytest.raises(InvalidSignatureException):
        check_signature("other-token", params["signature"], params["timestamp"], params["nonce"])
    with pytest.raises(InvalidSignatureException):
        check_signature(TOKEN, params["signature"], str(int(params["timestamp"]) + 1), params["nonce"])


def test_plain_text_message(platform):
    xml = platform.text_message_xml("o_user1", "你好 <&> ]]> end", 42, create_time=1700000000)
    params, body = platform.post_params_and_body(xml, encrypted=False)
    assert "encrypt_type" not in params and params["openid"] == "o_user1"
    check_signature(TOKEN, params["signature"], params["timestamp"], params["nonce"])
    msg = parse_message(body)
    assert isinstance(msg, TextMessage)
    assert (msg.content, msg.source, msg.target, msg.id, msg.time) == (
        "你好 <&> ]]> end", "o_user1", "gh_test", 42, 1700000000)


def test_encrypted_text_message_roundtrip(platform, aes_key):
    xml = platform.text_message_xml("o_user2", "办事指南？", 7)
    params, body = platform.post_params_and_body(xml, encrypted=True)
    assert params["encrypt_type"] == "aes"
    # The envelope carries only ToUserName and Encrypt, as WeChat sends it.
    root = DET.fromstring(body)
    assert [child.tag for child in root] == ["ToUserName", "Encrypt"]
    assert root.findtext("ToUserName") == "gh_test"
    assert "办事指南" not in body.decode()

    check_signature(TOKEN, params["signature"], params["timestamp"], params["nonce"])
    server = WeChatCrypto(TOKEN, aes_key, "wxappid0001")
    plain = server.decrypt_message(body, params["msg_signature"], params["timestamp"], params["nonce"])
    assert plain == xml
    msg = parse_message(plain)
    assert isinstance(msg, TextMessage) and msg.content == "办事指南？" and msg.source == "o_user2"


def test_encrypted_message_rejected_with_wrong_secrets(platform, aes_key):
    params, body = platform.post_params_and_body(platform.text_message_xml("o", "hi", 1), encrypted=True)
    args = (params["timestamp"], params["nonce"])
    msg_sig = params["msg_signature"]
    with pytest.raises(InvalidSignatureException):
        WeChatCrypto("other-token", aes_key, "wxappid0001").decrypt_message(body, msg_sig, *args)
    with pytest.raises(InvalidSignatureException):
        WeChatCrypto(TOKEN, aes_key, "wxappid0001").decrypt_message(body, params["signature"], *args)
    with pytest.raises(InvalidAppIdException):
        WeChatCrypto(TOKEN, aes_key, "wxother").decrypt_message(body, msg_sig, *args)


def test_image_voice_event_parse(platform):
    img = parse_message(platform.image_message_xml("o_u", "MEDIA1", 11))
    assert isinstance(img, ImageMessage) and img.media_id == "MEDIA1" and img.id == 11
    voice = parse_message(platform.voice_message_xml("o_u", "MEDIA2", 12, recognition="社保怎么交"))
    assert isinstance(voice, VoiceMessage) and voice.format == "amr" and voice.recognition == "社保怎么交"
    event = parse_message(platform.event_xml("o_u"))
    assert isinstance(event, SubscribeEvent) and event.event == "subscribe" and event.source == "o_u"


@pytest.mark.parametrize("encrypted", [False, True])
def test_read_reply(platform, aes_key, encrypted):
    reply = TextReply(source="gh_test", target="o_user3", content="请参阅第 3 号公报").render()
    if encrypted:
        reply = WeChatCrypto(TOKEN, aes_key, "wxappid0001").encrypt_message(reply, "12345", "1700000000")
    fields = platform.read_reply(reply.encode("utf-8"), encrypted=encrypted)
    assert fields["MsgType"] == "text"
    assert fields["Content"] == "请参阅第 3 号公报"
    assert (fields["ToUserName"], fields["FromUserName"]) == ("o_user3", "gh_test")


def test_read_reply_empty_and_success(platform):
    for body in (b"", b"success", "success"):
        assert platform.read_reply(body, encrypted=False) == {}
        assert platform.read_reply(body, encrypted=True) == {}


def test_read_reply_rejects_bad_msg_signature(platform, aes_key):
    other = WeChatCrypto("other-token", aes_key, "wxappid0001")
    reply = other.encrypt_message(TextReply(source="a", target="b", content="x").render(), "1", "1700000000")
    with pytest.raises(InvalidSignatureException):
        platform.read_reply(reply, encrypted=True)


def test_billion_laughs_is_refused_by_parsers(platform):
    bomb = WeChatPlatform.billion_laughs_xml()
    assert "<!ENTITY" in bomb and len(bomb) < 2000
    with pytest.raises(EntitiesForbidden):
        DET.fromstring(bomb)
    # wechatpy's xmltodict (disable_entities=True by default) refuses entity declarations too.
    with pytest.raises(ValueError):
        parse_message(bomb)
    # The bomb can also be delivered inside a safe-mode envelope.
    params, body = platform.post_params_and_body(bomb, encrypted=True)
    crypto = platform.crypto
    inner = crypto.decrypt_message(body, params["msg_signature"], params["timestamp"], params["nonce"])
    assert inner == bomb


def test_oversized_body(platform):
    body = platform.oversized_body(100_000)
    assert len(body) == 100_000
    msg = parse_message(body)
    assert isinstance(msg, TextMessage) and len(msg.content) > 99_000
    with pytest.raises(ValueError):
        platform.oversized_body(10)


def test_plain_mode_platform_without_key():
    plain = WeChatPlatform(TOKEN)
    params, body = plain.post_params_and_body(plain.event_xml("o_u"), encrypted=False)
    check_signature(TOKEN, params["signature"], params["timestamp"], params["nonce"])
    with pytest.raises(ValueError):
        plain.post_params_and_body(plain.event_xml("o_u"), encrypted=True)
