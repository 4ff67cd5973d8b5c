"""Music on hold for the queue: Debian's opsound files conditioned like the prompts."""
from __future__ import annotations

import json
from pathlib import Path

from pydub import AudioSegment

from .audio import AudioSettings, condition, write_telephone_files
from .build import file_sha256

MOH_CLASS = "hotline12333"


def default_moh_source(asterisk_root: Path) -> Path:
    """Where Debian's asterisk-moh-opsound-wav puts its files inside the Asterisk root."""
    return asterisk_root / "usr" / "share" / "asterisk" / "moh"


def render_moh_class(
    class_name: str = MOH_CLASS, directory: Path | str | None = None, sort: str = "random"
) -> str:
    """The musiconhold.conf section for a files-mode class playing every file in `directory`.

    The default directory, moh/<class>, is relative, which Asterisk resolves against astdatadir:
    it holds in every instance whose data dir has our out_dir/moh copied to data/moh.
    Asterisk de-duplicates name.wav and name.ulaw in files mode and plays the cheaper format.
    """
    directory = directory if directory is not None else f"moh/{class_name}"
    return f"[{class_name}]\nmode=files\ndirectory={directory}\nsort={sort}\n"


def render_built_moh_conf(class_name: str = MOH_CLASS) -> str:
    """A whole musiconhold.conf for an instance whose data/moh is our out_dir/moh.

    [default] plays the same music as our class: a queue or channel that names no class
    (Asterisk then asks for "default") still holds with the built music, never with silence
    (data/moh itself holds only the class subdirectory, so `directory=moh` would find nothing).
    """
    return render_moh_class("default", f"moh/{class_name}") + "\n" + render_moh_class(class_name)


def build_moh(
    source_dir: Path,
    out_dir: Path = Path("prompts/build"),
    class_name: str = MOH_CLASS,
    settings: AudioSettings = AudioSettings(),
) -> Path:
    """Convert every .wav in source_dir into out_dir/moh/<class_name>/; returns that directory.

    Incremental: a file whose source bytes and settings are unchanged is not converted again.
    """
    source_dir = Path(source_dir)
    sources = sorted(source_dir.glob("*.wav"))
    if not sources:
        raise FileNotFoundError(f"no .wav music on hold in {source_dir}")
    class_dir = Path(out_dir, "moh", class_name)
    class_dir.mkdir(parents=True, exist_ok=True)
    # Outside out_dir/moh: Asterisk's files mode plays every dotted regular file it finds there
    # (the default class scans moh/ itself when out_dir/moh becomes the instance's data/moh).
    manifest_path = Path(out_dir, f"moh-{class_name}.manifest.json")
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    wanted = {}
    for source in sources:
        key = json.dumps([file_sha256(source), settings.as_dict()])
        base = class_dir / source.stem
        if manifest.get(source.stem) != key or not base.with_suffix(".ulaw").exists():
            write_telephone_files(condition(AudioSegment.from_file(source), settings), base)
        wanted[source.stem] = key
    for stale in set(manifest) - set(wanted):  # a removed track must stop playing
        for suffix in (".wav", ".ulaw"):
            (class_dir / (stale + suffix)).unlink(missing_ok=True)
    manifest_path.write_text(json.dumps(wanted, indent=1))
    return class_dir
