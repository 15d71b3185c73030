"""Bad routine files for ``bench/adversarial.py``: each builds its files and says what to expect.

A case writes what it needs under a folder of its own and returns the paths to hand to the
command line. ``validate`` should exit 1 for a bad file (2 when the path names nothing at all),
and ``list --routines`` should exit 0, list the bundled routines and say what is wrong (2 for a
path that names nothing). A few cases are valid files under odd names: ``validate`` exits 0.
"""

from __future__ import annotations

import codecs
import os
import socket
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Build = Callable[[Path], list[str]]


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    build: Build
    validate_exit: int = 1
    list_exit: int = 0
    # "fifo", "socket", "symlink", "device", "unprivileged", "bytes-names": what the case needs.
    needs: str | None = None


GOOD = textwrap.dedent(
    """\
    format: 1
    stretches:
      my-stretch:
        name: My stretch
        instructions: [Stand tall, Lean in]
    routines:
      - id: mine
        name: Mine
        steps:
          - stretch: my-stretch
            hold: 30s
            reps: 2
    """
)


def good_with(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def hold(value: str) -> str:
    return good_with("hold: 30s", f"hold: {value}")


def file_case(name: str, kind: str, content: str | bytes, **kwargs: object) -> Case:
    data = content.encode("utf-8") if isinstance(content, str) else content

    def build(folder: Path) -> list[str]:
        path = folder / f"{name}.yaml"
        path.write_bytes(data)
        return [str(path)]

    return Case(name, kind, build, **kwargs)  # type: ignore[arg-type]


def _encodings() -> list[Case]:
    latin = GOOD.replace("My stretch", "Étirement très doux")
    return [
        file_case("utf16-le-bom", "encoding", codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le")),
        file_case("utf16-be-bom", "encoding", codecs.BOM_UTF16_BE + GOOD.encode("utf-16-be")),
        file_case("utf16-no-bom", "encoding", GOOD.encode("utf-16-le")),
        file_case("utf32", "encoding", GOOD.encode("utf-32")),
        file_case("latin1", "encoding", latin.encode("latin-1")),
        file_case("cp1252-quotes", "encoding", hold("“30s”").encode("cp1252")),
        file_case("shift-jis", "encoding", GOOD.replace("Mine", "ストレッチ").encode("shift_jis")),
        file_case("overlong-utf8", "encoding", GOOD.encode() + b"# \xc0\xaf\n"),
        file_case("lone-continuation", "encoding", GOOD.encode().replace(b"Mine", b"Mi\x80ne")),
        file_case("truncated-multibyte", "encoding", GOOD.encode() + b"# \xe2\x82"),
        file_case("encoded-surrogate", "encoding", GOOD.encode() + b"# \xed\xa0\x80\n"),
        file_case("byte-ff", "encoding", b"\xff" + GOOD.encode()),
        file_case("bom-then-error", "encoding", codecs.BOM_UTF8 + hold("~").encode()),
        # Valid: each BOM is dropped (the first by the reader, the second by YAML).
        file_case("double-bom", "encoding", codecs.BOM_UTF8 * 2 + GOOD.encode(), validate_exit=0),
        file_case("bom-mid-file", "encoding", GOOD.replace("routines:", "\ufeffroutines:")),
        file_case(
            "utf7", "encoding", GOOD.replace("Mine", "+AMk-").encode() + b"+/v8-\n" + b"\x00"
        ),
    ]


def _controls() -> list[Case]:
    lines = GOOD.splitlines(keepends=True)
    cases = []
    for line in (1, 4, 8, 12):
        text = "".join(lines[: line - 1]) + "# \x00 here\n" + "".join(lines[line - 1 :])
        cases.append(file_case(f"nul-line-{line}", "control chars", text))
    for code in (0x07, 0x1B, 0x7F, 0x0B, 0x0C, 0x80, 0x9F, 0xFFFE, 0xFFFF):
        cases.append(file_case(f"char-{code:04x}", "control chars", hold(f"'3{chr(code)}0s'")))
    cases += [
        file_case("nul-at-end", "control chars", GOOD + "\x00"),
        file_case("ansi-escape-name", "control chars", good_with("Mine", "\x1b[31mMine\x1b[0m")),
        file_case("nul-in-key", "control chars", good_with("reps: 2", "re\x00ps: 2")),
    ]
    return cases


def _binary_and_empty() -> list[Case]:
    return [
        file_case("empty", "empty / binary", b""),
        file_case("whitespace-only", "empty / binary", " \n\t\n  \n"),
        file_case("comments-only", "empty / binary", "# nothing here\n# at all\n"),
        file_case("bom-only", "empty / binary", codecs.BOM_UTF8),
        file_case("document-marker", "empty / binary", "---\n...\n"),
        file_case("tilde", "empty / binary", "~\n"),
        file_case(
            "random-bytes", "empty / binary", bytes((i * 37 + 11) % 256 for i in range(4096))
        ),
        file_case("gzip", "empty / binary", b"\x1f\x8b\x08\x00" + bytes(range(200))),
        file_case("png", "empty / binary", b"\x89PNG\r\n\x1a\n" + bytes(100)),
        file_case("elf", "empty / binary", b"\x7fELF\x02\x01\x01" + bytes(200)),
        file_case("all-nul", "empty / binary", bytes(1000)),
        file_case("json-array", "empty / binary", '[{"id": "x"}]'),
    ]


def _sizes() -> list[Case]:
    def sparse(folder: Path) -> list[str]:
        path = folder / "sparse.yaml"
        with open(path, "wb") as handle:
            handle.truncate(10 * 1024**3)  # 10 GiB of nothing, on no disk space
        return [str(path)]

    many = "format: 1\nroutines:\n" + "".join(
        f"  - {{id: r{i}, name: R, steps: [{{stretch: my-stretch, hold: 1}}]}}\n"
        for i in range(30_000)
    )
    return [
        file_case("just-over-1mib", "size", GOOD + "#" * (1024 * 1024 - len(GOOD) + 1)),
        file_case("five-mib", "size", GOOD + ("# filler line\n" * 400_000)),
        Case("sparse-10gib", "size", sparse),
        file_case("one-huge-line", "size", good_with("Mine", "M" * 900_000)),
        file_case("huge-key", "size", good_with("reps: 2", "r" * 500_000 + ": 2")),
        file_case("spaces-line", "size", GOOD + " " * 900_000 + "x: 1\n"),
        file_case(
            "node-budget", "size", "format: 1\nstretches: {}\nroutines: [" + "1," * 300_000 + "]"
        ),
        file_case("many-bad-routines", "size", many),
    ]


def _nesting() -> list[Case]:
    indented = "format: 1\nroutines:\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(900))
    return [
        file_case("flow-100k", "nesting", "format: 1\nroutines: " + "[" * 100_000 + "]" * 100_000),
        file_case("braces-100k", "nesting", "format: 1\nroutines: " + "{a: " * 60_000),
        file_case("block-200k", "nesting", "format: 1\nroutines:\n" + "- " * 200_000 + "x\n"),
        file_case("mixed-50k", "nesting", "format: 1\nroutines: " + "[{a: " * 50_000),
        file_case("just-over", "nesting", "format: 1\nroutines: " + "[" * 1001 + "]" * 1001),
        file_case("deep-in-hold", "nesting", hold("[" * 5000 + "]" * 5000)),
        file_case("indent-900", "nesting", indented),
        file_case("unclosed-5000", "nesting", "format: 1\nroutines: " + "[" * 5000),
    ]


def _aliases() -> list[Case]:
    laughs = "format: 1\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
    )
    return [
        file_case("billion-laughs", "anchors / aliases", laughs + "routines: *a9\n"),
        file_case("undefined-alias", "anchors / aliases", hold("*nothing")),
        file_case("recursive-alias", "anchors / aliases", "format: 1\nroutines: &a [*a]\n"),
        file_case("alias-as-key", "anchors / aliases", good_with("reps: 2", "*k: 2")),
        file_case(
            "merge-key",
            "anchors / aliases",
            "format: 1\nbase: &b {hold: 30}\nroutines:\n  - <<: *b\n    id: m\n",
        ),
        file_case(
            "aliased-routine-twice",
            "anchors / aliases",
            GOOD.replace("  - id: mine", "  - &r\n    id: mine") + "  - *r\n",
        ),
        file_case("anchor-on-hold", "anchors / aliases", hold("&h ~")),
        file_case(
            "alias-to-mapping-as-name",
            "anchors / aliases",
            good_with("name: Mine", "name: &n {a: 1}") + "  - {id: b, name: *n, steps: []}\n",
        ),
    ]


def _tags() -> list[Case]:
    return [
        file_case("python-object", "tags", hold("!!python/object/apply:os.system ['true']")),
        file_case("python-name", "tags", good_with("name: Mine", "name: !!python/name:os.system")),
        file_case("binary", "tags", good_with("name: Mine", "name: !!binary aGVsbG8=")),
        file_case("set", "tags", good_with("name: Mine", "name: !!set {a, b}")),
        file_case("omap", "tags", good_with("reps: 2", "reps: !!omap [a: 1]")),
        file_case("explicit-timestamp", "tags", hold("!!timestamp 2024-01-01")),
        file_case("local-tag", "tags", good_with("name: Mine", "name: !mine Mine")),
        file_case(
            "tag-directive", "tags", "%TAG !e! tag:example.com,2000:\n---\n" + hold("!e!x 30")
        ),
        file_case("yaml-2-directive", "tags", "%YAML 2.0\n---\n" + GOOD),
        file_case("two-documents", "tags", GOOD + "---\n" + GOOD),
    ]


def _durations() -> list[Case]:
    values = {
        "superscript": "²",
        "superscript-in-minutes": "'1²m'",
        "arabic-indic": "'٣٠'",
        "fullwidth": "３０s",
        "math-bold": "𝟑𝟎",
        "quoted-4301-digits": '"' + "1" * 4301 + '"',
        "plain-5000-digits": "1" * 5000,
        "base-60-run": "1:" * 200_000 + "1",
        "hex-long": "0x" + "f" * 5000,
        "octal": "0o777777777777",
        "binary-long": "0b" + "1" * 4000,
        "underscores": "1_000_000",
        "negative": "-5",
        "zero": "0",
        "float-inf": ".inf",
        "float-nan": ".nan",
        "exp-huge": "1e999",
        "spelled": "thirty seconds",
        "spaced-units": "30 sec",
        "minutes-only-big": "61m",
        "fraction": "1.5",
        "empty": "",
        "tilde": "~",
        "null-word": "null",
        "list": "[30]",
        "mapping": "{s: 30}",
        "bool": "yes",
        "nul-escape": '"30\\0s"',
        "date": "2024-01-01",
        "hours-huge": "99999999999999999999h",
    }
    return [file_case(f"hold-{name}", "durations", hold(v)) for name, v in values.items()]


def _wrong_types() -> list[Case]:
    edits = {
        "format-string": ("format: 1", "format: '1'"),
        "format-2": ("format: 1", "format: 2"),
        "format-empty": ("format: 1", "format:"),
        "format-list": ("format: 1", "format: [1]"),
        "format-true": ("format: 1", "format: true"),
        "format-negative": ("format: 1", "format: -1"),
        "routines-mapping": ("routines:\n", "routines:\n  x:\n"),
        "stretches-list": ("stretches:\n  my-stretch:\n", "stretches:\n  - my-stretch:\n"),
        "steps-mapping": ("steps:\n", "steps: {}\n  x:\n"),
        "steps-empty": ("reps: 2\n", "reps: 2\n  - id: other\n    name: O\n    steps: []\n"),
        "reps-word": ("reps: 2", "reps: three"),
        "reps-float": ("reps: 2", "reps: 1.5"),
        "reps-zero": ("reps: 2", "reps: 0"),
        "reps-101": ("reps: 2", "reps: 101"),
        "reps-bool": ("reps: 2", "reps: true"),
        "reps-empty": ("reps: 2", "reps:"),
        "sided-text": ("name: My stretch", "name: My stretch\n    sided: yes please"),
        "sided-empty": ("name: My stretch", "name: My stretch\n    sided:"),
        "instructions-text": ("[Stand tall, Lean in]", "Stand tall"),
        "instructions-empty": ("[Stand tall, Lean in]", "[]"),
        "instructions-nested": ("[Stand tall, Lean in]", "[[Stand], {a: b}]"),
        "name-list": ("name: Mine", "name: [a, b]"),
        "name-mapping": ("name: Mine", "name: {a: b}"),
        "name-empty": ("name: Mine", "name: ''"),
        "id-upper": ("id: mine", "id: Mine"),
        "id-space": ("id: mine", "id: my routine"),
        "id-empty": ("id: mine", "id:"),
        "id-list": ("id: mine", "id: [mine]"),
        "unknown-top-key": ("format: 1", "format: 1\nroutinez: []"),
        "unknown-step-key": ("reps: 2", "reps: 2\n        hodl: 3"),
        "duplicate-key": ("reps: 2", "reps: 2\n        reps: 3"),
        "prepare-negative": ("reps: 2", "reps: 2\n        prepare: -1"),
        "rest-61m": ("reps: 2", "reps: 2\n        rest: 61m"),
        "defaults-list": ("format: 1", "format: 1\ndefaults: [5, 10]"),
        "defaults-unknown": ("format: 1", "format: 1\ndefaults: {pause: 5}"),
    }
    cases = [file_case(name, "wrong types", good_with(*edit)) for name, edit in edits.items()]
    cases += [
        file_case("top-list", "wrong types", "- format: 1\n"),
        file_case("top-scalar", "wrong types", "just some text\n"),
        file_case("top-number", "wrong types", "42\n"),
        file_case("no-format", "wrong types", GOOD.replace("format: 1\n", "")),
        file_case("format-only", "wrong types", "format: 1\n"),
        file_case("tab-indent", "wrong types", GOOD.replace("    name: Mine", "\tname: Mine")),
    ]
    return cases


def _symptom(key: str) -> str:
    return GOOD.replace(
        "stretches:",
        f"symptoms:\n  itch:\n    label: Itch\n    key: '{key}'\n    action: stop\nstretches:",
    )


def _odd_unicode() -> list[Case]:
    keys = {
        "sharp-s": "ß",
        "ff-ligature": "ﬀ",
        "dotted-i": "İ",
        "astral": "𐀀",
        "two": "²",
        "arabic-digit": "٣",
        "roman-twelve": "Ⅻ",
        "space": " ",
        "emoji": "😀",
        "combining": "e\u0301",
    }
    cases = [file_case(f"key-{n}", "odd unicode", _symptom(k)) for n, k in keys.items()]
    cases += [
        file_case("cyrillic-o-in-hold", "odd unicode", good_with("hold: 30s", "hоld: 30s")),
        file_case("zero-width-in-key", "odd unicode", good_with("reps: 2", "reps\u200b: 2")),
        file_case("fullwidth-colon", "odd unicode", good_with("reps: 2", "reps：2")),
        file_case(
            "nbsp-indent", "odd unicode", good_with("        reps: 2", "\u00a0       reps: 2")
        ),
        file_case("line-separator", "odd unicode", good_with("reps: 2", "reps:\u2028 2")),
        file_case("rtl-override-id", "odd unicode", good_with("id: mine", "id: \u202emine")),
        file_case("emoji-id", "odd unicode", good_with("id: mine", "id: 🧘")),
        file_case("combining-id", "odd unicode", good_with("id: mine", "id: mine\u0301")),
        file_case("name-date", "odd unicode", good_with("name: Mine", "name: 2024-01-01")),
        file_case("name-equals", "odd unicode", good_with("name: Mine", "name: =")),
        file_case("name-merge", "odd unicode", good_with("name: Mine", "name: <<")),
        file_case("name-yes", "odd unicode", good_with("name: Mine", "name: yes")),
        file_case("name-tilde", "odd unicode", good_with("name: Mine", "name: ~")),
        file_case(
            "label-datetime", "odd unicode", _symptom("X").replace("Itch", "2024-01-01 10:00:00")
        ),
    ]
    return cases


def _as_written() -> list[Case]:
    """Ids with spaces or a newline, keys no keyboard types, text that hides or reverses."""
    kind = "as written"

    def name(value: str) -> str:
        return good_with("name: Mine", f'name: "{value}"')

    two_keys = _symptom("k").replace(
        "stretches:",
        "  kelvin:\n    label: Kelvin\n    key: '\u212a'\n    action: stop\nstretches:",
    )
    cases = [
        file_case("id-leading-space", kind, good_with("id: mine", 'id: " mine"')),
        file_case("id-trailing-space", kind, good_with("id: mine", "id: 'mine '")),
        file_case("id-trailing-newline", kind, good_with("id: mine", 'id: "mine\\n"')),
        file_case("id-bundled-newline", kind, good_with("id: mine", 'id: "hamstring-basics\\n"')),
        file_case("stretch-id-newline", kind, good_with("my-stretch:\n", '"my-stretch\\n":\n')),
        file_case(
            "stretch-ref-space", kind, good_with("stretch: my-stretch", "stretch: ' my-stretch'")
        ),
        file_case(
            "stop-on-space", kind, good_with("name: Mine", "name: Mine\n    stop_on: ['pain ']")
        ),
        file_case("key-kelvin-beside-k", kind, two_keys),
    ]
    keys = {
        "kelvin": "\u212a",
        "angstrom": "\u212b",
        "ohm": "\u2126",
        "fullwidth-k": "\uff2b",
        "dz-ligature": "\u01c4",
        "script-l": "\u2113",
        "capital-sharp-s": "\u1e9e",
        "ideograph": "\u4e2d",
        "small-capital": "\u1d00",
    }
    cases += [file_case(f"key-{n}", kind, _symptom(k)) for n, k in keys.items()]
    names = {
        "zero-width": "\\u200b",
        "bidi-only": "\\u202e\\u202c",
        "rtl-override": "\\u202eeniM",
        "newline": "a\\nb",
        "line-separator": "x\\u2028y",
        "paragraph-separator": "x\\u2029y",
        "hangul-filler": "\\u3164",
        "word-joiner": "\\u2060",
        "tab": "a\\tb",
        "bom-only": "\\ufeff",
    }
    cases += [file_case(f"name-{n}", kind, name(v)) for n, v in names.items()]
    cases += [
        file_case(
            "label-zero-width", kind, _symptom("X").replace("label: Itch", 'label: "\\u200b"')
        ),
        file_case(
            "area-newline",
            kind,
            good_with("name: My stretch", 'name: My stretch\n    area: ["a\\nb"]'),
        ),
        file_case(
            "description-invisible",
            kind,
            good_with("name: Mine", 'name: Mine\n    description: "\\u200b \\u200c"'),
        ),
        file_case(
            "instruction-invisible",
            kind,
            good_with("[Stand tall, Lean in]", '[Stand tall, "\\u2060"]'),
        ),
    ]
    return cases


def _references() -> list[Case]:
    return [
        file_case(
            "unknown-stretch", "references", good_with("stretch: my-stretch", "stretch: my-strech")
        ),
        file_case(
            "bundled-stretch-id", "references", good_with("my-stretch:\n", "towel-hamstring:\n")
        ),
        file_case(
            "bundled-routine-id", "references", good_with("id: mine", "id: hamstring-basics")
        ),
        file_case("same-routine-twice", "references", GOOD + GOOD.split("routines:\n")[1]),
        file_case("symptom-reserved-key", "references", _symptom("space")),
        file_case("symptom-bundled-key", "references", _symptom("t")),
        file_case(
            "advice-unknown-symptom",
            "references",
            good_with("instructions:", "advice: {itching: [x]}\n    instructions:"),
        ),
        file_case(
            "bad-action", "references", _symptom("X").replace("action: stop", "action: panic")
        ),
    ]


def _special(folder: Path, name: str, kind: str) -> Path:
    path = folder / name
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dir":
        path.mkdir()
    return path


def _file_system() -> list[Case]:
    def one(name: str, make: Callable[[Path], Path], **kwargs: object) -> Case:
        return Case(name, "file system", lambda folder: [str(make(folder))], **kwargs)  # type: ignore[arg-type]

    def link(target: str) -> Callable[[Path], Path]:
        def make(folder: Path) -> Path:
            path = folder / "link.yaml"
            path.symlink_to(target)
            return path

        return make

    def loop2(folder: Path) -> Path:
        (folder / "a.yaml").symlink_to("b.yaml")
        (folder / "b.yaml").symlink_to("a.yaml")
        return folder / "a.yaml"

    def folder_of(*entries: tuple[str, str]) -> Callable[[Path], Path]:
        def make(folder: Path) -> Path:
            inner = folder / "routines"
            inner.mkdir()
            for name, kind in entries:
                if kind == "text":
                    (inner / name).write_text("hi", encoding="utf-8")
                elif kind == "link-zero":
                    (inner / name).symlink_to("/dev/zero")
                else:
                    _special(inner, name, kind)
            return inner

        return make

    def sock(folder: Path) -> Path:
        path = folder / "socket.yaml"
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))  # left bound until the process ends: nobody ever connects
        _KEEP.append(server)
        return path

    def unreadable(folder: Path) -> Path:
        path = folder / "secret.yaml"
        path.write_text(GOOD, encoding="utf-8")
        path.chmod(0)
        return path

    def closed_folder(folder: Path) -> Path:
        inner = folder / "closed"
        inner.mkdir()
        (inner / "x.yaml").write_text(GOOD, encoding="utf-8")
        inner.chmod(0)
        return inner

    def behind_closed(folder: Path) -> Path:
        return closed_folder(folder) / "x.yaml"

    def twice(make_text: str) -> Build:
        def build(folder: Path) -> list[str]:
            path = folder / "x.yaml"
            path.write_text(make_text, encoding="utf-8")
            (folder / "sub").mkdir()
            (folder / "ln.yaml").symlink_to("x.yaml")
            return [
                str(path),
                str(folder / "sub" / ".." / "x.yaml"),
                str(folder / "ln.yaml"),
                str(path),
            ]

        return build

    def under_a_file(folder: Path) -> Path:
        (folder / "file.yaml").write_text(GOOD, encoding="utf-8")
        return folder / "file.yaml" / "x.yaml"

    def newline_name(folder: Path) -> Path:
        path = folder / "two\nlines.yaml"
        path.write_text(hold("~"), encoding="utf-8")
        return path

    def bytes_name(folder: Path) -> Path:
        raw = os.fsencode(folder) + b"/bad-\xff\xfe.yaml"
        with open(raw, "wb") as handle:
            handle.write(hold("~").encode())
        return Path(os.fsdecode(raw))

    return [
        one("fifo", lambda f: _special(f, "pipe.yaml", "fifo"), needs="fifo"),
        one("link-dev-zero", link("/dev/zero"), needs="device"),
        one("link-dev-urandom", link("/dev/urandom"), needs="device"),
        one("link-dev-null", link("/dev/null"), needs="device"),
        one("link-dev-stdin", link("/dev/stdin"), needs="device"),
        one("link-loop", link("link.yaml"), needs="symlink"),
        one("link-loop-2", loop2, needs="symlink"),
        one("link-dangling", link("gone.yaml"), needs="symlink"),
        one("link-to-folder", link("/"), needs="symlink"),
        one("dir-named-yaml", lambda f: _special(f, "dir.yaml", "dir")),
        one("socket", sock, needs="socket"),
        one("folder-empty", folder_of()),
        one("folder-no-yaml", folder_of(("notes.txt", "text"), ("x.YAML.bak", "text"))),
        one("folder-dirs-only", folder_of(("a.yaml", "dir"), ("b.yml", "dir"))),
        one("folder-fifo", folder_of(("pipe.yaml", "fifo")), needs="fifo"),
        one("folder-zero-link", folder_of(("zero.yaml", "link-zero")), needs="device"),
        one("unreadable-file", unreadable, needs="unprivileged"),
        one("unreadable-folder", closed_folder, needs="unprivileged"),
        one("behind-closed-folder", behind_closed, needs="unprivileged"),
        Case("same-bad-file-4-names", "file system", twice(hold("~")), needs="symlink"),
        Case(
            "same-good-file-4-names", "file system", twice(GOOD), validate_exit=0, needs="symlink"
        ),
        one("missing", lambda f: f / "nope.yaml", validate_exit=2, list_exit=2),
        one("under-a-file", under_a_file, validate_exit=2, list_exit=2),
        one("name-too-long", lambda f: f / ("n" * 300 + ".yaml")),
        one(
            "path-too-long",
            lambda f: f / "/".join(["d" * 200] * 30) / "x.yaml",
        ),
        one("newline-in-name", newline_name),
        one("bytes-in-name", bytes_name, needs="bytes-names"),
    ]


_KEEP: list[socket.socket] = []


def close_sockets() -> None:
    """Closes the sockets the socket cases left bound (call when the cases have run)."""
    while _KEEP:
        _KEEP.pop().close()


def all_cases() -> list[Case]:
    """Every case, in a stable order."""
    return [
        *_encodings(),
        *_controls(),
        *_binary_and_empty(),
        *_sizes(),
        *_nesting(),
        *_aliases(),
        *_tags(),
        *_durations(),
        *_wrong_types(),
        *_odd_unicode(),
        *_as_written(),
        *_references(),
        *_file_system(),
    ]
