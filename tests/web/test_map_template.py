"""The map page's HTML: Vietnamese first, English when the reader asks for it."""


def test_map_page_is_vietnamese_without_a_language_preference(vi_client):
    html = vi_client.get("/").content.decode()
    assert '<html lang="vi">' in html
    assert "<h1>Bản đồ chung</h1>" in html


def test_map_page_is_english_when_asked(client):
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Common Map</h1>" in html


def test_map_page_says_the_ward_shapes_are_synthetic_in_both_languages(client, vi_client):
    assert "được dựng giả lập" in vi_client.get("/").content.decode()
    assert "the ward shapes on this map are synthetic" in client.get("/").content.decode()
