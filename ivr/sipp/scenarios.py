"""SIPp scenarios as text (pure): register a phone, answer as an agent, call the hotline (the
INVITE, ACK and BYE of a call placed in are `Dialog`'s, which ivr.sipp.staff's phone shares).

Keys are sent as RFC 2833/4733 events from the pcaps sip-tester ships (PT 101), so the SDP
of every scenario offers telephone-event/8000 as payload 101 beside PCMU.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DTMF_PCAPS = Path("/usr/share/sip-tester")
_KEY_FILES = {**{str(d): f"dtmf_2833_{d}.pcap" for d in range(10)}, "*": "dtmf_2833_star.pcap",
              "#": "dtmf_2833_pound.pcap"}
DTMF_PCAP_MS = 140  # each pcap lasts 140 ms


def dtmf_pcap(key: str) -> Path:
    try:
        return DTMF_PCAPS / _KEY_FILES[key]
    except KeyError:
        raise ValueError(f"no RFC 2833 pcap for key {key!r}") from None


def restamp_dtmf(pcap: bytes, *, sequence: int, timestamp: int) -> bytes:
    """The same RFC 2833 event with its RTP sequence numbers starting at `sequence` and its
    timestamp set to `timestamp`.

    sip-tester's pcaps carry one fixed timestamp per key, and SIPp replays them unchanged:
    pressing 1 twice looks to Asterisk like one event sent twice, and the second press is
    dropped. Each press gets its own place in one RTP stream instead."""
    import struct

    out = bytearray(pcap[:24])
    offset, first_seq = 24, None
    while offset < len(pcap):
        included = struct.unpack_from("<I", pcap, offset + 8)[0]
        packet = bytearray(pcap[offset:offset + 16 + included])
        rtp = 16 + 14 + 20 + 8  # record header, Ethernet, IPv4, UDP
        seq = struct.unpack_from("!H", packet, rtp + 2)[0]
        first_seq = seq if first_seq is None else first_seq
        struct.pack_into("!HI", packet, rtp + 2, (sequence + seq - first_seq) & 0xFFFF, timestamp & 0xFFFFFFFF)
        struct.pack_into("!H", packet, 16 + 14 + 20 + 6, 0)  # UDP checksum: none (SIPp sends the payload)
        out += packet
        offset += 16 + included
    return bytes(out)


def press_files(key_groups: Sequence[str]) -> list[tuple[str, bytes]]:
    """(file name, pcap) for every key pressed, in order, restamped into one RTP stream."""
    files = []
    sequence, timestamp = 1000, 8000
    for n, key in enumerate(k for group in key_groups for k in group):
        files.append((f"press-{n:03d}-{'star' if key == '*' else 'pound' if key == '#' else key}.pcap",
                      restamp_dtmf(dtmf_pcap(key).read_bytes(), sequence=sequence, timestamp=timestamp)))
        sequence += 20
        timestamp += 8000  # a second of RTP time apart: always a new event
    return files


def _sdp(port_keyword: str) -> str:
    return f"""\
      v=0
      o=sipp 1 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [{port_keyword}] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=sendrecv"""


def register(*, contact_port: int, expires: int) -> str:
    """REGISTER [service] (the agent's extension) with its contact at `contact_port`, answering
    the digest challenge with -au/-ap. `expires` 0 unregisters."""
    def request(cseq: int, auth: str) -> str:
        return f"""\
  <send retrans="500">
    <![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[service]@[remote_ip]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]>
      Call-ID: [call_id]
      CSeq: {cseq} REGISTER
      Contact: <sip:[service]@[local_ip]:{contact_port}>
      Expires: {expires}
      Max-Forwards: 70
      User-Agent: SIPp 12333 agent{auth}
      Content-Length: 0

    ]]>
  </send>
"""
    return f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="register a phone">
{request(1, "")}
  <recv response="100" optional="true"/>
  <recv response="401" auth="true"/>
{request(2, chr(10) + "      [authentication]")}
  <recv response="100" optional="true"/>
  <recv response="200"/>
</scenario>
"""


def answer(*, tone: Path, talk_ms: int, ring_ms: int = 300) -> str:
    """Answer every INVITE, play `tone` (raw ulaw, looped) and hang up after `talk_ms` unless
    the other side hangs up first."""
    return f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="agent answers">
  <recv request="INVITE" crlf="true"/>
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="{ring_ms}"/>
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

