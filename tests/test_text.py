import pytest

from bwk_tui.services.kernel.text import fold


@pytest.mark.parametrize("typed, stored", [
    ("jose", "José"), ("zoe", "Zoë"), ("yilmaz", "Yılmaz"), ("malgorzata", "Małgorzata"),
    ("pawel", "Paweł"), ("soren", "Søren"), ("celik", "Çelik"), ("anais", "Anaïs"), ("strasse", "Straße"),
    ("el idrissi", "  El   Idrissi "),
])
def test_fold_makes_what_a_desk_types_match_what_is_stored(typed, stored):
    assert fold(stored) == typed
