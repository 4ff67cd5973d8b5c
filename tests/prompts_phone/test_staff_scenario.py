"""The staff phone's sounds (ivr.sipp.staff): speech as RTP packets and keys, one stream."""
from __future__ import annotations

import struct

from ivr.sipp.staff import Keys, Speech, play_files, rtp_pcap


def rtp_headers(pcap: bytes) -> list[tuple[int, int, int, int]]:
    """(marker|payload type, sequence, timestamp, payload length) of every packet."""
    out, offset = [], 24
    while offset < len(pcap):
        length = struct.unpack_from("<I", pcap, offset + 8)[0]
        rtp = offset + 16 + 14 + 20 + 8
        flags, seq, ts = struct.unpack_from("!xBHI", pcap, rtp)
        out.append((flags, seq, ts, length - 14 - 20 - 8 - 12))
        offset += 16 + length
    return out


def test_speech_becomes_20_ms_pcmu_packets_in_order():
    packets = rtp_headers(rtp_pcap(b"\x7f" * 400, ssrc=7, sequence=100, timestamp=800))
    assert [(f, s, t) for f, s, t, _n in packets] == [(0x80, 100, 800), (0, 101, 960), (0, 102, 1120)]
    assert [n for *_rest, n in packets] == [160, 160, 160]  # the last one padded with silence


def test_keys_and_speech_are_numbered_as_one_stream():
    groups = play_files([Keys("1#"), Speech(b"\x7f" * 320), Keys("2")])
    assert [[name for name, _pcap, _pause in g] for g in groups] == [
        ["play-001-key.pcap", "play-002-key.pcap"], ["play-003-speech.pcap", "play-004-key.pcap"], ["play-005-key.pcap"]]
    sequences = [rtp_headers(pcap)[0][1] for g in groups for _n, pcap, _p in g]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    speech_pause = groups[1][0][2]
    assert speech_pause >= 2 * 20  # the key after speech waits for it to play
