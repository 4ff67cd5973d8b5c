"""The real Vosk pipeline with a real (Korean) model on espeak-ng speech: loading, pydub
conversion, streaming through a listening window, phrase lists, keys, silence, timeouts."""
from __future__ import annotations

import asyncio
import threading

import pytest

from ivr.speech.audio import MODEL_RATE, pcm_from_file, resample_pcm
from ivr.speech.decision import decide
from ivr.speech.intent import Grammar, IntentRule
from ivr.speech.listen import Limits, listen
from hotline.settings import Settings
from ivr.speech.recognizer import RecognizerUnavailable, Recognizer, load_recognizer
from tests.speech.conftest import KOREAN_PHRASES
from ivr.speech.service import create_speech_service
from tests.speech.support import frames, silence, speech_test_config, telephone_pcm

KOREAN_GRAMMAR = Grammar((IntentRule("medical", ("의료보험",)), IntentRule("agent", ("상담원",))))


def test_no_model_configured_means_no_recogniser():
    assert load_recognizer(None) is None


def test_a_directory_that_is_no_model_is_refused_clearly(tmp_path):
    with pytest.raises(RecognizerUnavailable, match="not a Vosk model"):
        load_recognizer(tmp_path)


def test_the_model_path_comes_from_the_settings(korean_model_path):
    settings = Settings.from_env({"HOTLINE_VOSK_MODEL_PATH": str(korean_model_path)})
    loaded = load_recognizer(settings.vosk_model_path, workers=1)
    try:
        assert isinstance(loaded, Recognizer)
    finally:
        loaded.close()


def test_audio_is_converted_to_16k_mono_s16le(utterances):
    wav = utterances["의료보험"]
    from pydub import AudioSegment
    original = AudioSegment.from_file(wav)
    assert original.frame_rate != MODEL_RATE  # espeak-ng writes 22050 Hz: conversion is needed
    pcm = pcm_from_file(wav)
    assert abs(len(pcm) / (2 * MODEL_RATE) - original.duration_seconds) < 0.01
    assert abs(len(resample_pcm(silence(1.0), 8000)) - 2 * MODEL_RATE) <= 4  # ratecv may drop a sample


async def test_a_file_is_recognised_freely_and_with_a_phrase_list(recognizer, utterances):
    free = await recognizer.recognise_file(utterances["의료보험"], timeout=30)
    assert "의료보험" in free.text
    for word in ("의료보험", "상담원", "네"):
        heard = await recognizer.recognise_file(utterances[word], KOREAN_PHRASES, timeout=30)
        assert heard.text == word and heard.confidence > 0.5


@pytest.mark.parametrize("word, intent", [("의료보험", "medical"), ("상담원", "agent")])
async def test_telephone_audio_streams_through_a_listening_window_to_an_intent(recognizer, utterances, word, intent):
    heard = await listen(frames(telephone_pcm(utterances[word])), recognizer, KOREAN_PHRASES, Limits(listen_s=3))
    assert heard.kind == "speech" and word in heard.text.split()  # the model may add a stray 네 before 의
    decision = decide(heard, KOREAN_GRAMMAR, accept=0.75, confirm=0.45)
    assert (decision.outcome, decision.intent) == ("intent", intent)


async def test_silence_ends_the_window_as_silence(recognizer):
    heard = await listen(frames(silence(4.0)), recognizer, KOREAN_PHRASES, Limits(listen_s=2))
    assert heard.kind == "silence"


async def test_a_key_pressed_while_listening_wins(recognizer, utterances):
    heard = await listen(frames(telephone_pcm(utterances["상담원"]), key_at_s=0.6, key="3"), recognizer, KOREAN_PHRASES, Limits())
    assert (heard.kind, heard.key) == ("key", "3")


async def test_a_recogniser_that_cannot_keep_up_times_out_without_blocking_the_loop(recognizer, utterances):
    release = threading.Event()
    loop = asyncio.get_running_loop()
    busy = [loop.run_in_executor(recognizer.pool, release.wait) for _ in range(recognizer.pool._max_workers)]  # every worker taken
    try:
        ticks = 0

        async def tick():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        ticker = asyncio.create_task(tick())
        heard = await listen(frames(telephone_pcm(utterances["네"])), recognizer, KOREAN_PHRASES, Limits(decode_timeout_s=0.3))
        ticker.cancel()
        assert (heard.kind, heard.detail) == ("failure", "timeout")
        assert ticks > 10  # the loop kept running while the recogniser was stuck
    finally:
        release.set()
        await asyncio.gather(*busy)


def test_the_service_loads_a_model_only_when_the_config_enables_speech(korean_model_path, tmp_path):

    enabled = speech_test_config()
    disabled = enabled.model_copy(update={"speech": enabled.speech.model_copy(update={"enabled": False})})
    on = create_speech_service(lambda: enabled, model_path=korean_model_path)
    try:
        assert on.listening and on.switch_action() == {"Action": "Setvar", "Variable": "HOTLINE_SPEECH", "Value": "on"}
        assert on.switch_action(False)["Value"] == "off"
    finally:
        on.recognizer.close()
    assert not create_speech_service(lambda: disabled, model_path=korean_model_path).listening
    # not a model: logged, speech off, no crash
    assert not create_speech_service(lambda: enabled, model_path=tmp_path).listening
    assert not create_speech_service(lambda: enabled).listening
