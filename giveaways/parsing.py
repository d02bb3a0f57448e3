"""Reading the comments of an Instagram post into entries.

Two inputs are understood:

- the comments as copied from Instagram (web or app): the author's handle on its own line
  (or at the start of the comment's line), the comment text, and maybe lines such as
  "1 д.", "2w", "Ответить", "Reply", "Нравится: 3", "See translation";
- a CSV from a comment-export tool with an author column (author, username, user …) and a
  text column (text, comment …).

A CSV is read by the shared spreadsheet mechanism (unionportal/spreadsheets.py: its
separators, its row numbers, its limit on a cell). Every line that is neither part of a
comment nor known noise is reported with its number and a reason code; a tag that cannot be read as an Instagram handle is reported too. Nothing
is dropped silently.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from unionportal import spreadsheets

HANDLE_RE = re.compile(r"^[a-z0-9._]{1,30}$")
# A tag runs from "@" to a space or punctuation that cannot be part of a handle.
TAG_RE = re.compile(r"@([^\s@,;:!?()\[\]{}\"'«»<>/\\|#]+)")

# Cyrillic letters people type instead of the Latin ones they look like.
HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "і": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "һ": "h",
        "ԁ": "d",
        "ɡ": "g",
        "ӏ": "l",
    }
)

NOISE_PATTERNS = [
    # Relative times: "1 д.", "2 нед.", "3w", "15 мин", "1 сағ", "4h", "Только что".
    # The app glues the rest on: "1 д.Нравится: 2Ответить".
    re.compile(r"^\d{1,3}\s*(?:сек|мин|сағ|күн|апта|нед|дн|min|с|м|ч|д|н|г|ж|w|d|h|m|s|y)(?:\.|(?!\w))", re.I),
    re.compile(r"^(?:ответить|reply|жауап беру|жауап|нравится.*|\d+\s*(?:like|likes|отметк.*)|.*лайк.*)$", re.I),
    re.compile(
        r"^(?:see translation|показать перевод|аудармасын көру|view replies.*|посмотреть ответы.*|смотреть ответы.*|скрыть ответы|hide replies|edited|изменено|автор|author|pinned|закреплено|verified|подтвержденный)$",
        re.I,
    ),
    re.compile(r"^(?:фото профиля .*|.*'s profile picture|.*профиль суреті)$", re.I),
    re.compile(r"^(?:только что|just now|·|•|—|-)$", re.I),
]
AUTHOR_LINE_RE = re.compile(r"^([^\s@]{1,40})(?:\s+(?:✔️?|☑️?|verified|подтвержденный))?(?:\s+(.*))?$", re.I)

AUTHOR_COLUMNS = (
    "author",
    "username",
    "user",
    "owner",
    "owner_username",
    "handle",
    "profile",
    "автор",
    "имя пользователя",
    "пользователь",
)
TEXT_COLUMNS = ("text", "comment", "comment_text", "message", "content", "текст", "комментарий")

# Problem codes (the portal shows them translated).
UNREADABLE_AUTHOR = "unreadable_author"
UNREADABLE_TAG = "unreadable_tag"
TEXT_WITHOUT_AUTHOR = "text_without_author"
BROKEN_LINE = "broken_line"
MISSING_COLUMNS = "missing_columns"
EMPTY_ROW = "empty_row"


@dataclass
class ParsedComment:
    line_no: int
    author: str
    text: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class Problem:
    line_no: int
    line: str
    code: str
    detail: str = ""


@dataclass
class ParseResult:
    comments: list[ParsedComment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: int = 0
    blank_lines: int = 0
    noise_lines: int = 0


def normalise_handle(raw: str) -> str | None:
    """The handle as Instagram stores it (lower case, Latin), or None when it cannot be one."""
    text = unicodedata.normalize("NFKC", raw).strip().lstrip("@").lower()
    # Look-alikes are mapped only inside a handle that has Latin letters too ("@аnnа"):
    # a word wholly in Cyrillic ("строка") is a word, not a mistyped handle.
    if re.search(r"[a-z]", text):
        text = text.translate(HOMOGLYPHS)
    # A sentence may end right after a tag: "@anna." – a handle never ends with a dot.
    text = text.rstrip(".")
    return text if HANDLE_RE.match(text) else None


def extract_tags(text: str) -> tuple[list[str], list[str]]:
    """The distinct tagged handles in order of appearance, and the tags that cannot be read."""
    tags: list[str] = []
    seen: set[str] = set()
    bad: list[str] = []
    for match in TAG_RE.finditer(text):
        raw = match.group(1)
        # Emoji or other symbols glued to a tag are not part of it ("@anna🎉").
        cleaned = re.sub(r"[^\w.]+.*$", "", raw)
        handle = normalise_handle(cleaned) if cleaned else None
        if handle is None:
            bad.append("@" + raw)
        elif handle not in seen:
            seen.add(handle)
            tags.append(handle)
    return tags, bad


def _is_broken(line: str) -> bool:
    return "\ufffd" in line or any(unicodedata.category(ch) == "Cc" and ch not in "\t" for ch in line)


def _is_noise(line: str) -> bool:
    return any(p.match(line) for p in NOISE_PATTERNS)


def looks_like_csv(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip().lower()
    if "," not in first and ";" not in first and "\t" not in first:
        return False
    cells = [c.strip().strip('"') for c in re.split(r"[,;\t]", first)]
    return any(c in AUTHOR_COLUMNS for c in cells) and any(c in TEXT_COLUMNS for c in cells)


def parse_comments(text: str) -> ParseResult:
    """Parse pasted comments or a CSV export (detected by its header)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_csv(text):
        return parse_csv(text)
    return parse_pasted(text)


