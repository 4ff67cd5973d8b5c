"""Which sound files Asterisk 22's SayNumber plays for Chinese (languages starting with "zh").

A line-by-line model of ast_say_number_full_zh in main/say.c, so the catalog can be checked to
contain every file and tests can predict the TestEvent PLAYBACK sequence. Zero goes through
ast_say_digits_full, which plays digits/0.
"""
from __future__ import annotations

_TOO_BIG = 1_000_000_000

# Every file the zh rules can ask for: digits 0-9, whole tens 10-90, the four magnitude words
# and the minus sign.
ZH_SAYNUMBER_FILES: frozenset[str] = frozenset(
    [f"digits/{d}" for d in range(10)]
    + [f"digits/{t}" for t in range(10, 100, 10)]
    + ["digits/hundred", "digits/thousand", "digits/wan", "digits/yi", "digits/minus"]
)


def zh_saynumber_files(num: int) -> list[str]:
    """The files SayNumber(num) plays on a zh* channel, in order; ValueError if Asterisk refuses."""
    if abs(num) >= _TOO_BIG:
        raise ValueError(f"SayNumber's Chinese rules stop below {_TOO_BIG:,}: {num}")
    if num == 0:
        return ["digits/0"]
    files: list[str] = []
    play_hundred = play_thousand = play_zero = False
    last_length = 0  # digits in the number before the last step; a drop of 2+ means a gap: say 0

    def gap_before(n: int) -> bool:
        return last_length != 0 and last_length - len(str(n)) > 1

    while num or play_hundred or play_thousand or play_zero:
        if num < 0:
            name, num = "digits/minus", -num
        elif play_zero:
            name, last_length, play_zero = "digits/0", 0, False
        elif play_hundred:
            name, play_hundred = "digits/hundred", False
        elif play_thousand:
            name, play_thousand = "digits/thousand", False
        elif num < 1000 and gap_before(num):
            last_length, play_zero = len(str(num)), True
            continue
        elif num < 10:
            name, num = f"digits/{num}", 0
        elif num < 100:
            last_length = len(str(num))
            name, num = f"digits/{num // 10 * 10}", num % 10
        elif num < 1000:
            name, play_hundred = f"digits/{num // 100}", True
            last_length, num = len(str(num)), num % 100
        elif num < 10_000:
            name, play_thousand = f"digits/{num // 1000}", True
            last_length, num = len(str(num)), num % 1000
        elif num < 100_000_000:
            files += zh_saynumber_files(num // 10_000)
            last_length, num, name = len(str(num)), num % 10_000, "digits/wan"
        else:
            files += zh_saynumber_files(num // 100_000_000)
            last_length, num, name = len(str(num)), num % 100_000_000, "digits/yi"
        files.append(name)
    return files
