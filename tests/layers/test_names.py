import unicodedata

from layers.names import normalise_name, search_form


def test_normalise_name_composes_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Phường Bến Thành")
    assert decomposed != "Phường Bến Thành"
    assert normalise_name(decomposed) == "Phường Bến Thành"


def test_normalise_name_collapses_double_spaces_from_the_national_list():
    assert normalise_name("  Phường  Rạch Dừa ") == "Phường Rạch Dừa"


def test_search_form_drops_diacritics_and_case():
    assert search_form("Phường Bến Thành") == "phuong ben thanh"


def test_search_form_folds_d_with_stroke():
    assert search_form("Đặc khu Côn Đảo") == "dac khu con dao"


def test_search_form_folds_eth_used_in_place_of_d_with_stroke():
    # Natural Earth spells Đồng Tháp with U+00D0 (ETH), which looks like U+0110.
    assert search_form("\u00d0ong Tháp") == search_form("Đồng Tháp") == "dong thap"
