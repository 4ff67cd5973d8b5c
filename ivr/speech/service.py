"""Speech navigation in the running service: the FastAGI `speech` script and its AudioSocket.

Choice: AudioSocket streaming, started from the FastAGI script of the same call
(`EXEC AudioSocket <uuid>,<host:port>`). The audio reaches the service over TCP while the
caller speaks, so recognition runs during the utterance and the decision comes ~0.6 s (the
trailing silence that ends it) plus the last decode after the caller stops (bench.speech, 2 s
utterance, 2 cores: 0.61 s alone; 0.69 s p50, 0.86 s p99 with 20 calls at once); keys pressed
while listening arrive as DTMF frames and win at once. Nothing is written to disk, so
Asterisk and the service need no shared filesystem (a chrooted or remote Asterisk works).
The alternative, a bounded Record() to a file and FastAGI recognition of it, waits for
Record's silence detection (whole seconds), then recognises the whole file after the
utterance, needs the file on a shared filesystem, and cannot tell which key stopped it.

The script answers with channel variables (see ivr.speech.dialplan): RESULT intent, key,
silence, keypad (no match, ambiguous, declined, failure) or off (no recogniser, or the menu
does not listen). Transcripts are caller data: never logged, never in events.

Integration: `speech = create_speech_service(config_provider, host=..., port=...)`, `await
speech.start()`, add `speech.routes()` to the FastAGI server, and send AMI
`speech.switch_action()` (global HOTLINE_SPEECH=on when a model is loaded) once started and
after every AMI reconnect; `speech.switch_action(False)` and `await speech.close()` on shutdown.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from ivr.agi import AgiSession
from ivr.agi.session import AgiError
from ivr.menu.models import HotlineConfig
from ivr.menu.speech import SpeechConfig, VoskSettings
from ivr.speech import dialplan as vars_
from ivr.speech.audiosocket import AudioSocketServer
from ivr.speech.decision import Decision, Heard, decide, grammar_from_config
from ivr.speech.intent import grammar_phrases
from ivr.speech.listen import Limits, listen
from ivr.speech.recognizer import Recognizer, RecognizerUnavailable, load_recognizer

log = logging.getLogger("ivr.speech")
CONFIRM_WAIT_MS = 4000


def create_speech_service(config: Callable[[], HotlineConfig], *, host: str = "127.0.0.1", port: int = 0,
                          advertise: str | None = None, model_path: Path | None = None) -> SpeechService:
    """Speech for the running service. The recogniser is loaded only when the config enables
    speech and a model is configured (`model_path`, a deployment's HOTLINE_VOSK_MODEL_PATH,
    overrides speech.vosk.model_path); a model that cannot be loaded is logged and speech stays
    off (the hotline must start either way). Enabling speech later needs a restart."""
    speech = config().speech
    recognizer = None
    if speech is not None and speech.enabled:
        vosk: VoskSettings = speech.vosk
        try:
            recognizer = load_recognizer(model_path or vosk.model_path, workers=vosk.workers)
        except RecognizerUnavailable as error:
            log.error("speech off: %s", error)
    return SpeechService(config, recognizer, host=host, port=port, advertise=advertise)


class SpeechService:
    def __init__(self, config: Callable[[], HotlineConfig], recognizer: Recognizer | None, *,
                 host: str = "127.0.0.1", port: int = 0, advertise: str | None = None) -> None:
        self.config = config  # the live config (reloads change the grammar for new turns)
        self.recognizer = recognizer
        self.audiosocket = AudioSocketServer(host, port)
        self._advertise = advertise  # host:port Asterisk connects to, if not host:port above

    @property
    def address(self) -> str:
        return self._advertise or f"{self.audiosocket.host}:{self.audiosocket.port}"

    @property
    def listening(self) -> bool:
        return self.recognizer is not None

    async def start(self) -> None:
        if self.listening:
            await self.audiosocket.start()

    async def close(self) -> None:
        await self.audiosocket.close()

    def routes(self) -> dict:
        return {vars_.AGI_SCRIPT: self.handle}

    def switch_action(self, on: bool = True) -> dict[str, str]:
        """AMI action setting the dialplan global that lets menus call the speech step."""
        return {"Action": "Setvar", "Variable": vars_.SWITCH, "Value": "on" if on and self.listening else "off"}

    async def handle(self, session: AgiSession) -> None:
        menu_id = session.args[0] if session.args else ""
        speech = self.config().speech
        if self.recognizer is None or speech is None or not speech.listens_in(menu_id):
            await self._answer(session, Decision("keypad", reason="off"), result="off")
            return
        heard = await self._listen(session, speech)
        grammar = grammar_from_config(speech)
        decision = decide(heard, grammar, speech.accept, speech.confirm)
        if decision.outcome == "confirm":
            decision = await self._confirm(session, speech, decision)
        log.info("speech: menu %s -> %s (%s) intent=%s confidence=%.2f", menu_id, decision.outcome, decision.reason, decision.intent, decision.confidence)
        await self._answer(session, decision)

    async def _listen(self, session: AgiSession, speech: SpeechConfig) -> Heard:
        limits = Limits(listen_s=speech.listen_s, max_utterance_s=speech.max_utterance_s,
                        decode_timeout_s=speech.decode_timeout_s)
        phrases = grammar_phrases(grammar_from_config(speech)) if speech.vosk.phrase_list else None
        call = uuid.uuid4()
        done = self.audiosocket.expect(call, lambda frames: listen(frames, self.recognizer, phrases, limits))
        bound = limits.listen_s + limits.max_utterance_s + limits.decode_timeout_s + 3
        try:
            await session.command("EXEC", "AudioSocket", f"{call},{self.address}", timeout=bound)
        except AgiError as error:
            self.audiosocket.forget(call)
            if session.hung_up:
                raise
            log.warning("speech: AudioSocket did not run: %s", error)
            return Heard("failure", detail="audiosocket")
        if not done.done():  # Asterisk never connected (module missing, address wrong)
            self.audiosocket.forget(call)
            return Heard("failure", detail="no-connection")
        if done.cancelled() or done.exception() is not None:
            return Heard("failure", detail="listener")
        return done.result()

    async def _confirm(self, session: AgiSession, speech: SpeechConfig, decision: Decision) -> Decision:
        intent = speech.intents[decision.intent]
        prompt = intent.confirm_prompt or speech.confirm_prompt
        reply = await session.command("GET DATA", prompt, str(CONFIRM_WAIT_MS), "1", timeout=CONFIRM_WAIT_MS / 1000 + 30)
        if reply.result == speech.confirm_key:  # GET DATA answers with the digits pressed
            return Decision("intent", decision.intent, confidence=decision.confidence, reason="confirmed")
        return Decision("keypad", decision.intent, confidence=decision.confidence, reason="declined")

    async def _answer(self, session: AgiSession, decision: Decision, result: str | None = None) -> None:
        await session.set_variable(vars_.RESULT, result or decision.outcome)
        await session.set_variable(vars_.REASON, decision.reason)
        await session.set_variable(vars_.INTENT, decision.intent if decision.outcome == "intent" else "")
        await session.set_variable(vars_.KEY, decision.key)
