import pytest

from bwk_tui.services.kernel.text import fold


@pytest.mark.parametrize("typed, stored", [
    ("jose", "José"), ("zoe", "Zoë"), ("yilmaz", "Yılmaz"), ("malgorzata", "Małgorzata"),
    ("pawel", "Paweł"), ("soren", "Søren"), ("celik", "Çelik"), ("anais", "Anaïs"), ("strasse", "Straße"),
    ("el idrissi", "  El   Idrissi "),
])
def test_fold_makes_what_a_desk_types_match_what_is_stored(typed, stored):
    assert fold(stored) == typed


def test_a_typed_name_is_split_into_first_and_last_name_with_its_particles():
    from bwk_tui.services.kernel.text import split_name

    assert split_name("Akosua Mensah") == ("Akosua", "Mensah")
    assert split_name("  Jan   van der Berg ") == ("Jan", "van der Berg")
    assert split_name("Nana Yaw Boateng") == ("Nana Yaw", "Boateng")
    assert split_name("Ruth de Windt") == ("Ruth", "de Windt")
    assert split_name("Tanta") == ("Tanta", "")
    assert split_name("van Dijk") == ("van", "Dijk")  # a first word stays the first name
    assert split_name("") == ("", "")
