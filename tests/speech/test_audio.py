"""Endpointing and the recogniser's phrase list: pure parts, no model needed."""
from __future__ import annotations

from ivr.speech.audio import Endpointer, StreamResampler, resample_pcm
from ivr.speech.recognizer import phrase_list, segment
from tests.speech.support import silence, tone

CHUNK_S = 0.02


def run(endpointer: Endpointer, pcm: bytes, rate: int = 8000):
    step = int(rate * CHUNK_S) * 2
    for at in range(0, len(pcm), step):
        if done := endpointer.feed(pcm[at : at + step], CHUNK_S):
            return done, round(endpointer.heard_s, 2)
    return None, round(endpointer.heard_s, 2)


def test_quiet_line_is_no_speech_once_the_window_is_over():
    assert run(Endpointer(listen_s=2.0), silence(5.0)) == ("no-speech", 2.0)


def test_speech_ends_after_the_trailing_quiet():
    endpointer = Endpointer(listen_s=2.0, trailing_s=0.6)
    done, at = run(endpointer, silence(0.5) + tone(1.0) + silence(2.0))
    assert (done, at) == ("end-of-speech", 2.1)
    assert round(endpointer.speech_started_at, 2) == 0.5 and round(endpointer.speech_ended_at, 2) == 1.5


def test_speech_that_starts_late_in_the_window_still_counts():
    assert run(Endpointer(listen_s=2.0), silence(1.9) + tone(0.5) + silence(1.0))[0] == "end-of-speech"


def test_a_caller_who_keeps_talking_is_cut_off():
    assert run(Endpointer(max_utterance_s=3.0), tone(10.0)) == ("too-long", 3.0)


def test_a_click_is_not_speech():
    assert run(Endpointer(listen_s=1.0), tone(0.02) + silence(2.0))[0] == "no-speech"


def test_stream_resampling_in_pieces_matches_one_piece():
    audio = tone(1.0, hz=300)
    whole = StreamResampler(8000).convert(audio)
    pieces = StreamResampler(8000)
    joined = b"".join(pieces.convert(audio[at : at + 320]) for at in range(0, len(audio), 320))
    assert joined == whole
    assert abs(len(resample_pcm(audio, 8000)) - len(whole)) <= 4


VOCABULARY = frozenset({"查", "养老", "保险", "余额", "社保卡", "社保", "卡", "丢", "了", "[unk]"})


def test_unspaced_chinese_is_cut_into_the_longest_known_words():
    assert segment("查养老保险余额", VOCABULARY) == ["查", "养老", "保险", "余额"]
    assert segment("社保卡丢了", VOCABULARY) == ["社保卡", "丢", "了"]
    assert segment("失业金", VOCABULARY) is None


def test_phrase_list_keeps_known_phrases_and_adds_unk_when_the_model_has_it():
    phrases = phrase_list(["查养老保险余额", "社保卡丢了", "失业金", "查养老保险余额"], VOCABULARY)
    assert phrases == ["查 养老 保险 余额", "社保卡 丢 了", "[unk]"]
    assert phrase_list(["상담원", "의료보험"], None) == ["상담원", "의료보험", "[unk]"]  # no vocabulary: as written
    assert phrase_list(["转人工", "社保 卡"], None)[:2] == ["转 人 工", "社 保 卡"]  # Han: a character a word
    assert "[unk]" not in phrase_list(["社保卡"], VOCABULARY - {"[unk]"})
