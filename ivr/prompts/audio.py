"""Audio I/O: espeak-ng synthesis, loading recordings, conditioning and writing telephone files."""
from __future__ import annotations

import os
import subprocess
import tempfile
import warnings
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

with warnings.catch_warnings():
    # audioop is deprecated in 3.11 but still the codec pydub itself is built on.
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

from pydub import AudioSegment
from pydub.effects import low_pass_filter
from pydub.silence import detect_leading_silence


class AudioError(RuntimeError):
    pass


@dataclass(frozen=True)
class AudioSettings:
    """Everything the conditioning depends on; part of every content hash."""

    frame_rate: int = 8000
    target_dbfs: float = -20.0  # RMS level every prompt is brought to
    peak_ceiling_dbfs: float = -1.0  # gain is capped so no prompt clips
    silence_depth_db: float = 40.0  # quieter than peak minus this counts as silence at the ends
    edge_pad_ms: int = 40  # kept at each end so the first consonant is not clipped
    lowpass_hz: int = 3400  # telephone band; also stops aliasing when resampling down
    # A lone syllable (digits/5, 元) trims to ~0.25 s; padding it to this keeps number words
    # audibly separate when SayNumber strings them together.
    min_duration_ms: int = 350
    speech_rate_wpm: int = 145  # espeak-ng default is 175: slower for elderly callers
    pipeline: int = 1  # bump when the code below changes what it produces

    def as_dict(self) -> dict:
        return asdict(self)


def espeak_version() -> str:
    out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def synthesise(text: str, voice: str, settings: AudioSettings) -> AudioSegment:
    with tempfile.TemporaryDirectory(prefix="espeak-") as tmp:
        text_file, wav_file = Path(tmp, "in.txt"), Path(tmp, "out.wav")
        text_file.write_text(text, encoding="utf-8")
        # -b 1: the input is UTF-8 whatever the locale; -f: text that starts with "-" is not an option.
        cmd = ["espeak-ng", "-b", "1", "-v", voice, "-s", str(settings.speech_rate_wpm),
               "-f", str(text_file), "-w", str(wav_file)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0 or not wav_file.exists():
            raise AudioError(f"espeak-ng failed for voice {voice}: {result.stderr.strip()}")
        return AudioSegment.from_wav(wav_file)


def load_recording(path: Path) -> AudioSegment:
    try:
        return AudioSegment.from_file(path)
    except Exception as exc:  # pydub raises bare exceptions from ffmpeg
        raise AudioError(f"cannot read recording {path}: {exc}") from exc


def trim_silence(segment: AudioSegment, settings: AudioSettings) -> AudioSegment:
    threshold = segment.max_dBFS - settings.silence_depth_db
    lead = detect_leading_silence(segment, silence_threshold=threshold, chunk_size=5)
    tail = detect_leading_silence(segment.reverse(), silence_threshold=threshold, chunk_size=5)
    start = max(0, lead - settings.edge_pad_ms)
    end = min(len(segment), len(segment) - tail + settings.edge_pad_ms)
    return segment[start:end]


def condition(segment: AudioSegment, settings: AudioSettings, trim: bool = True) -> AudioSegment:
    """Mono, trimmed, band-limited, 8 kHz 16-bit, at the common loudness."""
    segment = segment.set_channels(1).set_sample_width(2)
    if segment.rms == 0:
        raise AudioError("audio is silent")
    if trim:
        segment = trim_silence(segment, settings)
    if segment.frame_rate > settings.frame_rate:
        segment = low_pass_filter(segment, settings.lowpass_hz)
    segment = segment.set_frame_rate(settings.frame_rate)
    gain = min(settings.target_dbfs - segment.dBFS, settings.peak_ceiling_dbfs - segment.max_dBFS)
    segment = segment.apply_gain(gain)
    shortfall = settings.min_duration_ms - len(segment)
    if shortfall > 0:  # padded after levelling, so the silence does not raise the gain
        pad = AudioSegment.silent(duration=shortfall // 2 + 1, frame_rate=settings.frame_rate)
        segment = pad + segment + pad
    return segment


def write_telephone_files(segment: AudioSegment, base: Path) -> list[Path]:
    """Write base.wav (8 kHz mono s16) and base.ulaw (raw G.711 mu-law) atomically."""
    base.parent.mkdir(parents=True, exist_ok=True)
    wav_path, ulaw_path = base.with_name(base.name + ".wav"), base.with_name(base.name + ".ulaw")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ulaw = audioop.lin2ulaw(segment.raw_data, 2)
    _atomic_write(ulaw_path, ulaw)
    fd, tmp = tempfile.mkstemp(dir=base.parent, prefix=".tmp-")
    os.close(fd)
    with wave.open(tmp, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(segment.frame_rate)
        out.writeframes(segment.raw_data)
    os.replace(tmp, wav_path)
    return [wav_path, ulaw_path]


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)