{_sdp("rtpstream_audio_port")}
    ]]>
  </send>
  <recv request="ACK" crlf="true">
    <action>
      <exec rtp_stream="{tone},-1,0"/>
    </action>
  </recv>
  <recv request="BYE" timeout="{talk_ms}" ontimeout="hang_up"/>
{_OK}  <nop next="done"/>
  <label id="hang_up"/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      CSeq: [cseq] BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
  <label id="done"/>
</scenario>
"""


def call(*, key_groups: Sequence[str], press_dir: Path, gap_ms: int = 60) -> str:
    """Call [service] (12333) and press one group of keys (RFC 2833 events, `gap_ms` apart) each
    time a NOTIFY arrives in the call (AMI PJSIPNotify: the test presses when it hears the
    prompt, never on a timer); the NOTIFY after the last group hangs up."""
    groups = []
    names = iter(name for name, _ in press_files(key_groups))
    for group in key_groups:
        # no pause after a group's last key: the next NOTIFY may come as soon as it is heard
        pause = f'\n  <pause milliseconds="{gap_ms + DTMF_PCAP_MS}"/>\n'
        presses = pause.join(f'  <nop><action><exec play_pcap_audio="{press_dir / next(names)}"/></action></nop>'
                             for _ in group)
        groups.append(_NOTIFIED + presses)
    return scenario("call the hotline", CALLER.invite(1) + CALLER.answered(1) + "\n".join(groups) + "\n"
                    + CALLER.hang_up(2))


def scenario(name: str, body: str) -> str:
    """A whole SIPp scenario document around `body` (its <send>/<recv>/... lines)."""
    return f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="{name}">
{body}</scenario>
"""


@dataclass(frozen=True)
class Dialog:
    """The INVITE, ACK and BYE of a call we place to [service], shared by every scenario that
    calls in (a caller, a staff phone): who we are (`from_`, our tag included) and the user
    part of our Contact. Each method gives lines of the scenario, ending in a newline."""

    from_: str
    contact_user: str

    def invite(self, cseq: int, *, auth: bool = False, media: str = "media_port") -> str:
        """The INVITE with our SDP; `auth`: answering a digest challenge (-au/-ap); `media`:
        the keyword of the port our audio comes from (`rtpstream_audio_port` for rtp_stream)."""
        return f"""\
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: {self.from_};tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: {cseq} INVITE
      Contact: <sip:{self.contact_user}@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70{chr(10) + "      [authentication]" if auth else ""}
      Content-Type: application/sdp
      Content-Length: [len]

{_sdp(media)}
    ]]>
  </send>
"""

    def answered(self, cseq: int) -> str:
        """Wait for the 200 (provisional answers optional; its Record-Route kept) and ACK it."""
        return f"""\
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true" rrs="true"/>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: {self.from_};tag=[pid]SIPpTag[call_number]
      [last_To:]
      [routes]
      Call-ID: [call_id]
      CSeq: {cseq} ACK
      Contact: <sip:{self.contact_user}@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
"""

    def hang_up(self, cseq: int) -> str:
        """At the next NOTIFY (the test's signal), BYE, and wait for its 200."""
        return _NOTIFIED + self.bye(cseq)

    def bye(self, cseq: int) -> str:
        """BYE now, and wait for its 200."""
        return f"""\
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: {self.from_};tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: {cseq} BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
"""


CALLER = Dialog('"caller" <sip:13800138000@[local_ip]:[local_port]>', "13800138000")  # a carrier's caller

_OK = """\
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
"""  # the 200 to the request just received (a BYE, a NOTIFY)
_NOTIFIED = '  <recv request="NOTIFY"/>\n' + _OK


def tone_ulaw(seconds: float = 1.0, frequencies: tuple[float, ...] = (440.0,), level: float = 0.25) -> bytes:
    """A steady tone as raw G.711 mu-law at 8 kHz (what an answering demo agent plays)."""
    import math

    samples = int(8000 * seconds)
    out = bytearray()
    for n in range(samples):
        value = sum(math.sin(2 * math.pi * f * n / 8000) for f in frequencies) / len(frequencies)
        out.append(_ulaw(int(value * level * 32767)))
    return bytes(out)


def _ulaw(sample: int) -> int:
    """G.711 mu-law encoding of one 16-bit sample."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), clip) + bias
    exponent = max(0, magnitude.bit_length() - 8)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF
