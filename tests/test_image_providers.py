"""Vision messages and the Images API, against the loopback upstream over real HTTP."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from arena.errors import ProviderError
from arena.providers import ChatMessage, build_provider
from arena.providers.base import ImageInput
from tests.fake_upstream import AUTH_KEY, FakeUpstream
from tests.support.providers import collect, run, spec


def _png(size: tuple[int, int] = (64, 48)) -> ImageInput:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(out, format="PNG")
    return ImageInput(out.getvalue(), "image/png")


def test_openai_vision_sends_an_image_url_part_with_a_data_url(
    fake_upstream: FakeUpstream,
) -> None:
    image = _png()
    message = ChatMessage("user", "what is this?", images=(image,))
    run(collect(build_provider(spec(fake_upstream, "echo-a")), [message]))
    sent = fake_upstream.last_request()["messages"][-1]["content"]
    assert sent[0] == {"type": "text", "text": "what is this?"}
    assert sent[1]["type"] == "image_url"
    url = sent[1]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == image.data


def test_anthropic_vision_sends_a_base64_image_block(
    fake_upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARENA_TEST_ANTHROPIC_KEY", "sk-ant-test")
    image = _png()
    message = ChatMessage("user", "describe it", images=(image,))
    provider = build_provider(
        spec(fake_upstream, "echo-a", "anthropic", api_key_env="ARENA_TEST_ANTHROPIC_KEY")
    )
    run(collect(provider, [message]))
    blocks = fake_upstream.last_request()["messages"][-1]["content"]
    assert blocks[0]["type"] == "image"
    assert blocks[0]["source"]["media_type"] == "image/png"
    assert base64.b64decode(blocks[0]["source"]["data"]) == image.data
    assert blocks[-1] == {"type": "text", "text": "describe it"}


def test_text_messages_stay_plain_strings(fake_upstream: FakeUpstream) -> None:
    run(collect(build_provider(spec(fake_upstream, "echo-a"))))
    assert fake_upstream.last_request()["messages"][-1]["content"] == "hello there"


@pytest.mark.parametrize("model", ["painter-a", "painter-url"])
def test_generation_yields_one_image_then_the_end(fake_upstream: FakeUpstream, model: str) -> None:
    provider = build_provider(spec(fake_upstream, model, "openai_images"))
    deltas = run(collect(provider, [ChatMessage("user", "a red fox")]))
    assert [d.image is not None for d in deltas] == [True, False]
    assert deltas[-1].finish_reason == "stop"
    assert deltas[0].image is not None
    # The URL answer is fetched server-side; its file is painted at another size.
    expected = (300, 200) if model.endswith("-url") else (640, 480)
    assert Image.open(io.BytesIO(deltas[0].image.data)).size == expected


def test_generation_request_asks_for_base64(fake_upstream: FakeUpstream) -> None:
    provider = build_provider(spec(fake_upstream, "painter-a", "openai_images"))
    run(collect(provider, [ChatMessage("user", "a red fox")]))
    sent = fake_upstream.last_request()
    assert sent["prompt"] == "a red fox"
    assert sent["model"] == "painter-a"
    assert sent["response_format"] == "b64_json"


def test_edit_sends_the_image_as_multipart(fake_upstream: FakeUpstream) -> None:
    source = _png((200, 100))
    provider = build_provider(spec(fake_upstream, "painter-b", "openai_images"))
    deltas = run(collect(provider, [ChatMessage("user", "make it blue", images=(source,))]))
    sent = fake_upstream.last_request()
    assert sent["prompt"] == "make it blue" and sent["image_bytes"] == len(source.data)
    assert sent[AUTH_KEY] is None
    assert deltas[0].image is not None
    assert Image.open(io.BytesIO(deltas[0].image.data)).size == (200, 100)


def test_images_endpoint_failure_is_a_generic_provider_error(fake_upstream: FakeUpstream) -> None:
    provider = build_provider(spec(fake_upstream, "fail-500", "openai_images"))
    with pytest.raises(ProviderError) as caught:
        run(collect(provider, [ChatMessage("user", "a red fox")]))
    assert "gpu-node" not in str(caught.value) and "secret" not in str(caught.value)