def _add_comment_text(result: ParseResult, comment: ParsedComment, text: str, line_no: int) -> None:
    comment.text = f"{comment.text}\n{text}" if comment.text else text
    tags, bad = extract_tags(text)
    for tag in tags:
        if tag not in comment.tags:
            comment.tags.append(tag)
    for raw in bad:
        result.problems.append(Problem(line_no, text, UNREADABLE_TAG, raw))


def parse_pasted(text: str) -> ParseResult:
    result = ParseResult()
    current: ParsedComment | None = None
    # True once the current comment's trailer ("1 д.", "Reply") was seen: the next
    # handle-like line then starts a new comment rather than continuing this one.
    closed = True
    for line_no, raw_line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        result.lines += 1
        line = raw_line.strip()
        if not line:
            result.blank_lines += 1
            if current is not None and current.text:
                closed = True
            continue
        if _is_broken(line):
            result.problems.append(Problem(line_no, line, BROKEN_LINE))
            continue
        if _is_noise(line):
            result.noise_lines += 1
            if current is not None:
                closed = True
            continue
        match = AUTHOR_LINE_RE.match(line)
        first_word = match.group(1) if match else ""
        # Instagram shows authors without "@": a line starting with "@" is tags.
        author = normalise_handle(first_word) if match else None
        rest = (match.group(2) or "") if match else ""
        if author is None:
            starts_comment = False
        elif rest:
            # "author comment…" on one line (the web's copy); a continuation line that
            # happens to start with a Latin word has no tags after it.
            starts_comment = closed or current is None or "@" in rest
        else:
            # A bare handle starts the next comment, unless the current one has no text
            # yet: then it is a one-word comment ("ok").
            starts_comment = closed or current is None or bool(current.text)
        if starts_comment:
            current = ParsedComment(line_no=line_no, author=author)
            result.comments.append(current)
            closed = False
            if rest:
                _add_comment_text(result, current, rest, line_no)
            continue
        if current is None or closed:
            # Text after a comment's "Reply" line with no author line before it: whose it
            # is cannot be known, so it is reported rather than added to the last author.
            code = UNREADABLE_AUTHOR if match and " " not in line else TEXT_WITHOUT_AUTHOR
            result.problems.append(Problem(line_no, line, code))
            continue
        _add_comment_text(result, current, line, line_no)
        closed = False
    return result


def parse_csv(text: str) -> ParseResult:
    result = ParseResult()
    try:
        rows = spreadsheets.numbered_text_rows(text.lstrip("\ufeff"))
    except spreadsheets.SpreadsheetError:
        result.problems.append(Problem(1, text.split("\n", 1)[0][:300], BROKEN_LINE))
        return result
    rows = [(n, cells) for n, cells in rows]
    header_at = next((i for i, (_n, cells) in enumerate(rows) if any(c for c in cells)), None)
    if header_at is None:
        return result
    header_no, header_cells = rows[header_at]
    header = [(h or "").strip().lower() for h in header_cells]
    result.lines = header_no
    author_col = next((i for i, h in enumerate(header) if h in AUTHOR_COLUMNS), None)
    text_col = next((i for i, h in enumerate(header) if h in TEXT_COLUMNS), None)
    if author_col is None or text_col is None:
        result.problems.append(Problem(header_no, ",".join(header), MISSING_COLUMNS))
        return result
    for line_no, row in rows[header_at + 1 :]:
        result.lines = line_no
        line = ",".join("" if c is None else c for c in row)
        if not any((cell or "").strip() for cell in row) and None not in row:
            result.blank_lines += 1
            continue
        if None in row or len(row) <= max(author_col, text_col) or _is_broken(line.replace("\n", " ")):
            result.problems.append(Problem(line_no, line[:300], BROKEN_LINE))
            continue
        author = normalise_handle(row[author_col])
        if author is None:
            result.problems.append(Problem(line_no, line, UNREADABLE_AUTHOR if row[author_col].strip() else EMPTY_ROW))
            continue
        comment = ParsedComment(line_no=line_no, author=author)
        result.comments.append(comment)
        _add_comment_text(result, comment, row[text_col].strip(), line_no)
    return result


def parse_handle_list(text: str) -> tuple[list[str], list[Problem]]:
    """A follower list: one handle per line (or a CSV whose first column is the handle)."""
    handles: list[str] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for line_no, raw in enumerate(text.lstrip("\ufeff").replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        first = re.split(r"[,;\t ]", line, maxsplit=1)[0]
        if line_no == 1 and first.lower() in AUTHOR_COLUMNS:
            continue  # a header row
        handle = normalise_handle(first)
        if handle is None:
            problems.append(Problem(line_no, line, UNREADABLE_AUTHOR))
        elif handle not in seen:
            seen.add(handle)
            handles.append(handle)
    return handles, problems
