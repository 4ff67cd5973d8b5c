from hotline.db.credentials import SCRYPT_N, hash_pin, id_digest, pin_matches

KEY_A, KEY_B = b"a" * 32, b"b" * 32


def test_id_digest_is_keyed_and_stable():
    number = "450102199003071238"
    assert id_digest(KEY_A, number) == id_digest(KEY_A, number)
    assert id_digest(KEY_A, number) != id_digest(KEY_B, number)
    assert number not in id_digest(KEY_A, number)


def test_pin_hash_at_production_cost_checks_and_is_salted():
    stored = hash_pin("135790")
    assert stored.startswith(f"scrypt${SCRYPT_N}$") and "135790" not in stored
    assert pin_matches("135790", stored)
    assert not pin_matches("135791", stored)
    assert hash_pin("135790") != stored  # fresh salt each time


def test_a_stored_hash_keeps_its_own_cost():
    cheap = hash_pin("246813", n=2**10)
    assert pin_matches("246813", cheap) and not pin_matches("246812", cheap)
