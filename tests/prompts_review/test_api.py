"""The prompt review API: status and progress, uploads in each format, refusals, who may approve."""
from __future__ import annotations

from pydub import AudioSegment

from tests.prompts_review.conftest import Review, speech


async def upload(review: Review, path, prompt="welcome", who="recorder", language="za"):
    return await review.http.post("/prompts/upload", params={"language": language, "prompt": prompt,
                                                              "filename": path.name},
                                  content=path.read_bytes(), headers=review.as_(who))


async def test_progress_and_status_per_language(review: Review) -> None:
    progress = (await review.http.get("/prompts/progress", headers=review.as_("recorder"))).json()
    za = next(p for p in progress if p["language"] == "za")
    assert za["summary"] == f"Zhuang: 0 of {za['total']} recorded" and za["total"] == review.caller_prompts
    assert za["own_language"] == 0 and "welcome" in za["falling_back"]
    zh_yue = next(p for p in progress if p["language"] == "zh_yue")
    assert (zh_yue["own_language"], zh_yue["falling_back"]) == (review.caller_prompts, [])
    page = (await review.http.get("/prompts/languages/za", headers=review.as_("ops"))).json()
    welcome = page["prompts"][0]
    assert (welcome["number"], welcome["prompt_id"], welcome["status"], welcome["text"]) == (1, "welcome", "fallback to zh", None)
    assert welcome["reference"].startswith("您好")
    assert not any(p["prompt_id"].startswith("recorder_") for p in page["prompts"])  # staff prompts: Mandarin only
    audio = await review.http.get(welcome["audio_url"], headers=review.as_("recorder"))
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"


async def test_uploads_in_every_format_are_converted_and_bad_ones_refused_in_one_line(review: Review) -> None:
    for fmt, suffix in (("wav", ".wav"), ("mp3", ".mp3"), ("ipod", ".m4a")):
        made = await upload(review, speech("Mwngz ndei", review.files / f"take{suffix}", fmt))
        assert made.status_code == 201, made.text
        take = made.json()
        assert (take["source"], take["recorded_by"], take["status"]) == ("upload", "recorder 蓝", "awaiting")
        played = await review.http.get(take["audio_url"], headers=review.as_("ops"))
        assert played.status_code == 200 and played.content[:4] == b"RIFF"
    silent = review.files / "silent.wav"
    AudioSegment.silent(2000, frame_rate=8000).export(silent, format="wav")
    refused = await upload(review, silent)
    assert refused.status_code == 422 and refused.json()["code"] == "take_refused" and refused.json()["reason"] == "silent"
    junk = review.files / "notes.m4a"
    junk.write_bytes(b"not audio at all" * 50)
    bad = await upload(review, junk)
    assert bad.status_code == 422 and bad.json()["detail"] == "notes.m4a: not an audio file ffmpeg can read"
    text = review.files / "take.txt"
    text.write_text("hello")
    assert (await upload(review, text)).status_code == 415
    assert (await upload(review, silent, prompt="../../etc/passwd")).status_code == 404
    assert (await upload(review, silent, language="xx")).status_code == 404
    assert len(review.library.takes.all()) == 3


async def test_only_ops_approve_and_approval_goes_live(review: Review) -> None:
    take = (await upload(review, speech("maenz", review.files / "yuan.mp3", "mp3"), prompt="yuan")).json()
    approve = f"/prompts/takes/{take['id']}/approve"
    assert (await review.http.post(approve, headers=review.as_("recorder"))).status_code == 403
    assert (await review.http.get("/prompts/progress", headers=review.as_("viewer"))).status_code == 403
    approved = await review.http.post(approve, headers=review.as_("ops"))
    assert approved.status_code == 200, approved.text
    assert approved.json()["rebuilt"] == ["za/yuan"] and approved.json()["take"]["reviewed_by"] == "ops 蓝"
    again = await review.http.post(approve, headers=review.as_("ops"))
    assert again.status_code == 409
    page = (await review.http.get("/prompts/languages/za", headers=review.as_("ops"))).json()
    assert page["progress"]["summary"] == f"Zhuang: 1 of {review.caller_prompts} recorded"
    assert next(p for p in page["prompts"] if p["prompt_id"] == "yuan")["status"] == "recorded"
    assert (await review.http.post("/prompts/takes/nope/approve", headers=review.as_("ops"))).status_code == 404


async def test_uploads_have_their_own_body_limit_and_the_operations_are_documented(review: Review) -> None:
    from hotline.http.contract import MAX_BODY_BYTES, MAX_UPLOAD_BYTES

    big = await review.http.post("/prompts/upload", params={"language": "za", "prompt": "welcome",
                                                            "filename": "x.wav"},
                                 content=b"\0" * (MAX_UPLOAD_BYTES + 1), headers=review.as_("ops"))
    assert big.status_code == 413 and big.json()["code"] == "request_too_large"
    other = await review.http.post("/prompts/takes/20261203T000000-abcdef/approve", content=b"\0" * (MAX_BODY_BYTES + 1),
                                   headers=review.as_("ops"))
    assert other.status_code == 413  # only the upload takes a file
    schema = (await review.http.get("/openapi.json")).json()
    operations = {op["operationId"]: op for path in schema["paths"].values() for op in path.values()}
    assert {"upload_prompt_take", "approve_prompt_take", "prompts_progress", "prompts_of_language"} <= set(operations)
    assert {"401", "403", "413", "415", "422"} <= set(operations["upload_prompt_take"]["responses"])
