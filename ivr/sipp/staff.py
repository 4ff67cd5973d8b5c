"""A staff member's phone calling in with SIPp (pure text and bytes): an agent's PJSIP endpoint
that authenticates its INVITE, then at each NOTIFY in the call (AMI PJSIPNotify: the test acts
when it hears a prompt) plays its next group of sounds into the call: RFC 2833 key presses, or
speech (raw mu-law made into RTP packets).

Everything the phone sends is one RTP stream: speech packets and key events are numbered and
timestamped in the order they are played, so Asterisk never sees one event twice.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from ivr.sipp.scenarios import _NOTIFIED, DTMF_PCAP_MS, Dialog, dtmf_pcap, restamp_dtmf, scenario

PACKET_SAMPLES = 160  # 20 ms of 8 kHz audio in one RTP packet
_PCAP_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)  # Ethernet link type


@dataclass(frozen=True)
class Keys:
    keys: str  # pressed 200 ms apart


@dataclass(frozen=True)
class Speech:
    ulaw: bytes  # raw G.711 mu-law, 8 kHz
    then: str = "#"  # keys pressed once it has played (# ends a Record())


Step = Keys | Speech


def rtp_pcap(ulaw: bytes, *, ssrc: int, sequence: int, timestamp: int) -> bytes:
    """`ulaw` as PCMU RTP packets (payload type 0) 20 ms apart, in a pcap SIPp can play."""
    out = bytearray(_PCAP_HEADER)
    for n, start in enumerate(range(0, len(ulaw), PACKET_SAMPLES)):
        payload = ulaw[start:start + PACKET_SAMPLES].ljust(PACKET_SAMPLES, b"\xff")  # 0xff: mu-law silence
        rtp = struct.pack("!BBHII", 0x80, (0x80 if n == 0 else 0) | 0, (sequence + n) & 0xFFFF,
                          (timestamp + n * PACKET_SAMPLES) & 0xFFFFFFFF, ssrc) + payload
        udp = struct.pack("!HHHH", 6000, 6000, 8 + len(rtp), 0) + rtp
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp
        frame = b"\0" * 12 + b"\x08\x00" + ip
        micros = n * 20_000
        out += struct.pack("<IIII", micros // 1_000_000, micros % 1_000_000, len(frame), len(frame)) + frame
    return bytes(out)


def play_files(steps: Sequence[Step]) -> list[list[tuple[str, bytes, int]]]:
    """Per step, the (file name, pcap, pause after it in ms) to play, numbered as one stream."""
    sequence, timestamp, ssrc = 1000, 8000, 0x12333
    groups: list[list[tuple[str, bytes, int]]] = []
    counter = 0

    def key(k: str) -> tuple[str, bytes, int]:
        nonlocal sequence, timestamp, counter
        pcap = restamp_dtmf(dtmf_pcap(k).read_bytes(), sequence=sequence, timestamp=timestamp)
        sequence, timestamp, counter = sequence + 20, timestamp + 8000, counter + 1
        return f"play-{counter:03d}-key.pcap", pcap, 200 + DTMF_PCAP_MS

    for step in steps:
        if isinstance(step, Keys):
            groups.append([key(k) for k in step.keys])
            continue
        pcap = rtp_pcap(step.ulaw, ssrc=ssrc, sequence=sequence, timestamp=timestamp)
        packets = -(-len(step.ulaw) // PACKET_SAMPLES)
        sequence, timestamp, counter = sequence + packets + 20, timestamp + packets * PACKET_SAMPLES + 8000, counter + 1
        groups.append([(f"play-{counter:03d}-speech.pcap", pcap, packets * 20 + 300),
                       *[key(k) for k in step.then]])
    return groups


def staff_call(groups: Sequence[Sequence[tuple[str, int]]], *, press_dir: str, user: str) -> str:
    """Call [service] as phone `user` (digest auth from -au/-ap), play each group of files at a
    NOTIFY (file name, pause after it in ms), and hang up at the NOTIFY after the last group."""
    blocks = []
    for group in groups:
        # no pause after a group's last sound: the next NOTIFY may come as soon as it is heard
        plays = "\n".join(f'  <nop><action><exec play_pcap_audio="{press_dir}/{name}"/></action></nop>'
                          + (f'\n  <pause milliseconds="{pause}"/>' if i < len(group) - 1 else "")
                          for i, (name, pause) in enumerate(group))
        blocks.append(_NOTIFIED + plays)
    phone = Dialog(f'"staff {user}" <sip:{user}@[remote_ip]>', user)
    challenged = """\
  <recv response="100" optional="true"/>
  <recv response="401" auth="true"/>
  <send>
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
"""
    return scenario("a staff phone calls in", phone.invite(1) + challenged + phone.invite(2, auth=True)
                    + phone.answered(2) + "\n".join(blocks) + "\n" + phone.hang_up(3))
