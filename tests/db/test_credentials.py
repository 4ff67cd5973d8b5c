import hmac

import pytest

from hotline.db.credentials import (
    LEGACY_SCRYPT_N,
    hash_pin,
    id_digest,
    is_slow,
    legacy_scrypt_hash,
    pin_matches,
)

KEY_A, KEY_B = b"a" * 32, b"b" * 32


def test_id_digest_is_keyed_and_stable():
    number = "450102199003071238"
    assert id_digest(KEY_A, number) == id_digest(KEY_A, number)
    assert id_digest(KEY_A, number) != id_digest(KEY_B, number)
    assert number not in id_digest(KEY_A, number)


def test_a_pin_is_stored_keyed_and_salted_per_person():
    stored = hash_pin(KEY_A, "135790")
    assert stored.startswith("hmac-sha256$") and "135790" not in stored and not is_slow(stored)
    assert pin_matches(KEY_A, "135790", stored)
    assert not pin_matches(KEY_A, "135791", stored)
    # Two people with the same PIN do not share a hash, so a table shows nobody's PIN twice.
    assert hash_pin(KEY_A, "135790") != stored


def test_the_table_alone_does_not_check_a_pin():
    # An attacker with a database dump but not the key tries every PIN: none matches.
    stored = hash_pin(KEY_A, "135790")
    assert not any(pin_matches(KEY_B, f"{n:06d}", stored) for n in range(135_780, 135_800))


def test_the_comparison_is_constant_time(monkeypatch):
    compared = []

    def spy(a, b):
        compared.append((a, b))
        return a == b

    monkeypatch.setattr(hmac, "compare_digest", spy)
    pin_matches(KEY_A, "135790", hash_pin(KEY_A, "135790"))
    pin_matches(KEY_A, "000000", legacy_scrypt_hash("135790", n=2**4))
    assert len(compared) == 2


def test_legacy_scrypt_hashes_still_check_and_are_marked_slow():
    production = legacy_scrypt_hash("135790")
    assert production.startswith(f"scrypt${LEGACY_SCRYPT_N}$") and is_slow(production)
    assert pin_matches(KEY_A, "135790", production) and not pin_matches(KEY_A, "135791", production)
    cheap = legacy_scrypt_hash("246813", n=2**10)  # each stored hash keeps its own cost
    assert pin_matches(KEY_B, "246813", cheap) and not pin_matches(KEY_B, "246812", cheap)


def test_an_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown PIN hash scheme"):
        pin_matches(KEY_A, "135790", "md5$abc")
