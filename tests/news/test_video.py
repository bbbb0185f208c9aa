"""VideoBlock: provider URLs → privacy-friendly iframe addresses (pure), validation."""

import pytest
from django.core.exceptions import ValidationError

from home.blocks import VideoBlock, format_duration, iso_duration, video_embed_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        (
            "https://youtu.be/aqz-KE-bpKQ?t=42",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?start=42",
        ),
        (
            "https://m.youtube.com/watch?feature=share&v=aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        (
            "https://www.youtube.com/embed/aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        (
            "https://youtube.com/shorts/aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        (
            "https://player.vimeo.com/video/76979871",
            "https://player.vimeo.com/video/76979871?dnt=1",
        ),
        (
            "https://www.dailymotion.com/video/x8abcde",
            "https://geo.dailymotion.com/player.html?video=x8abcde",
        ),
        ("https://dai.ly/x8abcde", "https://geo.dailymotion.com/player.html?video=x8abcde"),
        (
            "https://tube.example.org/w/4sXm2kQpZr8aNb1cD3eF5g",
            "https://tube.example.org/videos/embed/4sXm2kQpZr8aNb1cD3eF5g?warningTitle=0&p2p=0",
        ),
        (
            "https://peertube.example.fr/videos/watch/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            "https://peertube.example.fr/videos/embed/"
            "9c9de5e8-0a1e-484a-b099-e80766180a6d?warningTitle=0&p2p=0",
        ),
        # http is upgraded to https
        ("http://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
    ],
)
def test_known_providers_become_privacy_friendly_embeds(url, expected):
    assert video_embed_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        "not a url",
        "javascript:alert(1)",
        "ftp://youtube.com/watch?v=aqz-KE-bpKQ",
        "https://www.youtube.com/watch?v=short",
        'https://www.youtube.com/watch?v=aqz-KE-bpKQ"><script>',
        "https://www.youtube.com/channel/abc",
        "https://vimeo.com/about",
        "https://example.com/video.mp4",
        "https://localhost/w/4sXm2kQpZr8aNb1cD3eF5g",
    ],
)
def test_unknown_or_hostile_urls_give_none(url):
    assert video_embed_url(url) is None


@pytest.mark.parametrize(
    ("minutes", "text", "iso"),
    [
        (45, "45 min", "PT45M"),
        (60, "1 h", "PT1H"),
        (65, "1 h 05", "PT1H5M"),
        (130, "2 h 10", "PT2H10M"),
    ],
)
def test_duration_formatting(minutes, text, iso):
    assert format_duration(minutes) == text
    assert iso_duration(minutes) == iso


def test_video_block_needs_exactly_one_source_and_a_known_provider():
    block = VideoBlock()
    base = {"title": "Formation", "duration": 60, "description": ""}
    with pytest.raises(ValidationError):
        block.clean(block.to_python({**base, "document": None, "url": ""}))
    with pytest.raises(ValidationError):
        block.clean(block.to_python({**base, "document": None, "url": "https://example.com/x"}))
    value = block.clean(
        block.to_python({**base, "document": None, "url": "https://vimeo.com/76979871"})
    )
    assert value.embed_url == "https://player.vimeo.com/video/76979871?dnt=1"
    assert value.duration_display == "1 h"


def test_video_block_duration_is_required():
    block = VideoBlock()
    with pytest.raises(ValidationError):
        block.clean(
            block.to_python(
                {
                    "title": "T",
                    "document": None,
                    "url": "https://vimeo.com/76979871",
                    "duration": None,
                }
            )
        )


def test_video_block_renders_an_iframe_without_network():
    block = VideoBlock()
    value = block.to_python(
        {
            "title": "Formation des bailleurs",
            "document": None,
            "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "duration": 65,
            "description": "",
        }
    )
    html = block.render(value)
    assert '<iframe src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"' in html
    assert 'title="Formation des bailleurs"' in html
    assert "Durée : 1 h 05" in html
